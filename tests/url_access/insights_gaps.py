"""Gap analysis: readers of insights (regional strategists, project managers) see the page, its
CSV and the API; the API answers 401 to anonymous callers rather than redirecting."""

from __future__ import annotations

from django.core.cache import cache

from tests.url_access import only

READERS = {"admin", "rua_vastmanland", "project_manager"}

EXPECTED: dict[str, dict[str, int]] = {
    "insights:gaps": only(READERS),
    "insights:gaps-csv": only(READERS),
    "api-v1:insights-gaps": only(READERS) | {"anonymous": 401},
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    # The matrix asks every API URL from one address within seconds; the rate limit is tested
    # in valnav/api/tests.
    cache.clear()
    return None
