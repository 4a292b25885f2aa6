"""The insights index (/analys/): for those who see insights (strategists, project management)."""

from __future__ import annotations

from tests.url_access import only

EXPECTED: dict[str, dict[str, int]] = {
    "insights:index": only({"admin", "rua_vastmanland", "project_manager"}),
}
