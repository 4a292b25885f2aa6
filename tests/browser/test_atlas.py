"""The atlas in a real browser: search, route finder and offer editing, each page with axe."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.models import Organisation
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.atlas.models import ModelKind, Offer, PublicationStatus
from valnav.atlas.tests.factories import EducationFactory, OfferFactory, ValidationModelFactory
from valnav.places.models import Municipality


@pytest.fixture
def atlas(browser_data: dict[str, Any]) -> dict[str, Any]:
    def place(code: str) -> Municipality:
        return Municipality.objects.get(code=code)

    vard = ValidationModelFactory(
        name="Validering inom vård och omsorg",
        kind=ModelKind.KOMVUX,
        ssyk=["5321", "5323"],
    )
    vard.steps.create(position=1, title="Fördjupad kartläggning")
    vard.criteria.create(position=1, code="VO-1", title="Vård- och omsorgsarbete")
    svets = ValidationModelFactory(name="Validering av svetsare", ssyk=["7212"])
    svets.criteria.create(position=1, code="S-1", title="Kälsvets i stål")
    svets.criteria.create(position=2, code="S-2", title="Stumsvets i rör")
    own = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    return {
        "vasteras": OfferFactory(model=vard, provider=own, municipality=place("1980")),
        "eskilstuna": OfferFactory(model=vard, municipality=place("0484")),
        "linkoping": OfferFactory(model=vard, municipality=place("0580")),
        "svets": OfferFactory(
            model=svets, municipality=place("0483"), contact_email="svets@example.se"
        ),
        "course": EducationFactory(
            title="Vård- och omsorgsarbete 1", municipality=place("1961"), closes=[vard]
        ),
        "vard": vard,
        "own": own,
    }


def test_search_lists_the_nearest_offers_first_and_leads_to_an_offer(
    page, server, check_a11y, atlas
):
    page.goto(url(server, "core:home"))
    page.get_by_role("search").get_by_role("searchbox").fill("undersköterska")
    page.get_by_role("search").get_by_role("button", name=sv("Search")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Find validation"))
    check_a11y(page)

    page.get_by_text(sv("Filters")).click()
    page.get_by_label(field_label("Municipality")).select_option("1980")
    results = page.locator("#results .result h3")
    expect(results.first).to_have_text("Validering inom vård och omsorg")
    # One entry for the model, its offers nearest first.
    offers = page.locator("#results .result").first.locator(".result-offers li")
    expect(offers.first).to_contain_text("Västerås")
    expect(offers.nth(1)).to_contain_text("Eskilstuna")
    # htmx swapped the results and pushed a shareable URL.
    expect(page).to_have_url(re.compile(r"municipality=1980"))
    check_a11y(page)

    offers.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validering inom vård och omsorg")
    expect(page.get_by_role("main")).to_contain_text("Fördjupad kartläggning")
    expect(page.get_by_role("main")).to_contain_text("Vård- och omsorgsarbete 1")
    check_a11y(page)


def test_search_works_in_english(page, server, check_a11y, atlas):
    page.goto(url(server, "atlas:search", "en") + "?q=svetsare")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#results .result h3").first).to_have_text("Validering av svetsare")
    check_a11y(page)


def test_a_search_that_finds_nothing_offers_a_way_forward(page, server, check_a11y, atlas):
    page.goto(url(server, "atlas:search") + "?q=svtsre&municipality=1980")
    results = page.locator("#results")
    expect(results).to_contain_text(sv("No validation offers match."))
    expect(results.get_by_role("link", name="svetsare")).to_be_visible()
    check_a11y(page)
    results.get_by_role("link", name="svetsare").click()
    expect(page.locator("#results .result h3").first).to_have_text("Validering av svetsare")
    check_a11y(page)


def test_route_finder_takes_a_welder_in_katrineholm_to_a_local_offer(
    page, server, check_a11y, atlas
):
    page.goto(url(server, "core:home"))
    main_nav(page).get_by_role("link", name=sv("Find your way")).click()
    check_a11y(page)
    page.get_by_label(field_label("What do you work with, or what have you worked with?")).fill(
        "svetsare"
    )
    page.get_by_role("button", name=sv("Next")).click()
    page.get_by_label(field_label("Which municipality do you live in?")).select_option("0483")
    page.get_by_role("button", name=sv("Next")).click()
    check_a11y(page)
    page.get_by_label(sv("Yes, from another country")).check()
    page.get_by_role("button", name=sv("Next")).click()
    page.get_by_label(
        field_label("Which language do you prefer for the assessment?")
    ).select_option("ar")
    page.get_by_role("button", name=sv("Next")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Your way to validation"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Validering av svetsare")
    expect(main).to_contain_text("Katrineholm")
    expect(main).to_contain_text("svets@example.se")
    check_a11y(page)

    page.get_by_role("link", name=sv("Prepare: rate yourself against what is assessed")).click()
    page.get_by_role("group", name="Stumsvets i rör").get_by_label(sv("Partly")).check()
    page.get_by_role("button", name=sv("Save my answers")).click()
    expect(
        page.get_by_role("group", name="Stumsvets i rör").get_by_label(sv("Partly"))
    ).to_be_checked()
    check_a11y(page)


def test_an_assessor_edits_and_publishes_an_offer_and_sees_its_history(
    page, server, check_a11y, atlas
):
    persona = PERSONAS_BY_KEY["assessor_vasteras_komvux"]
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()

    main_nav(page).get_by_role("link", name=sv("My atlas")).click()
    check_a11y(page)
    page.get_by_role("link", name=sv("New offer")).click()
    check_a11y(page)
    page.get_by_label(field_label("model")).select_option(label="Validering inom vård och omsorg")
    page.get_by_label(field_label("provider")).select_option(label=atlas["own"].name)
    page.get_by_label(field_label("provider's own id")).fill("VO-KVÄLL")
    page.get_by_label(field_label("municipality")).select_option(label="Västerås")
    page.get_by_label(field_label("Assessment languages")).fill("sv, ar")
    page.get_by_label(field_label("typical lead time (weeks)")).fill("5")
    page.get_by_role("button", name=sv("Save")).click()
    expect(page.get_by_role("main")).to_contain_text(sv("The offer was saved as a draft."))

    offer = Offer.objects.get(external_id="VO-KVÄLL")
    assert offer.status == PublicationStatus.DRAFT
    page.get_by_role(
        "button", name=f"{sv('Publish')} – Validering inom vård och omsorg, Västerås"
    ).first.click()
    expect(page.get_by_role("main")).to_contain_text(sv("The offer is published."))
    page.goto(url(server, "atlas:offer-history", pk=offer.pk))
    expect(page.get_by_role("main")).to_contain_text(persona.full_name)
    check_a11y(page)


def test_coverage_map_shows_every_municipality_and_the_white_spots(page, server, check_a11y, atlas):
    page.goto(url(server, "core:home"))
    main_nav(page).get_by_role("link", name=sv("Coverage")).click()
    page.get_by_label(field_label("Occupation")).select_option("5321")
    page.get_by_role("button", name=sv("Show")).click()
    expect(page.locator("#coverage-map")).to_have_attribute("data-ready", "true")
    drawn = page.evaluate("document.getElementById('coverage-map').data[0].locations.length")
    assert drawn == 52
    expect(page.locator("main table tbody tr")).to_have_count(52)
    expect(page.locator("main table tbody tr.white-spot")).to_have_count(49)
    check_a11y(page)


def test_route_finder_in_english(page, server, check_a11y, atlas):
    page.goto(url(server, "atlas:route", "en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("What do you work with, or what have you worked with?").fill("svetsare")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Which municipality do you live in?").select_option("0483")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("No, or only a few").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Which language do you prefer for the assessment?").select_option("en")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your way to validation")
    expect(page.get_by_role("main")).to_contain_text("Katrineholm")
    check_a11y(page)
