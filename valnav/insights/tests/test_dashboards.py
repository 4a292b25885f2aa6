import csv
import io
import re
import subprocess
import zlib
from datetime import date, datetime, time, timedelta

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from valnav.accounts.models import Organisation
from valnav.atlas.tests.factories import OfferFactory
from valnav.casework.models import (
    CaseTransition,
    Credential,
    DocumentType,
    Individual,
    SigningKey,
    StatusList,
    ValidationCase,
)
from valnav.casework.states import CaseState, Decision
from valnav.insights.dashboards import AUDIENCES, dashboard, protected_total
from valnav.places.models import County, Municipality

pytestmark = pytest.mark.django_db

START = date(2025, 1, 10)
SMALL = {"1", "2", "3", "4"}


@pytest.fixture
def organisation(personas):
    return Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")


def _case(organisation, code, *, decision="", days=30, complementary=False):
    municipality = Municipality.objects.get(code=code)
    person = Individual.objects.create(organisation=organisation, municipality=municipality)
    case = ValidationCase.objects.create(
        individual=person,
        organisation=organisation,
        municipality=municipality,
        first_contact=START,
        komvux_course="Vård och omsorg",
        decision=decision,
        state=CaseState.DECISION if decision else CaseState.ASSESSMENT,
    )
    if decision:
        at = timezone.make_aware(datetime.combine(START + timedelta(days=days), time(12)))
        CaseTransition.objects.create(
            case=case, from_state=CaseState.ASSESSMENT, to_state=CaseState.DECISION, at=at
        )
        if complementary:
            CaseTransition.objects.create(
                case=case,
                from_state=CaseState.DOCUMENTED,
                to_state=CaseState.COMPLEMENTARY_EDUCATION,
                at=at + timedelta(days=5),
            )
    return case


def _credential(case, issued_by):
    key, _created = SigningKey.objects.get_or_create(
        kid="key-test", defaults={"public_jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}}
    )
    status_list = StatusList.objects.first() or StatusList.objects.create()
    index = status_list.next_index
    status_list.next_index += 1
    status_list.save()
    return Credential.objects.create(
        case=case,
        issuer=case.organisation,
        document_type=DocumentType.INTYG,
        decision=Decision.FULL,
        title="Intyg om validering",
        issued_at=timezone.now(),
        issued_by=issued_by,
        signer_name="Rut Rektor",
        signer_title="rektor",
        payload={},
        jws="e.e.c",
        key=key,
        status_list=status_list,
        status_index=index,
    )


@pytest.fixture
def cases(organisation, personas):
    # Västerås: 15 started, 12 decided, 6 on to complementary education. Köping: 2 cases, one
    # with a document: a municipality whose counts must never be shown. Sala: 6 decided, hidden
    # in Köping's place (secondary suppression).
    for index in range(8):
        _case(organisation, "1980", decision="full", days=20 + index, complementary=index < 6)
    for decision in ("partial", "partial", "not_met", "not_met"):
        _case(organisation, "1980", decision=decision, days=40)
    for _ in range(3):
        _case(organisation, "1980")
    koping = _case(organisation, "1983", decision="full")
    _case(organisation, "1983", decision="partial")
    _credential(koping, personas["assessor_vasteras_komvux"])
    for _ in range(6):
        _case(organisation, "1981", decision="full")
    for _ in range(3):
        OfferFactory()  # Västerås


def _get(client, name, **query):
    return client.get(reverse(f"insights:{name}"), query)


def _row(panel, name):
    return next(row for row in panel.rows if row[0] == name)


def test_the_figures_per_audience(cases):
    county = County.objects.get(code="19")
    strategist = dashboard(audience="strategist", county=county)
    assert [panel.key for panel in strategist.panels] == ["gaps", "focus", "validations"]
    assert _row(strategist.panel("validations"), "Västerås")[1:] == (15, 12)
    assert _row(strategist.panel("validations"), "Köping")[1:] == ("<5", "<5")

    komvux = dashboard(audience="komvux", county=county)
    assert [panel.key for panel in komvux.panels] == [
        "validations",
        "lead-time",
        "decisions",
        "complementary",
    ]
    assert _row(komvux.panel("lead-time"), "Västerås")[1] == 25.5
    assert _row(komvux.panel("decisions"), "Västerås")[1] == pytest.approx(66.7)
    assert _row(komvux.panel("complementary"), "Västerås")[1] == 6

    project = dashboard(audience="project", county=county)
    assert _row(project.panel("offers"), "Västmanlands län")[1] == 3
    assert _row(project.panel("coverage"), "Västmanlands län")[1] == 1
    assert _row(project.panel("documents"), "Västmanlands län")[1] == "<5"
    # ÖMS has only Västmanland's one: "<5" as well, which gives nothing away.
    assert _row(project.panel("documents"), "Östra Mellansverige")[1] == "<5"


def test_a_total_is_shown_only_when_no_part_is_small():
    assert protected_total([0, 5, 7]) == 12
    assert protected_total([0, 2, 7]) == ".."
    assert protected_total([0, 0]) == 0


@pytest.mark.parametrize("audience", AUDIENCES)
def test_each_dashboard_has_a_chart_and_a_table_per_panel(client, personas, cases, audience):
    client.force_login(personas["rua_vastmanland"])
    answer = _get(client, "dashboard", audience=audience)
    assert answer.status_code == 200
    html = answer.content.decode()
    board = answer.context["dashboard"]
    assert board.audience == audience
    for panel in board.panels:
        assert f'<script id="{panel.data_id}" type="application/json">' in html
        assert f'data-source="{panel.data_id}"' in html
        assert f"<caption>{panel.caption}</caption>" in html
        assert f"panel={panel.key}" in html
    assert html.count("<table>") == len(board.panels)
    assert '<th scope="col"' in html
    assert '<th scope="row">' in html
    assert "/static/plotly/plotly.min.js" in html
    assert "<script>" not in html  # no inline scripts: the CSP forbids them


def test_the_strategist_dashboard_is_the_default_and_takes_a_county(client, personas, cases):
    client.force_login(personas["project_manager"])
    board = _get(client, "dashboard").context["dashboard"]
    assert board.audience == "strategist"
    board = _get(client, "dashboard", audience="komvux", county="03").context["dashboard"]
    assert (board.audience, board.county.code) == ("komvux", "03")


def test_the_chart_data_leaves_suppressed_figures_out(cases):
    board = dashboard(audience="strategist", county=County.objects.get(code="19"))
    chart = board.panel("validations").chart_data()
    koping = chart["categories"].index("Köping")
    started = chart["series"][0]
    assert started["values"][koping] is None
    assert started["text"][koping] == "<5"
    assert started["values"][chart["categories"].index("Västerås")] == 15.0


def _people_columns(board):
    return {
        panel.key: [i for i, column in enumerate(panel.columns) if column.people]
        for panel in board.panels
    }


@pytest.mark.parametrize("audience", AUDIENCES)
def test_csv_per_panel_without_small_counts(client, personas, cases, audience):
    client.force_login(personas["admin"])
    board = dashboard(audience=audience, county=County.objects.get(code="19"))
    people = _people_columns(board)
    for panel in board.panels:
        answer = _get(client, "dashboard-csv", audience=audience, county="19", panel=panel.key)
        assert answer.status_code == 200
        assert answer["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == panel.header
        assert len(rows) == len(panel.rows) + 1
        for row in rows[1:]:
            assert not {row[i] for i in people[panel.key]} & SMALL, (panel.key, row)


def test_csv_of_an_unknown_panel_is_404(client, personas):
    client.force_login(personas["admin"])
    assert _get(client, "dashboard-csv", audience="project", panel="nope").status_code == 404


def test_csv_of_the_validations_holds_the_figures(client, personas, cases):
    client.force_login(personas["admin"])
    answer = _get(client, "dashboard-csv", audience="komvux", county="19", panel="validations")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Västerås", "15", "12"] in rows
    assert ["Köping", "<5", "<5"] in rows


def _pdf_text(content):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607  (poppler-utils, a test dependency)
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_pdf_has_every_panel_and_no_small_count(client, personas, cases, audience):
    client.force_login(personas["rua_vastmanland"])
    answer = _get(client, "dashboard-pdf", audience=audience, county="19")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = _pdf_text(answer.content)
    board = dashboard(audience=audience, county=County.objects.get(code="19"))
    for panel in board.panels:
        assert panel.title in text
    for line in text.splitlines():
        if "Köping" in line:
            assert not set(line.split()) & SMALL, line
    known = {"strategist": "Västerås", "komvux": "Västerås", "project": "Västmanlands län"}
    figure = {"strategist": "15", "komvux": "25,5", "project": "3"}  # a Swedish decimal comma
    assert any(
        known[audience] in line and figure[audience] in line.split() for line in text.splitlines()
    )


def _pdf_objects(content):
    """The PDF's bytes with its compressed streams (object streams included) inflated."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_pdf_is_tagged_swedish(client, personas, cases):
    client.force_login(personas["admin"])
    objects = _pdf_objects(_get(client, "dashboard-pdf", audience="project").content)
    assert re.search(rb"/Lang\s*\(sv", objects)
    assert b"/StructTreeRoot" in objects


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_workbook_has_a_sheet_per_panel(client, personas, cases, audience):
    client.force_login(personas["project_manager"])
    answer = _get(client, "dashboard-xlsx", audience=audience, county="19")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.content))
    board = dashboard(audience=audience, county=County.objects.get(code="19"))
    assert len(workbook.sheetnames) == len(board.panels)
    people = _people_columns(board)
    for sheet, panel in zip(workbook.worksheets, board.panels, strict=True):
        rows = list(sheet.iter_rows())
        assert [cell.value for cell in rows[0]] == panel.header
        assert all(cell.font.bold for cell in rows[0])
        assert len(rows) == len(panel.rows) + 1
        for row in rows[1:]:
            for index in people[panel.key]:
                value = row[index].value
                assert not (isinstance(value, int) and 0 < value < 5), (panel.key, value)
                assert str(value) not in SMALL


def test_the_workbook_keeps_numbers_as_numbers(client, personas, cases):
    client.force_login(personas["admin"])
    answer = _get(client, "dashboard-xlsx", audience="komvux", county="19")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Västerås"] == (15, 12)
    assert values["Köping"] == ("<5", "<5")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_query_count_does_not_grow_with_the_data(client, personas, cases, audience):
    client.force_login(personas["admin"])
    url = reverse("insights:dashboard")
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"audience": audience, "county": "19"})
    organisation = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    for _ in range(5):
        _case(organisation, "1984", decision="full", complementary=True)
        OfferFactory(municipality=Municipality.objects.get(code="1984"))
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"audience": audience, "county": "19"})
    assert len(after) == len(before)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_dashboard_seen_again_is_read_from_the_cache_until_the_data_changes(
    client, personas, cases, audience
):
    client.force_login(personas["admin"])
    url = reverse("insights:dashboard")
    first = client.get(url, {"audience": audience, "county": "19"})
    with CaptureQueriesContext(connection) as again:
        second = client.get(url, {"audience": audience, "county": "19"})
    assert first.status_code == second.status_code == 200
    figures = [q["sql"] for q in again if "casework_" in q["sql"] or "atlas_offer" in q["sql"]]
    assert figures == []  # no case or offer is counted again
    OfferFactory(municipality=Municipality.objects.get(code="1984"))
    board = dashboard(audience=audience, county=County.objects.get(code="19"))
    if audience == "project":
        assert _row(board.panel("offers"), "Västmanlands län")[1] == 4


@pytest.mark.parametrize("name", ["dashboard", "dashboard-csv", "dashboard-pdf", "dashboard-xlsx"])
def test_access(client, personas, name):
    answer = _get(client, name, audience="project")
    assert answer.status_code == 302
    client.force_login(personas["counsellor_orebro"])
    assert _get(client, name, audience="project").status_code == 403


def test_my_pages_link_to_the_dashboards(client, personas):
    client.force_login(personas["rua_vastmanland"])
    answer = client.get(reverse("accounts:dashboard"))
    assert reverse("insights:dashboard") in answer.content.decode()


def test_a_total_row_is_in_the_table_but_not_a_bar(cases):
    board = dashboard(audience="project", county=County.objects.get(code="19"))
    offers = board.panel("offers")
    assert offers.rows[-1] == ("Östra Mellansverige", 3)
    assert "Östra Mellansverige" not in offers.chart_data()["categories"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_pdf_draws_each_chart_and_keeps_every_figure_on_one_line(
    client, personas, cases, audience
):
    client.force_login(personas["rua_vastmanland"])
    content = _get(client, "dashboard-pdf", audience=audience, county="19").content
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        drawn = sum(len(page.rects) for page in pdf.pages)
    lines = [line.replace("\u00a0", " ") for line in text.splitlines()]
    board = dashboard(audience=audience, county=County.objects.get(code="19"))
    charted = [
        panel for panel in board.panels if any(s["values"] for s in panel.chart_data()["series"])
    ]
    for panel in charted:
        # The heading, and the chart's own title drawn in the PDF beside its table.
        assert sum(panel.title in line for line in lines) >= 2, panel.title
    assert drawn > 0  # the bars
    figures = {
        cell.replace("\u00a0", " ")
        for panel in board.panels
        for row in panel.text_rows
        for cell in row[1:]
        if "\u00a0" in cell
    }
    split = [figure for figure in figures if not any(figure in line for line in lines)]
    assert not split, f"figures broken across lines: {split}"
