"""Figures in the reader's language in a real browser (issue #17): the insights index, and the
dashboard's charts drawn with the Swedish locale on a Swedish page (decimal comma, Swedish
month names, no "14M") and the English one on an English page. axe on every page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.helpers import sv, url
from tests.browser.test_casework import log_in
from valnav.demo.casework import seed_cases


def chart_settings(page: Any) -> dict[str, Any]:
    chart = page.locator("main .js-plotly-plot[data-ready=true]").first
    expect(chart).to_be_visible()
    settings: dict[str, Any] = chart.evaluate(
        """element => ({
            locale: element._context.locale,
            separators: element._fullLayout.separators,
            ticks: Array.from(element.querySelectorAll(".ytick text")).map(t => t.textContent)
        })"""
    )
    return settings


def test_the_charts_speak_the_language_of_the_page(page, server, check_a11y, browser_data):
    seed_cases()
    log_in(page, server, "admin")

    page.goto(url(server, "insights:index"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Insights"))
    check_a11y(page)
    page.get_by_role("link", name=sv("Dashboards")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(url(server, "insights:dashboard") + "?audience=project")
    swedish = chart_settings(page)
    assert swedish["locale"] == "sv"
    assert swedish["separators"] == ",\u00a0"
    check_a11y(page)

    page.goto(url(server, "insights:dashboard", language="en") + "?audience=project")
    english = chart_settings(page)
    assert english["locale"] == "en"
    assert english["separators"] == ".,"
    for ticks in (swedish["ticks"], english["ticks"]):
        assert ticks
        # Figures in full: no SI prefixes such as "14M" or "2k".
        assert not [tick for tick in ticks if re.search(r"\d[kMGµ]$", tick)], ticks
