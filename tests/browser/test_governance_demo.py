"""The seed project tells its story from the demo data: after `seed_demo`'s content is loaded,
the project manager sees non-zero live indicators on the results page (offers published,
validations completed, events held, … over 2022-11 – 2024-11) and non-zero booked costs on
the budget-and-actuals page (the demo SIE ledger). axe on both pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.demo.atlas import demo_atlas_seed
from valnav.demo.casework import seed_cases
from valnav.demo.events import seed_events
from valnav.demo.governance import seed_governance
from valnav.demo.outreach import demo_outreach_seed
from valnav.governance.models import Project


@pytest.fixture
def demo(browser_data: dict[str, Any]) -> Project:
    """The demo content the live indicators read, and the project with its demo ledger."""
    demo_atlas_seed()
    seed_cases()
    seed_events()
    demo_outreach_seed()
    seed_governance()
    return Project.objects.get(is_demo=True)


def test_the_seed_project_shows_live_indicators_and_actuals(page, server, check_a11y, demo):
    persona = PERSONAS_BY_KEY["project_manager"]
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))

    page.goto(url(server, "governance:results", pk=demo.pk))
    rows = page.locator("table").filter(has_text=sv("Indicators")).locator("tbody tr")
    live_rows = rows.filter(has=page.get_by_role("cell", name=sv("Live"), exact=True))
    expect(live_rows.first).to_be_visible()
    assert live_rows.count() >= 4
    zero = [
        row.inner_text()
        for row in live_rows.all()
        if not re.fullmatch(r"[1-9][\d\s  ]*", row.locator("td.num").nth(1).inner_text())
    ]
    assert zero == [], "\n".join(zero)
    check_a11y(page)

    page.goto(url(server, "governance:actuals", pk=demo.pk))
    booked = page.locator("#booked-total").inner_text()
    assert re.fullmatch(r"[1-9][\d\s  ]*(,\d\d)? kr", booked), booked
    check_a11y(page)
