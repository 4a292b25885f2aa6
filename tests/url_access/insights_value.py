"""The value calculator: for those who see insights (strategists, project management)."""

from __future__ import annotations

from tests.url_access import everyone, only, posting

EXPECTED: dict[str, dict[str, int]] = {
    "insights:value": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:value-pdf": only({"admin", "rua_vastmanland", "project_manager"}),
    "insights:value-save": everyone(405),  # POST only
}


# An empty saved calculation is refused (400) for those who may save one.
POST_EXPECTED: dict[str, dict[str, int]] = {
    "insights:value-save": posting({"admin", "rua_vastmanland", "project_manager"}, 400)
}
