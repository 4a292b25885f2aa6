"""Dashboards per audience and their exports: for those who see insights (strategists, project
management)."""

from __future__ import annotations

from tests.url_access import only

READERS = {"admin", "rua_vastmanland", "project_manager"}

EXPECTED: dict[str, dict[str, int]] = {
    "insights:dashboard": only(READERS),
    "insights:dashboard-csv": only(READERS),  # without ?panel=, the first panel
    "insights:dashboard-pdf": only(READERS),
    "insights:dashboard-xlsx": only(READERS),
}
