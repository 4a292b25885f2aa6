"""Project governance in a real browser: the project manager opens the ÖMS project from the
dashboard, sees the application's budget and financing (13 960 000 kr, balanced each year),
imports a small ledger file, sees the variance and a financier's requisition, and downloads the
steering-group report as PDF. axe on every page on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, main_nav, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.demo.governance import seed_governance

PROJECT = "Regionala strukturer för validering i Östra Mellansverige"
LEDGER = (
    "Datum;Verifikation;Konto;Kostnadsslag;Region;Belopp\n"
    "2023-01-31;V1001;7010;Egen personal;19;120 000\n"
    "2023-02-28;V1002;6550;Externa tjänster;;45 000\n"
)


def log_in(page: Any, server: str, key: str, check_a11y: Any) -> None:
    persona = PERSONAS_BY_KEY[key]
    page.goto(url(server, "accounts:login"))
    check_a11y(page)
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))
    check_a11y(page)


@pytest.fixture
def demo_project(browser_data: dict[str, Any]) -> None:
    """The demo project without its demo ledger: the journey books its own small one."""
    seed_governance(ledger=False)


def test_the_project_manager_follows_up_budget_and_actuals(page, server, check_a11y, demo_project):
    log_in(page, server, "project_manager", check_a11y)
    page.get_by_role("main").get_by_role("link", name=sv("Projects"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Projects"))
    check_a11y(page)
    page.get_by_role(
        "link", name="Regionala strukturer för validering i Östra Mellansverige"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Regionala strukturer för validering i Östra Mellansverige"
    )
    check_a11y(page)

    # The application's budget and financing, balanced every year.
    page.get_by_role("link", name=sv("Budget and financing")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Budget and financing"))
    expect(page.locator("#cost-total")).to_have_text("13 960 000")
    expect(page.locator("#financing-total")).to_have_text("13 960 000")
    checks = page.locator("#year-checks li")
    expect(checks).to_have_count(3)
    for year in ("2022", "2023", "2024"):
        expect(checks.filter(has_text=f"{year}:")).to_contain_text(sv("Balanced"))
    check_a11y(page)

    # A small ledger file: checked, then imported.
    page.get_by_role("link", name=sv("Budget and actuals")).click()
    check_a11y(page)
    page.get_by_role("main").get_by_role("link", name=sv("Import a ledger file")).click()
    check_a11y(page)
    files = {"name": "huvudbok.csv", "mimeType": "text/csv", "buffer": LEDGER.encode()}
    page.get_by_label(field_label("Ledger file")).set_input_files(files)
    page.get_by_role("button", name=sv("Check the file")).click()
    expect(page.locator("#import-status")).to_contain_text("2")
    check_a11y(page)
    page.get_by_label(field_label("Ledger file")).set_input_files(files)
    page.get_by_role("button", name=sv("Import"), exact=True).click()
    expect(page.locator("#import-status")).to_contain_text("165 000")
    check_a11y(page)
    page.get_by_role("link", name=sv("See budget and actuals")).click()
    expect(page.locator("#booked-total")).to_contain_text("165 000")
    expect(page.locator("#variance-rows")).to_contain_text("−1 491 800")
    expect(page.locator("#burn-chart")).to_have_attribute("data-ready", "true")
    check_a11y(page)

    # Tillväxtverket's requisition for the first quarter of 2023: half of 165 000 kr.
    page.get_by_role("link", name=sv("Requisitions")).click()
    check_a11y(page)
    page.get_by_label(field_label("Financier")).select_option(
        label="Tillväxtverket nationella medel"
    )
    page.get_by_label(field_label("From")).fill("2023-01-01")
    page.get_by_label(field_label("To")).fill("2023-03-31")
    page.get_by_role("button", name=sv("Show the requisition")).click()
    expect(page.locator("#requested-total")).to_have_text("82 500")
    check_a11y(page)

    # The steering-group report in one click.
    page.get_by_role("link", name=sv("Overview")).click()
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(re.escape(sv("Steering-group report (PDF)")))
        ).click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_result_chain_pages_are_accessible(page, server, check_a11y, demo_project):
    log_in(page, server, "project_manager", check_a11y)
    main_nav(page).get_by_role("link", name=sv("Projects")).click()
    page.get_by_role(
        "link", name="Regionala strukturer för validering i Östra Mellansverige"
    ).click()
    page.get_by_role("link", name=sv("Goals and indicators")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Goals and indicators"))
    check_a11y(page)
    page.get_by_role(
        "link", name="Regioner med validering i sin kompetensförsörjningsstrategi"
    ).click()
    expect(page.locator("#trend-chart")).to_have_attribute("data-ready", "true")
    check_a11y(page)
    page.get_by_label(field_label("Date")).fill("2024-11-31")
    page.get_by_label(field_label("Value")).fill("5")
    page.get_by_role("button", name=sv("Save the measurement")).click()
    expect(page.get_by_role("alert")).to_contain_text("2024-11-31")
    check_a11y(page)
    page.get_by_role("link", name=sv("Goals and indicators")).click()
    page.get_by_role("link", name="Publicerade valideringserbjudanden").click()
    expect(page.locator("#trend-chart")).to_have_attribute("data-ready", "true")
    check_a11y(page)
    for name in ("Goals and indicators", "New activity"):
        page.get_by_role("link", name=sv(name)).first.click()
    check_a11y(page)
    page.get_by_role("link", name=sv("Goals and indicators")).click()
    page.get_by_role("link", name=sv("New indicator")).click()
    check_a11y(page)
    page.locator(".breadcrumbs").get_by_role("link", name=PROJECT).click()
    page.get_by_role("link", name=sv("Add a member")).click()
    check_a11y(page)
    page.locator(".breadcrumbs").get_by_role("link", name=PROJECT).click()
    page.get_by_role("link", name=sv("Risks")).click()
    check_a11y(page)
    page.get_by_role("link", name=sv("Budget and financing")).click()
    page.get_by_role("link", name=sv("Edit the budget")).click()
    check_a11y(page)
    page.locator(".breadcrumbs").get_by_role("link", name=sv("Budget and financing")).click()
    page.get_by_role("link", name=sv("Import the budget")).click()
    check_a11y(page)
