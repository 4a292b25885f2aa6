"""The catalogue cites the real pages of its sources, by their current names."""

import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "data" / "reference" / "validation_models.toml"


def _models() -> list[dict[str, Any]]:
    with CATALOGUE.open("rb") as handle:
        models: list[dict[str, Any]] = tomllib.load(handle)["model"]
    return models


def test_no_model_cites_a_test_post_or_a_staging_site():
    for model in _models():
        for url in model.get("sources", []):
            assert "://stage." not in url, (model["key"], url)
            assert "staging" not in url, (model["key"], url)
            assert "testinlagg" not in url, (model["key"], url)


def test_owners_go_by_their_current_names():
    owners = {model["key"]: model.get("owner", "") for model in _models()}
    assert owners["byn-bygg"] == "Byggbranschens Yrkesnämnd (BYN)"
    assert not any("Byggnadsindustrins" in owner for owner in owners.values())


def test_sry_and_tcyk_are_sourced_from_their_own_sites():
    models = {model["key"]: model for model in _models()}
    assert any(url.startswith("https://www.sry.se/") for url in models["sry-stad"]["sources"])
    assert "inte bekräftad" not in models["sry-stad"]["summary"]
    tcyk = models["tcyk-utemiljo"]
    assert "kyrkogårdsarbetare" in tcyk["summary"]
    assert tcyk["ssyk"] == ["6113"]
    assert any("yrkesbevis.com" in url for url in tcyk["sources"])


def test_the_underskoterska_rule_depends_on_when_studies_started():
    """Studies started after 2023-06-30 follow the new rule (the vård- och omsorg course package
    from 2021 and samhällskunskap); the 1 240 + 80 points rule is for studies started earlier.
    Both the title model and the Komvux model say so, citing Socialstyrelsen."""
    models = {model["key"]: model for model in _models()}
    for key in ("socialstyrelsen-underskoterska", "komvux-vard-omsorg"):
        summary = models[key]["summary"]
        assert "efter den 30 juni 2023" in summary, key
        assert "till och med den 30 juni 2023" in summary, key
        assert "samhällskunskap" in summary, key
        assert any(
            url.startswith("https://legitimation.socialstyrelsen.se/")
            for url in models[key]["sources"]
        ), key
    codes = [c["code"] for c in models["socialstyrelsen-underskoterska"]["criteria"]]
    assert "SOS-VO-2" in codes
