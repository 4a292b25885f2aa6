"""The frame of every page in a real browser (issue #17): the menu lines up with the centred
content and never breaks a link over two lines, the home page's audience cards are links, and
the footer leads to contact. axe on every page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import main_nav, sv, url
from valnav.core.audiences import TargetGroup
from valnav.demo.networks import seed_networks


def test_the_menu_lines_up_with_the_content_and_keeps_each_link_on_one_line(
    page, server, check_a11y
):
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(url(server, "core:home"))
    menu = main_nav(page).locator("ul").bounding_box()
    content = page.locator("main").bounding_box()
    assert abs(menu["x"] - content["x"]) < 1, (menu, content)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        log_in = main_nav(page).get_by_role("link", name=sv("Log in"))
        line = float(log_in.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)"))
        assert log_in.bounding_box()["height"] < 1.5 * line, width
    check_a11y(page)


def test_an_audience_card_and_the_footer_lead_on(page, server, check_a11y):
    page.goto(url(server, "core:home"))
    # A click anywhere on the card follows its link.
    page.locator(".card-linked").filter(has_text=sv("For employers")).click(
        position={"x": 20, "y": 90}
    )
    expect(page).to_have_url(
        url(server, "outreach:audience", target_group=TargetGroup.EMPLOYER.slug)
    )
    check_a11y(page)
    footer_nav = page.get_by_role("navigation", name=sv("About the site"))
    footer_nav.get_by_role("link", name=sv("Contact")).click()
    expect(page).to_have_url(url(server, "core:contact"))
    check_a11y(page)


def test_a_keyboard_reaches_and_scrolls_a_wide_table_on_a_phone(
    page, server, check_a11y, browser_data
):
    seed_networks()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(url(server, "networks:effort-list"))
    region = page.locator("main .table-scroll").first
    expect(region).to_be_visible()
    check_a11y(page)  # scrollable-region-focusable among the rules
    region.focus()
    expect(region).to_be_focused()
    before = region.evaluate("element => element.scrollLeft")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    expect(region).not_to_have_js_property("scrollLeft", before)
