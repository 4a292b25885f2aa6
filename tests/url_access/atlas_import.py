"""Importing and exporting offers."""

from __future__ import annotations

from tests.url_access import everyone, only

IMPORTERS = {"admin", "rua_vastmanland", "assessor_vasteras_komvux"}

EXPECTED: dict[str, dict[str, int]] = {
    "atlas:import": only(IMPORTERS),
    # The sample job does not exist (nor would another person's): importers get 404.
    "atlas:import-progress": only(IMPORTERS) | dict.fromkeys(IMPORTERS, 404),
    "atlas:export": everyone(200),  # published offers for the public, more for members
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name == "atlas:import-progress":
        return {"job": "0" * 32}
    return None
