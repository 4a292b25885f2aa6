"""Every page on a phone (issue #17): at 390 × 844 px, every public page and every page behind
the login (tests/page_sweep.py: each visited once, as the persona whose work it serves, and
each persona's own "Mina sidor") fits the screen's width without sideways scrolling of the
page (a wide table scrolls in its own region), and axe finds no serious or critical
violation. With the demo content, so that lists and tables are as long as in use.

One browser context per persona, all problems gathered and reported together, so that one run
tells everything that is left to fix. It is also the axe check of the pages that no journey
passes through (the staff's edit pages and the administrator's remaining pages had tests of
their own that only ran axe).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pytest

from tests.browser.conftest import axe_problems
from tests.browser.test_casework import log_in
from tests.page_sweep import SweptPage, seed_swept_content, swept_pages

PHONE = (390, 844)

# How far the page reaches past the window, and (only then) the innermost elements that reach
# out of it, but for those inside a region that scrolls or clips on its own.
SIDEWAYS = """
() => {
  const width = window.innerWidth;
  const overflow = document.documentElement.scrollWidth - width;
  if (overflow <= 0) return {overflow, culprits: []};
  // Whether a region that scrolls or clips holds the element in: one of its ancestors, and
  // for an absolutely placed element one at or above its containing block.
  const clipped = (element) => {
    let placed = getComputedStyle(element).position;
    if (placed === "fixed") return false;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (parent === document.body || parent === document.documentElement) return false;
      const style = getComputedStyle(parent);
      if (placed === "absolute" && style.position !== "static") placed = "contained";
      if (placed !== "absolute" && style.overflowX !== "visible") return true;
    }
    return false;
  };
  const outside = [...document.body.querySelectorAll("*")].filter(
    (element) => element.getBoundingClientRect().right > width + 1 && !clipped(element)
  );
  const innermost = outside.filter((element) => !outside.some(
    (other) => other !== element && element.contains(other)
  ));
  const describe = (element) => element.tagName.toLowerCase()
    + (element.id ? "#" + element.id : "")
    + [...element.classList].map((name) => "." + name).join("")
    + ` (${Math.round(element.getBoundingClientRect().right)} px)`;
  return {overflow, culprits: innermost.slice(0, 5).map(describe)};
}
"""


@pytest.fixture
def demo_content(browser_data: dict[str, Any]) -> None:
    seed_swept_content()


def _problems(page: Any, server: str, swept: SweptPage) -> list[str]:
    response = page.goto(server + swept.url)
    if response is None or response.status != 200:
        return [f"answered {response.status if response else 'nothing'}"]
    found = []
    sideways = page.evaluate(SIDEWAYS)
    if sideways["overflow"] > 0:
        found.append(
            f"scrolls sideways by {sideways['overflow']} px: " + ", ".join(sideways["culprits"])
        )
    return found + axe_problems(page)


def test_every_page_fits_a_phone_and_passes_axe(new_page, server, demo_content):
    pages = swept_pages()
    report = []
    for persona, group in groupby(pages, key=lambda swept: swept.persona):
        page = new_page(*PHONE)
        if persona != "anonymous":
            log_in(page, server, persona)
        for swept in group:
            found = _problems(page, server, swept)
            if found:
                report.append(f"{swept.url} ({swept.name}, {persona}):")
                report += [f"  {line}" for line in found]
    assert not report, f"{len(pages)} pages on a phone:\n" + "\n".join(report)
