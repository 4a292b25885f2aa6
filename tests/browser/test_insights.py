"""Insights in a real browser: the regional strategist for Västmanland opens the gaps (map and
table), changes the weights of focus-branch scoring and sees the ranking change with its parts,
saves two scenarios and compares them, reads the equity figures and exports the dashboard as
PDF and Excel. axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, sv, url
from tests.browser.test_casework import log_in
from valnav.demo.atlas import demo_atlas_seed
from valnav.demo.casework import seed_cases
from valnav.demo.demand import seed_demand
from valnav.insights.models import FocusScenario


@pytest.fixture
def insights_data(browser_data: dict[str, Any]) -> dict[str, Any]:
    seed_demand()
    demo_atlas_seed()
    return browser_data


def first_branches(page: Any, count: int = 3) -> list[str]:
    rows = page.locator("main table tbody tr")
    return [rows.nth(i).locator("th").inner_text() for i in range(count)]


def test_a_strategist_finds_the_gaps_and_weighs_focus_branches(
    page, server, check_a11y, insights_data
):
    log_in(page, server, "rua_vastmanland")

    page.goto(url(server, "insights:gaps"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        sv("Gaps between demand and validation")
    )
    ranked = page.locator("main table").first.locator("tbody tr")
    expect(ranked.first).to_be_visible()
    assert ranked.count() > 1
    expect(page.locator("figure.map-figure")).to_be_visible()
    check_a11y(page)

    page.goto(url(server, "insights:focus"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Focus branches"))
    check_a11y(page)
    default_order = first_branches(page)
    filters = page.locator("form.filters")
    # Only smart specialisation counts: the ranking changes, and each cell shows its part
    # (cells: rank, score, shortage, smart specialisation, …).
    for key in ("shortage", "model", "education", "gender", "offers", "cases"):
        filters.locator(f"[name={key}]").fill("0")
    filters.locator("[name=s3]").fill("5")
    filters.get_by_role("button", name=sv("Rank")).click()
    expect(page).to_have_url(re.compile(r"s3=5"))
    s3_order = first_branches(page)
    assert s3_order != default_order
    expect(page.locator("main table tbody tr").first.locator("td").nth(3)).to_contain_text("5 ×")
    check_a11y(page)

    save = page.locator("form[method=post]")
    save.get_by_label(field_label("Scenario name")).fill("Smart specialisering")
    save.get_by_role("button", name=sv("Save scenario")).click()
    page.goto(url(server, "insights:focus"))
    save = page.locator("form[method=post]")
    save.get_by_label(field_label("Scenario name")).fill("Standardvikter")
    save.get_by_role("button", name=sv("Save scenario")).click()
    first, second = FocusScenario.objects.order_by("pk")
    assert first.weights["s3"] == 5

    page.goto(url(server, "insights:focus-compare") + f"?a={first.pk}&b={second.pk}")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Smart specialisering")
    expect(main).to_contain_text("Standardvikter")
    check_a11y(page)

    page.goto(url(server, "insights:equity"))
    expect(page.get_by_role("main").locator("table").first).to_be_visible()
    check_a11y(page)

    # The strategist's dashboard, with charts and their tables, exported as PDF and Excel.
    page.goto(url(server, "insights:dashboard") + "?audience=strategist&county=19")
    expect(page.locator("main table").first).to_be_visible()
    expect(page.locator("main .js-plotly-plot").first).to_be_visible()
    check_a11y(page)
    for label, suffix in (
        ("Download the dashboard as PDF", ".pdf"),
        ("Download the dashboard as Excel", ".xlsx"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=sv(label)).click()
        assert download.value.suggested_filename.endswith(suffix)


def test_the_remaining_casework_and_insights_pages_pass_axe(
    page, server, check_a11y, insights_data
):
    """Pages the journeys do not pass through, visited once each as the administrator (who
    holds every permission), with the demo cases in place."""
    seed_cases()
    log_in(page, server, "admin")
    for name, query in [
        ("casework:case-list", ""),
        ("casework:import", ""),
        ("casework:statistics", ""),
        ("casework:access-log", ""),
        ("insights:demand", ""),
        ("insights:demand-import", ""),
        ("insights:demand-rule", ""),
        ("insights:value", ""),
        ("insights:value", "?from_cases=1"),
        ("insights:dashboard", "?audience=komvux&county=19"),
        ("insights:dashboard", "?audience=project"),
    ]:
        page.goto(url(server, name) + query)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_a11y(page)
