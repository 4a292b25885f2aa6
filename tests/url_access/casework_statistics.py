"""Casework in figures: for those who see no single case (strategists, project management)."""

from __future__ import annotations

from tests.url_access import only

EXPECTED: dict[str, dict[str, int]] = {
    "casework:statistics": only({"admin", "rua_vastmanland", "project_manager"}),
}
