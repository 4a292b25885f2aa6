"""Equity across municipalities: aggregates for strategists and project management; the
population figures its rates rest on are imported by those who import demand data."""

from __future__ import annotations

from django.core.cache import cache

from tests.url_access import only

EXPECTED: dict[str, dict[str, int]] = {
    "insights:equity": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:equity-csv": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:population-import": only({"admin", "rua_vastmanland"}),
    "api-v1:insights-equity": only({"admin", "rua_vastmanland", "project_manager"})
    | {"anonymous": 401},
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    # The API's rate limit counts in the cache; the matrix asks from one address within seconds.
    cache.clear()
    return None
