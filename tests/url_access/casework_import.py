"""Importing cases from a spreadsheet: assessors (and administrators, who see the page but
import only where they are assessors)."""

from __future__ import annotations

from tests.url_access import only

EXPECTED: dict[str, dict[str, int]] = {
    "casework:import": only({"admin", "assessor_vasteras_komvux"}),
}
