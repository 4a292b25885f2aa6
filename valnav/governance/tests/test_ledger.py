import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from valnav.governance.actuals import actuals_overview
from valnav.governance.ledger import ledger_import
from valnav.governance.models import Actual
from valnav.governance.selectors import project_scope

pytestmark = pytest.mark.django_db

GOOD = (
    "Datum;Verifikation;Konto;Kostnadsslag;Region;Belopp\n"
    "2023-01-31;V1001;7010;Egen personal;19;120 000,00\n"
    "2023-02-28;V1002;6550;Externa tjänster;;45000\n"
    "2023-03-15;V1003;5800;Resor och logi;Region Uppsala;1 250,50\n"
)


def _import(project, text, *, dry_run=False):
    with translation.override("en"):
        return ledger_import(
            project=project, source=text.encode(), filename="ledger.csv", dry_run=dry_run
        )


def test_a_good_file_is_booked(project):
    report = _import(project, GOOD)
    assert report.errors == []
    assert report.created == 3
    assert report.total == Decimal("166250.50")
    assert Actual.objects.count() == 3
    travel = Actual.objects.get(verification="V1003")
    assert travel.region.code == "03"
    assert travel.amount == Decimal("1250.50")


def test_the_same_file_again_books_nothing_twice(project):
    _import(project, GOOD)
    report = _import(project, GOOD)
    assert (report.created, report.unchanged) == (0, 3)
    assert Actual.objects.count() == 3


def test_a_dry_run_writes_nothing(project):
    report = _import(project, GOOD, dry_run=True)
    assert report.created == 3
    assert not Actual.objects.exists()


def test_an_xlsx_file_is_read(project):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Verification number", "Account", "Cost category", "Region", "Amount"])
    sheet.append(["2023-05-02", "V9", "7010", "staff", "Västmanlands län", 5000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = ledger_import(
        project=project, source=buffer.getvalue(), filename="l.xlsx", dry_run=False
    )
    assert report.errors == []
    assert Actual.objects.get().amount == Decimal(5000)


def test_every_error_names_row_and_column_and_nothing_is_saved(project):
    bad = (
        "Datum;Verifikation;Konto;Kostnadsslag;Region;Belopp\n"
        "2023-01-31;V1;7010;Egen personal;19;100\n"
        "2024-11-31;V2;7010;Egen personal;19;100\n"
        "2023-02-01;V3;7010;Fika;19;100\n"
        "2023-02-01;V4;7010;Egen personal;Gotland;100\n"
        "2023-02-01;V5;7010;Egen personal;19;hundra\n"
        "2021-12-31;V6;7010;Egen personal;19;100\n"
        "den 1 mars;V7;7010;Egen personal;19;100\n"
    )
    report = _import(project, bad)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "Datum"),
        (4, "Kostnadsslag"),
        (5, "Region"),
        (6, "Belopp"),
        (7, "Datum"),
        (8, "Datum"),
    ]
    with translation.override("en"):
        messages = [str(e) for e in report.errors]
    assert messages[0] == "row 3, Datum: 2024-11-31 is not a date: November has 30 days."
    assert messages[1].startswith("row 4, Kostnadsslag: Unknown cost category “Fika”")
    assert messages[2].startswith("row 5, Region: Unknown region “Gotland”")
    assert messages[3] == "row 6, Belopp: “hundra” is not an amount in kronor, e.g. 1234,50."
    assert messages[4] == (
        "row 7, Datum: 2021-12-31 is outside the project period 2022-11-01 – 2024-11-30."
    )
    assert "is not a date; write it as YYYY-MM-DD" in messages[5]
    assert not Actual.objects.exists()


def test_a_missing_column_is_named(project):
    report = _import(project, "Datum;Konto;Belopp\n2023-01-01;7010;5\n")
    assert {e.column for e in report.errors} == {"Verifikation", "Kostnadsslag"}


def test_variance_forecast_and_burn(personas, project):
    _import(project, GOOD)
    with translation.override("en"):
        overview = actuals_overview(project_scope(user=personas["project_manager"], pk=project.pk))
    staff_2023 = [
        r
        for r in overview.rows
        if r.year == 2023 and r.category == "Own staff incl. payroll overhead"
    ]
    # The budget is the project's shared line; the ledger booked the staff cost on county 19.
    assert [(r.region, r.budget, r.actual) for r in staff_2023] == [
        ("Shared", 4_350_944, Decimal(0)),
        ("Västmanlands län", 0, Decimal(120_000)),
    ]
    external = next(
        r for r in overview.rows if r.year == 2023 and r.category == "External services"
    )
    assert external.budget == 1_536_800
    assert external.actual == Decimal(45_000)
    assert external.variance == Decimal(45_000 - 1_536_800)
    assert external.variance_percent == Decimal("-97.1")
    assert staff_2023[1].variance_percent is None
    assert overview.budget_total == 13_960_000
    assert overview.actual_total == Decimal("166250.50")
    # 166 250,50 kr over the 135 days 2022-11-01 – 2023-03-15, over the project's 761 days.
    assert overview.forecast == Decimal(round(Decimal("166250.50") / 135 * 761))
    assert overview.burn[0].month_end.isoformat() == "2022-11-30"
    assert overview.burn[-1].month_end.isoformat() == "2024-11-30"
    assert overview.burn[-1].budget == 13_960_000
    march = next(p for p in overview.burn if p.month_end.isoformat() == "2023-03-31")
    assert march.actual == Decimal("166250.50")
    assert overview.burn[-1].actual is None


def test_the_command_imports_and_reports_errors(project, tmp_path):
    good = tmp_path / "ledger.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_ledger",
        str(good),
        "--project",
        str(project.pk),
        "--dry-run",
        "--language",
        "en",
        stdout=out,
    )
    assert "Dry run" in out.getvalue()
    assert not Actual.objects.exists()
    call_command(
        "import_ledger", str(good), "--project", str(project.pk), "--language", "en", stdout=out
    )
    assert Actual.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("2023-02-28", "2023-02-30"), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_ledger", str(bad), "--project", str(project.pk), "--language", "en", stderr=err
        )
    assert "row 3, Datum: 2023-02-30 is not a date: February 2023 has 28 days." in err.getvalue()
