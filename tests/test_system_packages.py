"""The plumbing of tests/system_packages.py, on a machine where the packages are missing (an
empty PATH stands in for one): a test that needs one is reported as not run with the line that
installs it, and fails when its VALNAV_REQUIRE_… variable is 1."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
NEEDS = """
import subprocess

import pytest


def test_reads_a_pdf():
    subprocess.run(["pdftotext", "-v"], check=True)


@pytest.mark.needs_system("xmlsec1")
def test_signs():
    pass


def test_fails_for_its_own_reason():
    subprocess.run(["valnav-no-such-program"], check=True)
"""


@pytest.fixture
def bare_machine(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    empty = pytester.mkdir("bin")
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PYTHONPATH", str(BASE_DIR))
    for variable in ("VALNAV_REQUIRE_POPPLER", "VALNAV_REQUIRE_XMLSEC"):
        monkeypatch.delenv(variable, raising=False)
    pytester.makepyfile(test_needs=NEEDS)
    return pytester


def run(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-p", "tests.system_packages", "-p", "no:django", "-p", "no:cacheprovider", "-ra"
    )


def test_a_missing_package_is_reported_as_not_run_with_its_apt_get_line(bare_machine):
    result = run(bare_machine)
    # The marked test is deselected and reported in one line, as the browser tests are; the
    # unmarked one that ran into the missing program is reported as not run.
    result.assert_outcomes(skipped=1, deselected=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] test_needs.py:*: not run: poppler-utils is not installed. "
            "Install it with `apt-get install poppler-utils`*",
            "FAILED test_needs.py::test_fails_for_its_own_reason*",
        ],
        consecutive=False,
    )
    result.stdout.fnmatch_lines(
        [
            "1 test(s) not run: xmlsec1 is not installed. "
            "Install it with `apt-get install xmlsec1`*",
        ]
    )


def test_a_required_package_that_is_missing_fails(bare_machine, monkeypatch):
    monkeypatch.setenv("VALNAV_REQUIRE_POPPLER", "1")
    monkeypatch.setenv("VALNAV_REQUIRE_XMLSEC", "1")
    result = run(bare_machine)
    result.assert_outcomes(failed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*xmlsec1 is not installed and VALNAV_REQUIRE_XMLSEC=1. Install it with*"]
    )


def test_weasyprint_without_pango_is_recognised_as_pango_missing():
    from tests.system_packages import PACKAGES, package_missing

    # What WeasyPrint (through cffi) raises as it is imported where Pango is missing.
    error = OSError(
        "cannot load library 'libgobject-2.0-0': libgobject-2.0-0: cannot open shared object "
        "file: No such file or directory."
    )
    wrapped = RuntimeError("rendering the PDF failed")
    wrapped.__cause__ = error
    assert package_missing(wrapped) is PACKAGES["pango"]
    assert package_missing(OSError("disk full")) is None
    assert (
        package_missing(FileNotFoundError(2, "No such file", "pdftotext"))
        is PACKAGES["poppler-utils"]
    )
