"""Equity across municipalities: aggregates for strategists and project management."""

from __future__ import annotations

from tests.url_access import only

EXPECTED: dict[str, dict[str, int]] = {
    "insights:equity": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:equity-csv": only({"admin", "rua_vastmanland", "project_manager"}),
}
