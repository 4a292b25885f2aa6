import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from valnav.core.tests.production import production_env

pytestmark = pytest.mark.django_db


def test_home_is_swedish_by_default_and_english_under_en():
    swedish = Client().get("/").content.decode()
    assert '<html lang="sv"' in swedish
    assert "Få det du kan erkänt" in swedish or "validering" in swedish.lower()
    english = Client().get("/en/").content.decode()
    assert '<html lang="en"' in english
    assert "Get what you know recognised" in english


def test_every_page_links_to_the_accessibility_statement():
    with translation.override("sv"):
        statement = reverse("core:accessibility")
    page = Client().get("/").content.decode()
    assert f'href="{statement}"' in page
    body = Client().get(statement).content.decode()
    assert "Digg" in body
    assert "2018:1937" in body


def test_places_page_lists_52_municipalities_and_carries_the_map_data(reference_data):
    response = Client().get(reverse("places:index"))
    page = response.content.decode()
    assert page.count('<th scope="row">') == 52
    for code in ["1980", "0380", "1880", "0580", "0484"]:
        assert f"<td>{code}</td>" in page
    assert 'id="places-map-data" type="application/json"' in page
    map_data = response.context["map_data"]
    assert len(map_data["geojson"]["features"]) == 52


def test_pages_send_a_content_security_policy_without_inline_scripts():
    response = Client().get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_template_or_script_loads_anything_from_another_host():
    roots = [Path(settings.BASE_DIR) / "valnav"]
    offenders = []
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix not in {".html", ".js", ".css"} or "vendor" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for marker in ('src="http', "src='http", "url(http", '@import "http'):
                if marker in text:
                    offenders.append(f"{path}: {marker}")
    assert not offenders


def test_check_deploy_is_clean_under_the_documented_production_environment(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "VALNAV_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_deploy_check_refuses_credentials_without_a_key_or_an_https_address(settings):
    from valnav.core.checks import credential_signing_configured

    settings.DEBUG = False
    settings.VALNAV_CREDENTIAL_SIGNING_KEY = ""
    settings.VALNAV_PUBLIC_URL = "http://127.0.0.1:8000"
    errors = credential_signing_configured(None)
    assert [error.id for error in errors] == ["valnav.E004", "valnav.E004"]
    assert "VALNAV_CREDENTIAL_SIGNING_KEY" in errors[0].msg
    assert "VALNAV_PUBLIC_URL" in errors[1].msg
