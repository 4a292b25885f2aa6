"""Journeys a visitor or a persona would notice, in a real browser, each page checked with axe.

Paths come from `reverse` and link texts from the translation catalogue (Swedish unless said
otherwise), so the tests follow the Swedish slugs and wording as they change. The `page`
fixture fails a test if a request leaves the machine or the console shows an error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.core.permissions import Role

# Code and name of one municipality per county of Östra Mellansverige.
KNOWN_MUNICIPALITIES = [
    ("1980", "Västerås"),
    ("0380", "Uppsala"),
    ("1880", "Örebro"),
    ("0580", "Linköping"),
    ("0484", "Eskilstuna"),
]
MUNICIPALITY_COUNT = 52


def expect_map_drawn(page: Any) -> None:
    expect(page.locator("#places-map")).to_have_attribute("data-ready", "true")
    locations = page.evaluate("document.getElementById('places-map').data[0].locations.length")
    assert locations == MUNICIPALITY_COUNT


def test_visitor_finds_the_municipalities(page, server, check_a11y):
    page.goto(url(server, "core:home"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page)

    main_nav(page).get_by_role("link", name=sv("Regions and municipalities")).click()
    expect(page).to_have_url(url(server, "places:index"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Regions and municipalities"))
    expect_map_drawn(page)

    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(MUNICIPALITY_COUNT)
    for code, name in KNOWN_MUNICIPALITIES:
        row = rows.filter(has=page.locator("td", has_text=re.compile(rf"^\s*{code}\s*$")))
        expect(row).to_have_count(1)
        expect(row.get_by_role("rowheader")).to_have_text(name)
    check_a11y(page)


def test_language_switch(page, server, check_a11y):
    page.goto(url(server, "places:index"))
    expect_map_drawn(page)
    language_nav = page.get_by_role("navigation", name=sv("Language"))

    language_nav.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile("^" + re.escape(server) + "/en/"))
    expect(page).to_have_url(url(server, "places:index", "en"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Regions and municipalities")
    expect_map_drawn(page)
    check_a11y(page)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(url(server, "places:index"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Regions and municipalities"))
    expect_map_drawn(page)


def test_skip_link_moves_focus_to_main(page, server):
    page.goto(url(server, "core:home"))
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=sv("Skip to content"))
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


@pytest.mark.parametrize("persona_key", list(PERSONAS_BY_KEY))
def test_persona_logs_in_and_out(page, server, check_a11y, persona_key):
    persona = PERSONAS_BY_KEY[persona_key]
    page.goto(url(server, "core:home"))
    main_nav(page).get_by_role("link", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:login"))
    check_a11y(page)

    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()

    expect(page).to_have_url(url(server, "accounts:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("My pages"))
    expect(page.get_by_role("main")).to_contain_text(persona.email)
    check_a11y(page)

    administration = main_nav(page).get_by_role("link", name=sv("Administration"))
    if persona.role != Role.ADMINISTRATOR:
        expect(administration).to_have_count(0)
    else:
        administration.click()
        expect(page).to_have_url(url(server, "admin:index"))
        expect(page.locator("#content")).to_be_visible()
        check_a11y(page)
        page.get_by_role("link", name=sv("View site")).click()
        expect(page).to_have_url(url(server, "core:home"))

    main_nav(page).get_by_role("button", name=sv("Log out")).click()
    expect(page).to_have_url(url(server, "core:home"))
    expect(main_nav(page).get_by_role("link", name=sv("Log in"))).to_be_visible()
    page.goto(url(server, "accounts:dashboard"))
    expect(page).to_have_url(re.compile("^" + re.escape(url(server, "accounts:login"))))


def test_accessibility_statement_from_footer(page, server, check_a11y):
    page.goto(url(server, "core:home"))
    footer_nav = page.get_by_role("navigation", name=sv("About the site"))
    footer_nav.get_by_role("link", name=sv("Accessibility statement")).click()
    expect(page).to_have_url(url(server, "core:accessibility"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        sv("Accessibility statement for Valnav")
    )
    check_a11y(page)


def test_api_docs_are_reached_from_the_footer(page, server):
    # The page itself passes axe on a phone in test_phone_sweep.py.
    page.goto(url(server, "core:home"))
    footer_nav = page.get_by_role("navigation", name=sv("About the site"))
    footer_nav.get_by_role("link", name=sv("Open API")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(sv("API reference"))
    expect(page.get_by_role("heading", name="GET /api/v1/offers", exact=True)).to_be_visible()


@pytest.mark.parametrize("name", ["core:home", "places:index", "core:accessibility"])
def test_pages_reflow_at_400_percent_zoom(page, server, name):
    # 1280 CSS px at 400 % zoom leaves 320 px: WCAG 1.4.10 asks for no horizontal scrolling.
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(url(server, name))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at 320 px width"
    main_nav(page).get_by_role("link", name=sv("Regions and municipalities")).focus()
    expect(
        main_nav(page).get_by_role("link", name=sv("Regions and municipalities"))
    ).to_be_focused()
