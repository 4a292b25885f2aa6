"""Focus-branch scoring: for those who see insights (strategists, project management). Each
user's scenarios are their own; the compare page without scenarios asks which to compare."""

from __future__ import annotations

from tests.url_access import everyone, only, posting

READERS = {"admin", "rua_vastmanland", "project_manager"}

EXPECTED: dict[str, dict[str, int]] = {
    "insights:focus": only(READERS),
    "insights:focus-save": everyone(405),  # POST only
    "insights:focus-compare": only(READERS),
    # The API: a token or the session; no one signed in gets 401.
    "api-v1:insights-focus": only(READERS) | {"anonymous": 401},
}


# An empty saved view is refused (400) for those who may save one.
POST_EXPECTED: dict[str, dict[str, int]] = {"insights:focus-save": posting(READERS, 400)}
