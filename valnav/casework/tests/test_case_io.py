"""Importing cases from spreadsheets: all or nothing, errors by row and column, histories that
follow the process, idempotent with case references."""

import io
import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from valnav.accounts.models import Organisation
from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.case_io import (
    cases_import,
    process_path,
    transition_dates,
)
from valnav.casework.models import CaseTransition, Individual, ValidationCase
from valnav.casework.states import TRANSITIONS, CaseState, Decision
from valnav.core.models import AccessLogEntry
from valnav.core.tests.importing import located, rows_csv
from valnav.lib import fieldcrypto

pytestmark = pytest.mark.django_db

HEADER = [
    "ärendenummer",
    "förnamn",
    "efternamn",
    "personnummer",
    "kommunkod",
    "kön",
    "ändamål_kön",
    "modell",
    "yrke_ssyk",
    "första_kontakt",
    "steg",
    "beslut",
    "beslutsdatum",
    "avslutad",
]


def good_row(reference, **changes):
    row = {
        "ärendenummer": reference,
        "förnamn": "Testa",
        "efternamn": "Testsson",
        "personnummer": "",
        "kommunkod": "1980",
        "kön": "",
        "ändamål_kön": "",
        "modell": "Vård (test)",
        "yrke_ssyk": "5321",
        "första_kontakt": "2025-01-10",
        "steg": "bedömning",
        "beslut": "",
        "beslutsdatum": "",
        "avslutad": "",
    }
    row.update(changes)
    return row


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8"):
    return rows_csv(rows, header=header, delimiter=delimiter, encoding=encoding)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); the lead translates the catalogue."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def model(personas):
    return ValidationModelFactory(key="test-vard", name="Vård (test)", ssyk=["5321"])


@pytest.fixture
def assessor(personas):
    return personas["assessor_vasteras_komvux"]


def run(source, *, actor, organisation, dry_run=False, filename="arenden.csv"):
    return cases_import(
        actor=actor, organisation=organisation, source=source, filename=filename, dry_run=dry_run
    )


def written():
    return (
        Individual.objects.count(),
        ValidationCase.objects.count(),
        CaseTransition.objects.count(),
        AccessLogEntry.objects.count(),
    )


def test_the_process_paths_follow_the_allowed_transitions():
    for state in CaseState:
        for decided in (False, True):
            path = process_path(state, decided=decided)
            assert path[0] == CaseState.INQUIRY
            assert path[-1] == state
            assert all(b in TRANSITIONS[a] for a, b in itertools.pairwise(path))


def test_transition_dates_keep_to_the_rows_dates():
    path = process_path(CaseState.CLOSED)
    dates = transition_dates(
        path,
        first_contact=date(2025, 1, 1),
        decision_date=date(2025, 3, 1),
        ended_on=date(2025, 4, 1),
    )
    assert dates == sorted(dates)
    assert dates[0] == date(2025, 1, 1)
    assert dates[path.index(CaseState.DECISION)] == date(2025, 3, 1)
    assert dates[-1] == date(2025, 4, 1)
    # Without later dates, every step is dated on the first contact: never after the row's dates.
    assert set(
        transition_dates(process_path(CaseState.ASSESSMENT), first_contact=date(2025, 1, 1))
    ) == {date(2025, 1, 1)}


def test_a_valid_file_creates_individuals_cases_and_their_histories(assessor, komvux, model):
    rows = [
        good_row("VUX-1", personnummer="19811218-9876", kön="kvinna", ändamål_kön="Jämställdhet"),
        good_row(
            "VUX-2",
            steg="avslutat",
            beslut="delvis",
            beslutsdatum="2025-03-01",
            avslutad="2025-04-01",
            modell="test-vard",
        ),
        good_row("VUX-3", steg="återkallat", avslutad="2025-02-01", modell="", yrke_ssyk="5321"),
    ]
    report = run(csv_bytes(rows), actor=assessor, organisation=komvux)

    assert report.ok, report.errors
    assert (report.cases, report.individuals, report.existing) == (3, 3, 0)
    first = ValidationCase.objects.get(reference="VUX-1")
    assert first.state == CaseState.ASSESSMENT
    assert first.organisation == komvux
    assert first.model == model
    assert first.municipality.code == "1980"
    assert list(first.assessors.all()) == [assessor]
    person = first.individual
    assert person.gender == "woman"
    assert person.purposes == {"gender": "Jämställdhet"}
    assert fieldcrypto.decrypt(person.personnummer_encrypted) == "198112189876"
    assert person.personnummer_lookup == fieldcrypto.lookup_hash("198112189876")

    closed = ValidationCase.objects.get(reference="VUX-2")
    assert (closed.decision, closed.ended_on) == (Decision.PARTIAL, date(2025, 4, 1))
    history = list(closed.transitions.order_by("at", "pk"))
    assert [t.to_state for t in history] == process_path(CaseState.CLOSED)
    assert all(t.from_state == before.to_state for before, t in itertools.pairwise(history))
    local = [timezone.localtime(t.at).date() for t in history]
    assert local[0] == date(2025, 1, 10)
    assert local[[t.to_state for t in history].index(CaseState.DECISION)] == date(2025, 3, 1)
    assert local[-1] == date(2025, 4, 1)
    assert all(t.actor == assessor for t in history)

    withdrawn = ValidationCase.objects.get(reference="VUX-3")
    assert [t.to_state for t in withdrawn.transitions.all()] == ["inquiry", "withdrawn"]
    assert withdrawn.occupation.code == "5321"

    logged = AccessLogEntry.objects.filter(actor=assessor, action="create")
    assert logged.filter(record_type="casework.validationcase").count() == 3
    assert logged.filter(record_type="casework.individual").count() == 3


def test_errors_in_rows_3_and_7_write_nothing_and_name_their_columns(assessor, komvux):
    rows = [good_row(f"VUX-{n}") for n in range(2, 9)]  # spreadsheet rows 2 … 8
    rows[1] = good_row("VUX-3", personnummer="19811218-9875")  # wrong check digit
    rows[5] = good_row("VUX-7", steg="beslutat", beslutsdatum="2025-02-30", kommunkod="9999")
    before = written()

    report = run(csv_bytes(rows), actor=assessor, organisation=komvux)

    assert located(report) == {
        (3, "personnummer"),
        (7, "steg"),
        (7, "beslutsdatum"),
        (7, "kommunkod"),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "check digit" in messages[(3, "personnummer")]
    assert "9875" not in messages[(3, "personnummer")]  # the number is never repeated
    assert "2025-02-30" in messages[(7, "beslutsdatum")]
    assert "beslutat" in messages[(7, "steg")]
    assert str(report.errors[0]).startswith("row 3, personnummer:")
    assert (report.cases, report.individuals) == (0, 0)
    assert written() == before


def test_rules_across_cells_are_reported(assessor, komvux):
    today = timezone.localdate()
    rows = [
        good_row("A", steg="beslut"),  # a decision state without a decision
        good_row("B", beslut="full", beslutsdatum="2025-02-01"),  # assessment with a decision
        good_row("C", steg="avslutat", beslut="full", beslutsdatum="2025-01-01"),  # no end date
        good_row("D", modell="", yrke_ssyk=""),  # no target
        good_row("E", kön="man"),  # gender without its purpose
        good_row("F", första_kontakt=(today + timedelta(days=2)).isoformat()),
        good_row("A"),  # the reference again
    ]
    report = run(csv_bytes(rows), actor=assessor, organisation=komvux)
    assert located(report) == {
        (2, "beslut"),
        (3, "beslut"),
        (4, "beslutsdatum"),
        (4, "avslutad"),
        (5, "modell"),
        (6, "kön"),
        (7, "första_kontakt"),
        (8, "ärendenummer"),
    }


def test_an_xlsx_workbook_with_english_headers_imports(assessor, komvux):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "case_reference",
            "given_name",
            "municipality_code",
            "model",
            "first_contact",
            "state",
            "decision",
            "decision_date",
        ]
    )
    sheet.append(
        ["X-1", "Ann", 380, "Vård (test)", date(2025, 2, 3), "documented", "full", date(2025, 5, 6)]
    )
    out = io.BytesIO()
    workbook.save(out)

    report = run(out.getvalue(), actor=assessor, organisation=komvux, filename="cases.xlsx")

    assert report.ok, report.errors
    case = ValidationCase.objects.get(reference="X-1")
    assert case.municipality.code == "0380"  # Excel's number 380, with its zero back
    assert (case.first_contact, case.state, case.decision) == (
        date(2025, 2, 3),
        "documented",
        "full",
    )


def test_windows_1252_with_commas_and_english_headers(assessor, komvux):
    header = ["given_name", "family_name", "komvux_course", "first_contact"]
    source = csv_bytes(
        [
            {
                "given_name": "Åsa",
                "family_name": "Öberg",
                "komvux_course": "Vård och omsorg",
                "first_contact": "2025-01-02",
            }
        ],
        header=header,
        delimiter=",",
        encoding="cp1252",
    )
    report = run(source, actor=assessor, organisation=komvux)
    assert report.ok, report.errors
    assert Individual.objects.get().given_name == "Åsa"


def test_a_dry_run_reports_and_writes_nothing(assessor, komvux):
    before = written()
    report = run(
        csv_bytes([good_row("A"), good_row("B")]), actor=assessor, organisation=komvux, dry_run=True
    )
    assert report.ok
    assert (report.cases, report.individuals, report.dry_run) == (2, 2, True)
    assert [change.action for change in report.changes] == ["create", "create"]
    assert written() == before


def test_a_reimport_with_references_changes_nothing(assessor, komvux):
    source = csv_bytes([good_row("A", personnummer="811218-9876"), good_row("B")])
    first = run(source, actor=assessor, organisation=komvux)
    after_first = written()
    second = run(source, actor=assessor, organisation=komvux)

    assert (first.cases, first.existing) == (2, 0)
    assert (second.cases, second.individuals, second.existing) == (0, 0, 2)
    assert written() == after_first


def test_the_same_personnummer_is_one_individual(assessor, komvux):
    run(csv_bytes([good_row("A", personnummer="8112189876")]), actor=assessor, organisation=komvux)
    report = run(
        csv_bytes(
            [
                good_row("B", personnummer="19811218-9876"),
                good_row("C", personnummer="198112189876"),
            ]
        ),
        actor=assessor,
        organisation=komvux,
    )
    assert (report.cases, report.individuals) == (2, 0)
    assert Individual.objects.count() == 1
    assert ValidationCase.objects.filter(individual=Individual.objects.get()).count() == 3


def test_a_reference_of_another_organisation_is_refused(assessor, komvux, case):
    own = run(csv_bytes([good_row(case.reference)]), actor=assessor, organisation=komvux)
    assert (own.existing, own.cases) == (1, 0)  # the fixture's case is the organisation's own

    orebro = Organisation.objects.get(name="Örebro kommun, Vuxenutbildning och vägledning (demo)")
    report = run(csv_bytes([good_row(case.reference)]), actor=None, organisation=orebro)
    assert located(report) == {(2, "ärendenummer")}
    assert "in use" in report.errors[0].message


def test_only_assessors_of_the_organisation_import(personas, komvux):
    with pytest.raises(PermissionDenied):
        run(csv_bytes([good_row("A")]), actor=personas["counsellor_orebro"], organisation=komvux)
    with pytest.raises(PermissionDenied):
        run(csv_bytes([good_row("A")]), actor=personas["rua_vastmanland"], organisation=komvux)


def test_a_bad_header_is_reported_on_row_1(assessor, komvux):
    source = csv_bytes([{"förnamn": "A", "skostorlek": "42"}], header=["förnamn", "skostorlek"])
    report = run(source, actor=assessor, organisation=komvux)
    assert located(report) == {(1, "skostorlek"), (1, "första_kontakt"), (1, "modell")}


def test_the_command_imports_and_dry_runs(tmp_path, assessor, komvux):
    path = tmp_path / "arenden.csv"
    path.write_bytes(csv_bytes([good_row("A"), good_row("B")]))
    out = io.StringIO()
    call_command(
        "import_cases",
        str(path),
        "--organisation",
        komvux.name,
        "--dry-run",
        "--language",
        "en",
        stdout=out,
    )
    assert "Dry run" in out.getvalue()
    assert ValidationCase.objects.count() == 0
    call_command(
        "import_cases",
        str(path),
        "--organisation",
        str(komvux.pk),
        "--actor",
        assessor.email,
        "--language",
        "en",
        stdout=out,
    )
    assert ValidationCase.objects.filter(organisation=komvux).count() == 2

    path.write_bytes(csv_bytes([good_row("C", steg="nonsense")]))
    with pytest.raises(CommandError, match="1 errors"):
        call_command(
            "import_cases",
            str(path),
            "--organisation",
            komvux.name,
            "--language",
            "en",
            stdout=out,
            stderr=io.StringIO(),
        )


def test_the_page_checks_then_imports(assessor, komvux):
    client = Client()
    client.force_login(assessor)
    url = reverse("casework:import")
    assert client.get(url).status_code == 200

    def upload():
        return SimpleUploadedFile("arenden.csv", csv_bytes([good_row("A")]), "text/csv")

    checked = client.post(url, {"organisation": komvux.pk, "file": upload(), "action": "check"})
    assert checked.status_code == 200
    assert ValidationCase.objects.count() == 0
    imported = client.post(url, {"organisation": komvux.pk, "file": upload(), "action": "import"})
    assert imported.status_code == 200
    assert ValidationCase.objects.filter(reference="A", organisation=komvux).exists()


def test_imported_cases_page_in_the_case_list_in_order(assessor, komvux, django_assert_num_queries):
    from valnav.casework.selectors import case_list_for_user

    start = date(2024, 1, 1)
    rows = [
        good_row(f"L-{n}", första_kontakt=(start + timedelta(days=n % 7)).isoformat())
        for n in range(30)
    ]
    assert run(csv_bytes(rows), actor=assessor, organisation=komvux).ok
    everything = sorted(
        ValidationCase.objects.filter(organisation=komvux),
        key=lambda case: (case.first_contact, case.pk),
        reverse=True,
    )
    cases = case_list_for_user(user=assessor)
    with django_assert_num_queries(1):  # the page's ids and rows in one query
        page = list(cases[10:20])
    assert page == everything[10:20]
    assert cases[0] == everything[0]
    assert cases.count() == 30
