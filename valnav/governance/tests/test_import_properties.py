"""Property tests of the ledger and budget imports (hypothesis): any CSV or XLSX file is
imported whole or refused with errors that say where, and a refused file writes nothing.

`shared` is the offer import's property-test module, whose file strategies and checks every
importer uses; each example runs in a transaction rolled back at its end, as explained there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from valnav.accounts.models import User
from valnav.core.tabular import RowError
from valnav.core.tests import importing as shared
from valnav.governance.budget_io import budget_import
from valnav.governance.ledger import ledger_import
from valnav.governance.models import Actual, BudgetLine, Financier, FinancingLine, Project

pytestmark = pytest.mark.django_db

# test_ledger.GOOD as a table.
LEDGER: shared.Table = [
    ["Datum", "Verifikation", "Konto", "Kostnadsslag", "Region", "Belopp"],
    ["2023-01-31", "V1001", "7010", "Egen personal", "19", "120 000,00"],
    ["2023-02-28", "V1002", "6550", "Externa tjänster", "", "45000"],
    ["2023-03-15", "V1003", "5800", "Resor och logi", "Region Uppsala", "1 250,50"],
]
# test_budget_io.APPLICATION, shortened to two financiers: the application's table.
BUDGET: shared.Table = [
    ["Typ", "Post", "Andel", "Region", "2022", "2023", "2024"],
    ["Kostnad", "Egen personal inkl lönebikostnader", "", "", "491 352", "4 350 944", "3 988 367"],
    ["Kostnad", "Resor och logi", "", "19", "0", "112 732", "112 732"],
    ["", "Summa bokförda kostnader", "", "", "491 352", "4 463 676", "4 101 099"],
    # Whole kronor: the two financiers share the odd krona of 2024.
    [
        "Finansiering",
        "Tillväxtverket nationella medel",
        "50",
        "",
        "245 676",
        "2 231 838",
        "2 050 549",
    ],
    ["Finansiering", "Region Västmanland", "50", "19", "245 676", "2 231 838", "2 050 550"],
]
LEDGER_WRITTEN = (Actual,)
BUDGET_WRITTEN = (BudgetLine, Financier, FinancingLine)


def a_whole_year(error: RowError) -> bool:
    """The budget's balance is checked per year over all rows: its error names the year's
    column and no single row."""
    return error.row == 0 and re.fullmatch(r"\d{4}", error.column) is not None


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def manager(personas: dict[str, User]) -> Client:
    client = Client()
    client.force_login(personas["project_manager"])
    return client


def test_the_valid_files_import_as_csv_and_xlsx(project: Project) -> None:
    for source in (shared.csv_source(LEDGER), shared.xlsx_source(LEDGER)):
        with shared.rolled_back():
            report = ledger_import(project=project, source=source, filename="f", dry_run=False)
            assert report.errors == []
            assert report.created == 3
    for source in (shared.csv_source(BUDGET), shared.xlsx_source(BUDGET)):
        with shared.rolled_back():
            budget = budget_import(project=project, source=source, filename="f", dry_run=False)
            assert budget.errors == []
            assert (budget.cost_lines, budget.financiers) == (2, 2)


@shared.PROPERTY_SETTINGS
@given(upload=shared.uploads(LEDGER))
def test_any_ledger_imports_whole_or_reports_located_errors_and_writes_nothing(
    project: Project, upload: shared.Upload
) -> None:
    with shared.rolled_back():
        before = shared.counts(LEDGER_WRITTEN)
        report = ledger_import(
            project=project, source=upload.source, filename=upload.filename, dry_run=False
        )
        if report.errors:
            shared.assert_located(report.errors, shared.sheet_rows(upload.source))
            assert shared.counts(LEDGER_WRITTEN) == before
        else:
            assert Actual.objects.count() == before["governance.Actual"] + report.created


@shared.PROPERTY_SETTINGS
@given(upload=shared.uploads(BUDGET))
def test_any_budget_imports_whole_or_reports_located_errors_and_writes_nothing(
    project: Project, upload: shared.Upload
) -> None:
    with shared.rolled_back():
        before = shared.counts(BUDGET_WRITTEN)
        report = budget_import(
            project=project, source=upload.source, filename=upload.filename, dry_run=False
        )
        if report.errors:
            shared.assert_located(
                report.errors, shared.sheet_rows(upload.source), whole_column=a_whole_year
            )
            assert shared.counts(BUDGET_WRITTEN) == before


@pytest.mark.parametrize(
    ("page", "table", "written"),
    [
        ("governance:ledger-import", LEDGER, LEDGER_WRITTEN),
        ("governance:budget-import", BUDGET, BUDGET_WRITTEN),
    ],
)
@settings(shared.PROPERTY_SETTINGS, max_examples=25)
@given(data=st.data())
def test_the_import_pages_never_fail_and_show_the_errors(
    project: Project,
    manager: Client,
    page: str,
    table: shared.Table,
    written: tuple[type[Model], ...],
    data: st.DataObject,
) -> None:
    upload = data.draw(shared.uploads(table))
    with shared.rolled_back():
        before = shared.counts(written)
        response = manager.post(
            reverse(page, kwargs={"pk": project.pk}),
            {"file": SimpleUploadedFile(upload.filename, upload.source), "action": "import"},
        )
        if not upload.source:
            shared.assert_refused_at_the_field(response)
            return
        assert response.status_code == 200
        report = response.context["report"]
        if report.errors:
            shared.assert_page_shows(response.content, report.errors)
            assert shared.counts(written) == before


ODD_LEDGER_CELLS = [
    # (column position, value, column, message)
    (5, "1e30", "Belopp", "is not an amount in kronor"),  # too many digits to round to öre
    (5, "1e13", "Belopp", "too large"),  # a number, but not one the amount column holds
    (0, "0000-01-31", "Datum", "there is no year 0"),
]


def test_odd_ledger_cells_are_errors_at_their_row_and_column(project: Project) -> None:
    for position, value, column, message in ODD_LEDGER_CELLS:
        table = [list(row) for row in LEDGER]
        table[2][position] = value
        report = ledger_import(
            project=project, source=shared.csv_source(table), filename="f", dry_run=False
        )
        assert [(error.row, error.column) for error in report.errors] == [(3, column)]
        assert message in report.errors[0].message
        assert not Actual.objects.exists()


def test_a_nul_character_in_a_ledger_cell_is_an_error_at_its_row_and_column(
    project: Project,
) -> None:
    """Past the first 4 KiB (which the encoding check reads) a NUL reaches the rows;
    PostgreSQL cannot store it, so it is the row's error, not a database error."""
    table = [*LEDGER, *([f"2023-04-{n % 28 + 1:02}", f"V{n}", *LEDGER[2][2:]] for n in range(99))]
    table[-1][1] = "V\x00"
    report = ledger_import(
        project=project, source=shared.csv_source(table), filename="f", dry_run=False
    )
    assert [(error.row, error.column) for error in report.errors] == [(len(table), "Verifikation")]
    assert not Actual.objects.exists()


def test_a_share_that_is_not_a_number_is_an_error_at_its_row_and_column(project: Project) -> None:
    table = [list(row) for row in BUDGET]
    table[5][2] = "NaN"
    report = budget_import(
        project=project, source=shared.csv_source(table), filename="f", dry_run=True
    )
    assert [(error.row, error.column) for error in report.errors] == [(6, "Andel")]


def test_an_unbalanced_year_names_its_column(project: Project) -> None:
    table = [list(row) for row in BUDGET]
    table[5][4] = "245 000"
    report = budget_import(
        project=project, source=shared.csv_source(table), filename="f", dry_run=False
    )
    assert [(error.row, error.column) for error in report.errors] == [(0, "2022")]
    assert str(report.errors[0]).startswith("2022: the financing is 676 kr short")
