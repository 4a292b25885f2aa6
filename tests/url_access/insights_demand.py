"""Demand data: regional strategists and project managers read it; strategists import it and
set the shortage rule."""

from __future__ import annotations

from tests.url_access import only

READERS = {"admin", "rua_vastmanland", "project_manager"}
IMPORTERS = {"admin", "rua_vastmanland"}

EXPECTED: dict[str, dict[str, int]] = {
    "insights:demand": only(READERS),
    "insights:demand-import": only(IMPORTERS),
    "insights:demand-rule": only(IMPORTERS),
}
