"""Property tests of the case import (hypothesis): any CSV or XLSX file is imported whole or
refused with errors that say where, and a refused file writes no individual, case, transition
or access-log entry.

The strategies and checks are the importers' shared ones (valnav.core.tests.importing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings

from valnav.accounts.models import Organisation, User
from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.case_io import cases_import
from valnav.casework.models import CaseTransition, Individual, ValidationCase
from valnav.core.models import AccessLogEntry
from valnav.core.tabular import ImportReport
from valnav.core.tests.importing import (
    PROPERTY_SETTINGS,
    Table,
    Upload,
    assert_upload_page_refuses_or_imports,
    assert_whole_or_nothing,
    csv_source,
    rolled_back,
    uploads,
    xlsx_source,
)

pytestmark = pytest.mark.django_db

# The rows of test_case_io, with the optional columns filled in on the first.
VALID: Table = [
    [
        "ärendenummer",
        "förnamn",
        "efternamn",
        "e-post",
        "telefon",
        "personnummer",
        "kommunkod",
        "kön",
        "ändamål_kön",
        "födelseår",
        "ändamål_födelseår",
        "född_utomlands",
        "ändamål_född_utomlands",
        "modell",
        "yrke_ssyk",
        "komvuxkurs",
        "första_kontakt",
        "steg",
        "beslut",
        "beslutsdatum",
        "avslutad",
    ],
    [
        "VUX-1",
        "Testa",
        "Testsson",
        "testa@example.org",
        "021-39 10 00",
        "19811218-9876",
        "1980",
        "kvinna",
        "Jämställdhet",
        "1981",
        "Uppföljning",
        "ja",
        "Uppföljning",
        "Vård (test)",
        "5321",
        "Vård och omsorg",
        "2025-01-10",
        "avslutat",
        "delvis",
        "2025-03-01",
        "2025-04-01",
    ],
    [
        "VUX-2",
        "Ada",
        "Andersson",
        "",
        "",
        "",
        "1884",
        "",
        "",
        "",
        "",
        "",
        "",
        "test-vard",
        "",
        "",
        "2025-01-10",
        "bedömning",
        "",
        "",
        "",
    ],
]
WRITTEN = (
    Individual,
    ValidationCase,
    ValidationCase.assessors.through,
    CaseTransition,
    AccessLogEntry,
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def model(personas: dict[str, User]) -> None:
    """The model the valid rows name, by name (VUX-1) and by key (VUX-2)."""
    ValidationModelFactory(key="test-vard", name="Vård (test)", ssyk=["5321"])


def test_the_valid_file_imports_as_csv_and_xlsx(
    personas: dict[str, User], komvux: Organisation
) -> None:
    for source in (csv_source(VALID), xlsx_source(VALID)):
        with rolled_back():
            report = cases_import(
                actor=personas["assessor_vasteras_komvux"],
                organisation=komvux,
                source=source,
                filename="f",
                dry_run=False,
            )
            assert report.errors == []
            assert ValidationCase.objects.filter(organisation=komvux).count() == 2


@PROPERTY_SETTINGS
@given(upload=uploads(VALID))
def test_any_file_imports_whole_or_reports_located_errors_and_writes_nothing(
    personas: dict[str, User], komvux: Organisation, upload: Upload
) -> None:
    def run(upload: Upload) -> ImportReport:
        return cases_import(
            actor=personas["assessor_vasteras_komvux"],
            organisation=komvux,
            source=upload.source,
            filename=upload.filename,
            dry_run=False,
        )

    def imported(before: Mapping[str, int], report: ImportReport) -> None:
        cases = ValidationCase.objects.count() - before["casework.ValidationCase"]
        assert cases == report.cases

    assert_whole_or_nothing(upload, run, WRITTEN, imported=imported)


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(upload=uploads(VALID))
def test_the_import_page_never_fails_and_shows_the_errors(
    personas: dict[str, User], komvux: Organisation, upload: Upload
) -> None:
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    assert_upload_page_refuses_or_imports(
        client, reverse("casework:import"), upload, WRITTEN, {"organisation": komvux.pk}
    )


def test_a_model_id_of_odd_digits_is_an_unknown_model(
    personas: dict[str, User], komvux: Organisation
) -> None:
    for model_cell in ("²", "9" * 5000):  # a digit to str.isdigit(); too long for int()
        table = [list(row) for row in VALID]
        table[2][13] = model_cell
        report = cases_import(
            actor=personas["assessor_vasteras_komvux"],
            organisation=komvux,
            source=csv_source(table),
            filename="f.csv",
            dry_run=False,
        )
        assert [(error.row, error.column) for error in report.errors] == [(3, "modell")]
        assert "Unknown validation model" in report.errors[0].message
        assert not ValidationCase.objects.exists()


def test_a_nul_character_in_a_name_is_an_error_at_its_row_and_column(
    personas: dict[str, User], komvux: Organisation
) -> None:
    """Far enough down the file (past the first 4 KiB the encoding check reads) a NUL reaches
    the rows; PostgreSQL cannot store it, so it is the row's error, not a database error."""
    table = [*VALID, *([f"VUX-{n}", *VALID[2][1:]] for n in range(3, 60))]
    table[-1][1] = "Ada\x00"
    report = cases_import(
        actor=personas["assessor_vasteras_komvux"],
        organisation=komvux,
        source=csv_source(table),
        filename="f.csv",
        dry_run=False,
    )
    assert [(error.row, error.column) for error in report.errors] == [(len(table), "förnamn")]
    assert not Individual.objects.exists()
