"""The coverage, places and gap maps on a phone (390 px) and at 400 % zoom (320 px): no page
that scrolls sideways, a map within the screen and fitted to the area it shows, a legend in
whole categories (whole offers on the coverage map) and axe on every page (issue #17)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sv, url
from tests.browser.test_casework import log_in
from valnav.demo.atlas import demo_atlas_seed
from valnav.demo.demand import seed_demand

WIDTHS = [390, 320]

# The data's bounding box and the map's view, in degrees; the view must hold the data and the
# data fill most of the view across or down (Plotly leaves 20 px of padding on each side).
FIT = """(id) => {
  const element = document.getElementById(id);
  const bounds = element._fullLayout.map._subplot.map.getBounds();
  const data = JSON.parse(document.getElementById(id + "-data").textContent);
  const box = {west: 180, east: -180, south: 90, north: -90};
  const visit = (c) => {
    if (typeof c[0] === "number") {
      box.west = Math.min(box.west, c[0]); box.east = Math.max(box.east, c[0]);
      box.south = Math.min(box.south, c[1]); box.north = Math.max(box.north, c[1]);
    } else { c.forEach(visit); }
  };
  data.geojson.features.forEach((feature) => visit(feature.geometry.coordinates));
  return {
    data: box,
    view: {west: bounds.getWest(), east: bounds.getEast(),
           south: bounds.getSouth(), north: bounds.getNorth()},
  };
}"""


@pytest.fixture
def map_data(browser_data: dict[str, Any]) -> dict[str, Any]:
    seed_demand()
    demo_atlas_seed()
    return browser_data


def open_map(page: Any, server: str, name: str, map_id: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url(server, name))
    # Plotly and MapLibre take seconds to start on a busy machine the first time.
    expect(page.locator(f"#{map_id}")).to_have_attribute("data-ready", "true", timeout=20_000)


def assert_fits_the_screen(page: Any, map_id: str, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    assert scroll_width <= inner_width, f"the page is {scroll_width} px wide at {width} px"
    for selector in (f"#{map_id}", f"#{map_id} .main-svg", f"#{map_id} canvas"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0, f"{selector} starts left of the screen at {width} px"
        assert box["x"] + box["width"] <= inner_width, f"{selector} overflows at {width} px"
        assert box["width"] >= inner_width * 0.8, f"{selector} is only {box['width']} px wide"


def assert_fitted(page: Any, map_id: str) -> None:
    fit = page.evaluate(FIT, map_id)
    data, view = fit["data"], fit["view"]
    tolerance = 0.01
    assert view["west"] <= data["west"] + tolerance
    assert data["east"] - tolerance <= view["east"]
    assert view["south"] <= data["south"] + tolerance
    assert data["north"] - tolerance <= view["north"]
    across = (data["east"] - data["west"]) / (view["east"] - view["west"])
    down = (data["north"] - data["south"]) / (view["north"] - view["south"])
    assert max(across, down) >= 0.75, f"the area fills {across:.0%} × {down:.0%} of the map"


def legend(page: Any, map_id: str) -> list[str]:
    items = page.locator(f"#{map_id}-legend + ul.map-legend .map-legend-label")
    return [text.strip() for text in items.all_inner_texts()]


def test_coverage_map_on_a_phone(page, server, check_a11y, map_data):
    for width in WIDTHS:
        open_map(page, server, "atlas:coverage", "coverage-map", width)
        assert_fits_the_screen(page, "coverage-map", width)
        assert_fitted(page, "coverage-map")
        labels = legend(page, "coverage-map")
        assert labels == [sv("0, white spot"), "1–2", "3–5", "6–10", "11 eller fler"]
        for label in labels:
            # Whole offers only: no decimal mark between digits anywhere in the legend.
            assert not re.search(r"\d[,.]\d", label), label
        # Plotly's own colour bar (with its 0,5 steps) is gone; the legend is the page's.
        expect(page.locator("#coverage-map .colorbar")).to_have_count(0)
        # The table holds the same figures, in a region the keyboard can reach and scroll.
        region = page.get_by_role("region", name=sv("Offers per municipality"))
        region.focus()
        expect(region).to_be_focused()
        page.keyboard.press("ArrowRight")
        check_a11y(page)


def test_coverage_white_spots_stand_apart_from_the_background(page, server, map_data):
    # Welders: offered in some municipalities, so the others are white spots.
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(url(server, "atlas:coverage") + "?occupation=7212")
    expect(page.locator("#coverage-map")).to_have_attribute("data-ready", "true", timeout=20_000)
    drawn = page.evaluate(
        """() => {
          const trace = document.getElementById("coverage-map")._fullData[0];
          return {colours: trace.colorscale.map((stop) => stop[1]),
                  widths: trace.marker.line.width};
        }"""
    )
    white_spot = drawn["colours"][0]
    assert white_spot.lower() not in {"#fff", "#ffffff", "white"}
    assert white_spot not in drawn["colours"][2:]
    # White spots carry a thicker outline than the rest, drawn last so no neighbour hides it.
    widths = drawn["widths"]
    assert min(widths) < max(widths) == widths[-1]
    # The legend counts the white spots, as the sentence above the map does.
    first = page.locator("#coverage-map-legend + ul.map-legend li").first
    expect(first).to_contain_text(sv("0, white spot"))
    white_spots = int(first.locator(".map-legend-count").inner_text().split()[0])
    assert white_spots > 0
    expect(page.get_by_role("main")).to_contain_text(f"{white_spots} kommuner har inget")


def test_places_map_on_a_phone(page, server, check_a11y, map_data):
    for width in WIDTHS:
        open_map(page, server, "places:index", "places-map", width)
        assert_fits_the_screen(page, "places-map", width)
        assert_fitted(page, "places-map")
        labels = legend(page, "places-map")
        assert len(labels) == 5
        assert "Västmanlands län (Region Västmanland)" in labels
        check_a11y(page)


def test_gap_map_on_a_phone_fits_the_county(page, server, check_a11y, map_data):
    log_in(page, server, "rua_vastmanland")
    for width in WIDTHS:
        open_map(page, server, "insights:gaps", "gap-map", width)
        assert_fits_the_screen(page, "gap-map", width)
        # Västmanland alone, filling the frame rather than a small shape in a large one.
        assert_fitted(page, "gap-map")
        labels = legend(page, "gap-map")
        assert labels[:2] == [sv("No assessment"), sv("0, no gap")]
        check_a11y(page)
