"""Security by configuration: the headers every response carries in production, CSRF on every
form, the absolute session lifetime and the rate limits on public writes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from valnav.core.middleware import SESSION_STARTED_KEY
from valnav.core.tests.production import production_env
from valnav.events.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

# Asks /health/ and the API schema over HTTPS under the production settings, and
# prints the headers: settings are read once per process, so production runs in a process of
# its own. Neither page touches the database.
HEADERS_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="valnav.example.se")
result = {}
for path in ("/health/", "/api/v1/openapi.json"):
    response = client.get(path, secure=True)
    result[path] = {"status": response.status_code, **dict(response.headers)}
result["plain"] = {"status": client.get("/api/v1/openapi.json", secure=False).status_code}
result["probe"] = {"status": client.get("/health/", secure=False).status_code}
print(json.dumps(result))
"""


@pytest.fixture(scope="module")
def production_headers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    tmp_path = tmp_path_factory.mktemp("production")
    result = subprocess.run(  # noqa: S603  (this module's own script)
        [sys.executable, "-c", HEADERS_SCRIPT],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    headers: dict[str, dict[str, str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return headers


def test_production_redirects_plain_http_to_https(production_headers):
    assert production_headers["plain"]["status"] == 301


@pytest.mark.parametrize("path", ["/health/", "/api/v1/openapi.json"])
def test_production_responses_carry_the_security_headers(production_headers, path):
    headers = production_headers[path]
    assert headers["status"] == 200
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in headers["Permissions-Policy"]
    policy = headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_the_session_cookie_is_secure_and_http_only_in_production(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY]))"
    )
    result = subprocess.run(  # noqa: S603  (this module's own script)
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [True, True, True]


def _views(resolver: URLResolver, prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            found.extend(_views(pattern, prefix + str(pattern.pattern)))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def test_no_page_is_exempt_from_csrf_protection():
    # The API is the one exception, by design: its writes take bearer tokens, not cookies, and
    # Ninja checks CSRF itself when a write arrives with the session.
    exempt = [
        route
        for route, view in _views(get_resolver())
        if getattr(view, "csrf_exempt", False) and not route.startswith("api/")
    ]
    assert exempt == []


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    missing = []
    for path in Path(settings.BASE_DIR, "valnav").rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        lowered = text.lower()
        posts = lowered.count('method="post"')
        if posts and lowered.count("{% csrf_token %}") < posts:
            missing.append(str(path.relative_to(settings.BASE_DIR)))
    assert missing == []


def test_a_form_sent_without_the_csrf_token_is_refused(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "admin@valnav.example", "password": "x"}
    )
    assert response.status_code == 403


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, personas, settings):
    settings.VALNAV_SESSION_ABSOLUTE_SECONDS = 3600
    client.force_login(personas["rua_vastmanland"])
    dashboard = reverse("accounts:dashboard")
    assert client.get(dashboard).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 3601
    session.save()
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # Logged out, not only turned away: the next request is anonymous too.
    assert "_auth_user_id" not in client.session
    assert client.get(dashboard).status_code == 302


def test_a_session_within_its_lifetime_goes_on(client, personas, settings):
    settings.VALNAV_SESSION_ABSOLUTE_SECONDS = 3600
    client.force_login(personas["rua_vastmanland"])
    client.get(reverse("accounts:dashboard"))
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 3500
    session.save()
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def _register(client: Client, url: str, number: int, address: str) -> int:
    response = client.post(
        url,
        {
            "name": f"Deltagare {number}",
            "email": f"deltagare{number}@example.se",
            "organisation_name": "Komvux Västerås",
            "organisation_kind": "komvux",
            "county": "",
            "gender": "",
        },
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_event_registration_is_rate_limited_per_address(reference_data, settings):
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "event-registration": 3}
    event = EventFactory(capacity=50)
    url = event.get_absolute_url()
    client = Client()
    statuses = [_register(client, url, number, "192.0.2.10") for number in range(3)]
    assert 429 not in statuses
    refused = client.post(url, {"name": "Fjärde"}, REMOTE_ADDR="192.0.2.10")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 60
    assert "För många försök" in refused.content.decode()
    # Nothing was saved for the refused one; reading the page and other addresses go on.
    assert event.registrations.count() == 3
    assert client.get(url, REMOTE_ADDR="192.0.2.10").status_code == 200
    assert _register(client, url, 4, "192.0.2.11") != 429
    assert event.registrations.count() == 4


def test_production_lets_load_balancers_probe_health_over_plain_http(production_headers):
    assert production_headers["probe"]["status"] == 200


def test_readiness_answers_when_database_and_cache_answer(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "failed": []}


def test_readiness_names_the_cache_when_it_fails(client, settings):
    # A cache that keeps nothing: rate limits and cached figures would silently not work.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json() == {"ok": False, "failed": ["cache"]}


def test_logins_are_rate_limited_per_address_besides_the_account_lockout(personas, settings):
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "login": 3}
    client = Client()
    url = reverse("accounts:login")
    # Three different accounts: the lockout (per account and address) never comes into play.
    for number in range(3):
        response = client.post(
            url,
            {"username": f"nobody{number}@example.se", "password": "fel"},
            REMOTE_ADDR="192.0.2.20",
        )
        assert response.status_code == 200
    refused = client.post(
        url, {"username": "nobody9@example.se", "password": "fel"}, REMOTE_ADDR="192.0.2.20"
    )
    assert refused.status_code == 429
    assert client.get(url, REMOTE_ADDR="192.0.2.20").status_code == 200


def test_password_reset_requests_are_rate_limited(reference_data, settings, mailoutbox):
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "password-reset": 2}
    client = Client()
    url = reverse("accounts:password-reset")
    for _ in range(2):
        client.post(url, {"email": "someone@example.se"}, REMOTE_ADDR="192.0.2.30")
    refused = client.post(url, {"email": "someone@example.se"}, REMOTE_ADDR="192.0.2.30")
    assert refused.status_code == 429
