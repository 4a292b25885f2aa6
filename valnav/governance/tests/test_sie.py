"""SIE 4 ledgers (the accounting systems' export) as a project's booked costs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from valnav.governance.ledger import ledger_import
from valnav.governance.models import Actual

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "ledger_pc8.se"


def _import(project, source: bytes, *, dry_run: bool = False):
    with translation.override("en"):
        return ledger_import(project=project, source=source, filename="ledger.se", dry_run=dry_run)


def test_the_fixture_is_in_code_page_437():
    source = FIXTURE.read_bytes()
    assert b"#FORMAT PC8" in source
    # å, ä and ö as PC8 writes them (0x86, 0x84, 0x94), not as UTF-8 or Windows-1252.
    assert "Västerås".encode("cp437") in source
    assert "Företagskonto".encode("cp437") in source
    assert "Västerås".encode() not in source


def test_a_sie_file_in_pc8_is_booked_as_the_projects_actuals(project):
    report = _import(project, FIXTURE.read_bytes())
    assert report.errors == []
    # The bank side, the zero line and the other project's salary are not this project's costs.
    assert report.created == 4
    assert report.total == Decimal("114588.90")
    lines = {
        (a.verification, a.account): (a.category, a.region.code if a.region else None, a.amount)
        for a in Actual.objects.filter(project=project)
    }
    assert lines == {
        ("A1", "7010"): ("staff", "19", Decimal("52000.00")),
        ("A1", "7510"): ("staff", "19", Decimal("16338.40")),
        ("B7", "6550"): ("external", None, Decimal("45000.00")),
        ("B8", "5800"): ("travel", "03", Decimal("1250.50")),
    }


def test_the_same_sie_file_again_books_nothing_twice(project):
    _import(project, FIXTURE.read_bytes())
    report = _import(project, FIXTURE.read_bytes())
    assert (report.created, report.unchanged) == (0, 4)


def test_a_dry_run_of_a_sie_file_writes_nothing(project):
    report = _import(project, FIXTURE.read_bytes(), dry_run=True)
    assert report.created == 4
    assert not Actual.objects.exists()


def test_sie_errors_name_the_line_and_nothing_is_booked(project):
    text = FIXTURE.read_bytes().decode("cp437")
    broken = (
        text.replace('20230131 "Lön projektledare"', '20230231 "Lön projektledare"')
        .replace("1250.50 20230302", "12,50 20230302")
        .replace('{1 "0300" 6', '{1 "9999" 6')
    )
    lines = broken.splitlines()
    report = _import(project, broken.encode("cp437"))
    assert report.errors, "the broken file was accepted"
    numbers = {error.row for error in report.errors}
    date_line = next(n for n, line in enumerate(lines, 1) if "20230231" in line)
    amount_line = next(n for n, line in enumerate(lines, 1) if "12,50" in line)
    assert {date_line, amount_line} <= numbers
    with translation.override("en"):
        messages = " ".join(str(error) for error in report.errors)
    assert f"row {date_line}, #TRANS" in messages
    assert "does not balance" not in messages  # the refused line unbalanced it
    assert "YYYYMMDD" in messages or "calendar" in messages
    assert not Actual.objects.exists()


def test_an_unbalanced_verification_is_refused_on_its_ver_line(project):
    text = FIXTURE.read_bytes().decode("cp437").replace("-68338.40", "-68000.00")
    report = _import(project, text.encode("cp437"))
    (error,) = report.errors
    assert (error.column, "does not balance" in error.message) == ("#VER", True)
    assert text.splitlines()[error.row - 1].startswith("#VER A 1 ")


def test_a_sie_line_outside_the_project_period_is_refused(project):
    text = FIXTURE.read_bytes().decode("cp437").replace("20230302", "20250302")
    report = _import(project, text.encode("cp437"))
    assert [error.column for error in report.errors] == ["#TRANS"]
    assert "outside the project period" in report.errors[0].message


def test_import_ledger_reads_a_sie_file(project, capsys):
    call_command("import_ledger", str(FIXTURE), "--project", str(project.pk), "--language", "en")
    assert Actual.objects.filter(project=project).count() == 4
    assert "4 new lines" in capsys.readouterr().out


def test_import_ledger_lists_sie_errors_by_line(project, tmp_path):
    path = tmp_path / "trasig.se"
    path.write_bytes(FIXTURE.read_bytes().replace(b"}\r\n#VER B 8", b"#VER B 8"))
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--project", str(project.pk))
    assert not Actual.objects.exists()


def test_the_uploaded_sie_ledger_shows_as_actuals(client, personas, project):
    client.force_login(personas["project_manager"])
    url = reverse("governance:ledger-import", kwargs={"pk": project.pk})
    with FIXTURE.open("rb") as handle:
        response = client.post(url, {"file": handle, "action": "import"})
    assert response.status_code == 200
    assert Actual.objects.filter(project=project).count() == 4
    page = client.get(reverse("governance:actuals", kwargs={"pk": project.pk}))
    assert "114" in page.content.decode()  # 114 588,90 kr, not 0 kr


def test_the_demo_ledger_is_loaded_for_the_seed_project(personas):
    from valnav.demo.governance import DIARIENUMMER, seed_governance

    seed_governance()
    actuals = Actual.objects.filter(project__diarienummer=DIARIENUMMER)
    assert actuals.count() > 100
    assert {actual.category for actual in actuals} == {"staff", "external", "travel", "indirect"}
