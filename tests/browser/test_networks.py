"""Networks in a real browser: the communicator of Region Västmanland opens the Komvux
validation network from the main menu, creates a meeting with an agenda, records the minutes
and a decision, approves the minutes; then a visitor, not logged in, reads the approved
minutes on the network's public page. axe on every page on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.demo.networks import KOMVUX_SLUG, seed_networks
from valnav.networks.models import Meeting


@pytest.fixture
def demo_networks(browser_data: dict[str, Any]) -> None:
    seed_networks()


def log_in(page: Any, server: str, key: str, check_a11y: Any) -> None:
    persona = PERSONAS_BY_KEY[key]
    page.goto(url(server, "accounts:login"))
    check_a11y(page)
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))
    check_a11y(page)


def test_a_communicator_records_a_meeting_and_a_visitor_reads_the_approved_minutes(
    page, server, check_a11y, demo_networks
):
    log_in(page, server, "communicator_vastmanland", check_a11y)
    main_nav(page).get_by_role("link", name=sv("Networks")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Networks"))
    check_a11y(page)

    page.get_by_role("main").get_by_role("link", name=sv("My networks")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("My networks"))
    check_a11y(page)
    page.get_by_role("link", name="Komvux valideringsnätverk Östra Mellansverige").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Komvux valideringsnätverk Östra Mellansverige"
    )
    check_a11y(page)

    # A new meeting with an agenda.
    page.get_by_role("link", name=sv("New meeting")).click()
    check_a11y(page)
    page.get_by_label(field_label("Title")).fill("Erfarenhetsutbyte om yrkesbevis")
    page.get_by_label(field_label("Kind")).select_option("experience_exchange")
    page.locator("#id_starts_at").fill("2026-12-10T09:30")
    page.get_by_label(field_label("Place")).fill("Regionens hus, Västerås")
    page.get_by_label(field_label("Agenda")).fill("1. Inledning\n2. Yrkesbevis i industrin\n")
    page.get_by_role("group", name=re.compile(sv("Organisations present"))).get_by_label(
        "Västerås stad, Vuxenutbildningen (demo)"
    ).check()
    page.get_by_role("button", name=sv("Save the meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erfarenhetsutbyte om yrkesbevis")
    expect(page.locator("#agenda")).to_contain_text("Yrkesbevis i industrin")
    check_a11y(page)

    # The minutes.
    page.get_by_role("link", name=sv("Edit the meeting, agenda and minutes")).click()
    page.get_by_label(field_label("Minutes")).fill(
        "## Yrkesbevis\n\nNätverket enades om att **samordna** bedömningarna."
    )
    check_a11y(page)
    page.get_by_role("button", name=sv("Save the meeting")).click()
    expect(page.locator("#minutes")).to_contain_text(sv("Draft: not approved yet."))
    check_a11y(page)

    # A decision.
    decisions = page.locator("#decisions")
    decisions.get_by_label(field_label("Decision")).fill("Skriv en gemensam bedömningsrutin.")
    decisions.get_by_label(field_label("Responsible organisation")).select_option(
        label="Västerås stad, Vuxenutbildningen (demo)"
    )
    decisions.get_by_label(field_label("Due")).fill("2027-02-01")
    decisions.get_by_role("button", name=sv("Record the decision")).click()
    expect(page.locator("#decisions table")).to_contain_text("Skriv en gemensam bedömningsrutin.")
    check_a11y(page)

    # Approval.
    page.get_by_role("button", name=sv("Approve the minutes")).click()
    expect(page.locator("#minutes")).to_contain_text("Kim Kommunikatör")
    check_a11y(page)
    meeting = Meeting.objects.get(title="Erfarenhetsutbyte om yrkesbevis")
    assert meeting.minutes_approved

    # The action list.
    page.goto(url(server, "networks:decision-list"))
    expect(page.get_by_role("main")).to_contain_text("Skriv en gemensam bedömningsrutin.")
    check_a11y(page)

    # A visitor reads the approved minutes.
    main_nav(page).get_by_role("button", name=sv("Log out")).click()
    expect(main_nav(page).get_by_role("link", name=sv("Log in"))).to_be_visible()
    check_a11y(page)
    page.goto(url(server, "networks:public-list"))
    check_a11y(page)
    page.get_by_role("link", name="Komvux valideringsnätverk Östra Mellansverige").click()
    expect(page).to_have_url(url(server, "networks:public-detail", slug=KOMVUX_SLUG))
    minutes = page.get_by_role("article").filter(has_text="Erfarenhetsutbyte om yrkesbevis")
    expect(minutes).to_contain_text("Nätverket enades om att samordna bedömningarna.")
    expect(minutes.locator("strong")).to_have_text("samordna")
    expect(page.get_by_role("main")).not_to_contain_text("Yrkesbevis i industrin")  # agenda
    expect(page.get_by_role("main")).not_to_contain_text("Kim Kommunikatör")  # no persons
    check_a11y(page)

    page.get_by_role("link", name=sv("All knowledge-raising efforts")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Knowledge-raising efforts"))
    expect(page.get_by_role("table")).to_contain_text("<5")
    check_a11y(page)
