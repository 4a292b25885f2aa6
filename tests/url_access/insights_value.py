"""The value calculator: for those who see insights (strategists, project management)."""

from __future__ import annotations

from tests.url_access import everyone, only

EXPECTED: dict[str, dict[str, int]] = {
    "insights:value": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:value-pdf": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:value-save": everyone(405),  # POST only
}
