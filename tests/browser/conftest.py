"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every test here is marked `browser`. Without chromium the tests are deselected with one line in
the summary, or fail when VALNAV_REQUIRE_BROWSER=1 (CI). Each test gets a fresh browser context
that may only talk to the live server: any other request is aborted and fails the test, as do
console errors (CSP violations among them) and uncaught page errors. A failing test leaves a
full-page screenshot in test-results/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.system_packages import report_not_run

BROWSER_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BROWSER_DIR.parent.parent / "test-results"
CHROMIUM = Path(os.environ.get("VALNAV_CHROMIUM") or "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("VALNAV_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
MISSING_MESSAGE = (
    f"Browser tests not run: chromium not found at {CHROMIUM}. Install it with "
    "`apt-get install chromium` (or set VALNAV_REQUIRE_BROWSER=1 to make this a failure)."
)
# Reported from the page itself as well, in case the browser's own CSP report is not a console
# message in some chromium version.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_BLOCKING_IMPACTS = {"serious", "critical"}


def _chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _is_browser_test(item: pytest.Item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


# --- collection: mark, and deselect or fail without chromium ----------------------------------


class _ChromiumMissing(pytest.Item):
    """Stands in for a browser test when chromium is required but absent: it fails."""

    def runtest(self) -> None:
        pytest.fail(
            f"chromium not found at {CHROMIUM} and VALNAV_REQUIRE_BROWSER=1. "
            "Install it with `apt-get install chromium` or point VALNAV_CHROMIUM at it.",
            pytrace=False,
        )

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, self.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if _is_browser_test(item)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not browser_items or _chromium_available():
        return
    if REQUIRE_BROWSER:
        for index, item in enumerate(items):
            if _is_browser_test(item):
                stand_in = _ChromiumMissing.from_parent(item.parent, name=item.name)
                stand_in.add_marker(pytest.mark.browser)
                items[index] = stand_in
        return
    deselected = set(browser_items)
    items[:] = [item for item in items if item not in deselected]
    config.hook.pytest_deselected(items=browser_items)
    report_not_run(config, MISSING_MESSAGE)


# --- failure screenshots ------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and _is_browser_test(item):
        item.rep_call = report
    return report


def _screenshot(page: Any, node: pytest.Item, label: str = "") -> Path | None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / (re.sub(r"[^\w.\-\[\]]+", "_", node.name + label) + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception:  # the page may be gone; the test's own failure matters more
        return None
    return path


# --- data and server ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Seeding eight personas with the production hasher costs seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser_data(transactional_db: None, personas: dict[str, Any]) -> dict[str, Any]:
    """Reference data and personas, committed so that the live server thread sees them."""
    return personas


@pytest.fixture
def server(live_server: Any, browser_data: dict[str, Any]) -> str:
    """The live server's base URL (no trailing slash), with the data in place."""
    return str(live_server.url)


# --- Playwright ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Any) -> Iterator[Any]:
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _is_local(url: str) -> bool:
    scheme = urlsplit(url).scheme
    if scheme in {"data", "blob"}:
        return True
    return scheme in {"http", "https"} and urlsplit(url).hostname in LOCAL_HOSTS


class _GuardedPage:
    """A page in a browser context of its own that may only talk to the live server, noting
    every request that tries to leave and every console or page error."""

    def __init__(
        self,
        browser: Any,
        request: pytest.FixtureRequest,
        viewport: dict[str, int],
        label: str = "",
    ):
        self.label = label  # added to the screenshot's name
        self.outside: list[str] = []
        self.errors: list[str] = []
        # A page a test means to reach with an error status (marked `answers_with(429)`): the
        # browser reports the status on the console, which is then no failure.
        expected = [
            f"status of {marker.args[0]} " for marker in request.node.iter_markers("answers_with")
        ]

        def note_outside(url: str) -> None:
            if url not in self.outside:
                self.outside.append(url)

        def route(route: Any) -> None:
            if _is_local(route.request.url):
                route.continue_()
            else:
                note_outside(route.request.url)
                route.abort()

        def on_request(req: Any) -> None:
            if not _is_local(req.url):
                note_outside(req.url)

        def on_console(message: Any) -> None:
            if message.type == "error" and not any(status in message.text for status in expected):
                location = message.location or {}
                self.errors.append(f"console: {message.text} ({location.get('url', '?')})")

        self.context = browser.new_context(locale="sv-SE", viewport=viewport)
        self.context.route("**/*", route)
        self.context.on("request", on_request)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.page.on("console", on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.set_default_timeout(10_000)

    def close(self, node: pytest.Item, failed: bool) -> list[str]:
        """Close the context; a screenshot if the test failed or the page misbehaved, and the
        misbehaviour as lines of a report (also when the test failed: an aborted request is
        often the reason)."""
        if failed or self.outside or self.errors:
            _screenshot(self.page, node, self.label)
        self.context.close()
        report = []
        if self.outside:
            report.append("requests left the machine: " + ", ".join(self.outside))
        if self.errors:
            report.append("console or page errors:\n" + "\n".join(self.errors))
        return report


def _failed(request: pytest.FixtureRequest) -> bool:
    rep_call = getattr(request.node, "rep_call", None)
    return rep_call is not None and bool(rep_call.failed)


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    guarded = _GuardedPage(browser, request, {"width": 1280, "height": 900})
    yield guarded.page
    report = guarded.close(request.node, _failed(request))
    if report:
        pytest.fail("\n".join(report), pytrace=False)


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """`new_page(width, height)`: one more page, in a browser context of its own (its own
    cookies, so another persona), under the same guards as `page`."""
    opened: list[_GuardedPage] = []

    def open_page(width: int = 1280, height: int = 900) -> Any:
        viewport = {"width": width, "height": height}
        opened.append(_GuardedPage(browser, request, viewport, f"-{len(opened) + 1}"))
        return opened[-1].page

    yield open_page
    report = [line for guarded in opened for line in guarded.close(request.node, _failed(request))]
    if report:
        pytest.fail("\n".join(report), pytrace=False)


# --- accessibility ------------------------------------------------------------------------------


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations of WCAG 2.1 A and AA on the page, as lines
    of a report (none when it passes)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in AXE_BLOCKING_IMPACTS
    ]
    lines = []
    for violation in blocking:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {', '.join(targets)}" + (f" and {more} more" if more > 0 else "")
        )
        summary = violation["nodes"][0].get("failureSummary") if violation["nodes"] else ""
        if summary:
            lines.append("    " + " ".join(summary.split())[:300])
    return lines


def _check_a11y(page: Any) -> None:
    """Run axe-core (WCAG 2.1 A and AA only); fail on serious or critical violations."""
    lines = axe_problems(page)
    assert not lines, f"axe found accessibility problems on {page.url}:\n" + "\n".join(lines)


@pytest.fixture
def check_a11y() -> Callable[[Any], None]:
    """`check_a11y(page)`: axe-core with WCAG 2.1 A/AA rules, no serious/critical violations."""
    return _check_a11y
