"""Demand data: the Yrkesbarometer import as Arbetsförmedlingen publishes it, the shortage rule,
the pages and the demo data. The fixture is in exactly the published shape (one JSON array,
every field, nulls, several SSYK codes in a row, "vara oförändrad", a paradox with its list)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import Workbook

from valnav.core.tabular import RowError
from valnav.demo.demand import seed_demand
from valnav.insights.demand import (
    demand_import,
    demand_latest,
    parse_index,
    shortage_rule_active,
    shortage_rule_update,
)
from valnav.insights.models import DemandObservation, Outlook
from valnav.places.models import County
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "yrkesbarometer.json"
PUBLISHED: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
FIELDS = list(PUBLISHED[0])


def _import_rows(rows: list[dict[str, Any]], *, dry_run: bool = False):
    source = json.dumps(rows, ensure_ascii=False).encode()
    return demand_import(source=source, filename="yrkesbarometer.json", dry_run=dry_run)


def _published(lan: str, ssyk: str) -> dict[str, Any]:
    return next(row for row in PUBLISHED if row["lan"] == lan and row["ssyk"] == ssyk)


def test_the_published_file_imports_as_it_is(reference_data):
    assert FIELDS == [
        "yrkesomrade",
        "yb_yrke",
        "yb_concept_id",
        "lan",
        "ssyk",
        "ssyk_text",
        "yb_beskrivning",
        "jobbmojligheter",
        "rekryteringssituation",
        "paradox",
        "prognos",
        "text_jobbmojligheter",
        "text_rekryteringssituation",
        "hogsta_bedomningsniva",
        "delvis_helt",
        "omgang",
        "taxonomi_version",
    ]
    report = demand_import(source=FIXTURE.read_bytes(), filename=FIXTURE.name, dry_run=False)
    assert report.errors == []
    # Six barometer occupations in three areas; Stockholm's rows are passed over; the
    # undersköterskor's row names two SSYK codes, so the country and Västmanland have 7 each.
    assert report.rows == 18
    assert report.passed_over == 6
    assert report.created == 14
    assert set(DemandObservation.objects.values_list("county__code", flat=True)) == {None, "19"}

    cook = DemandObservation.objects.get(county__code="19", occupation__code="5120")
    published = _published("19", "5120")
    assert cook.recruitment_situation == "paradox"
    assert cook.paradox == published["paradox"]
    assert cook.outlook_5y == Outlook.INCREASING
    assert cook.job_opportunities == "stora"
    assert cook.text_recruitment_situation == published["text_rekryteringssituation"]
    assert cook.text_job_opportunities == published["text_jobbmojligheter"]
    assert cook.yb_concept_id == "i5zY_AwC_RGf"
    assert cook.yb_occupation == "Kockar"
    assert cook.occupation_area == "Hotell, restaurang, storhushåll"
    assert (cook.highest_assessment_level, cook.partly_or_wholly) == ("regionalt", "helt")
    assert cook.taxonomy_version == "25"
    assert cook.shortage_index is None

    electrician = DemandObservation.objects.get(county__code="19", occupation__code="7411")
    assert electrician.outlook_5y == Outlook.UNCHANGED  # "vara oförändrad"

    driver = DemandObservation.objects.get(county__code="19", occupation__code="8332")
    assert (driver.recruitment_situation, driver.job_opportunities, driver.outlook_5y) == (
        "",
        "",
        "",
    )  # null: no assessment, not a guess

    national = DemandObservation.objects.get(county=None, occupation__code="5321")
    assert national.yb_description == _published("00", "5321, 5323")["yb_beskrivning"]


def test_several_ssyk_codes_in_a_row_map_to_each(reference_data):
    demand_import(source=FIXTURE.read_bytes(), filename=FIXTURE.name, dry_run=False)
    nurses = DemandObservation.objects.filter(county__code="19", yb_concept_id="Tj7m_Uc2_8Pk")
    assert sorted(nurses.values_list("occupation__code", flat=True)) == ["5321", "5323"]
    assert {obs.recruitment_situation for obs in nurses} == {"brist"}
    assert {obs.ssyk_text for obs in nurses} == {_published("19", "5321, 5323")["ssyk_text"]}


def test_reimport_is_idempotent_and_updates_changed_rows(reference_data):
    _import_rows(PUBLISHED)
    again = _import_rows(PUBLISHED)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 14)
    changed = [dict(row) for row in PUBLISHED]
    for row in changed:
        if row["lan"] == "19" and row["ssyk"] == "5120":
            row["rekryteringssituation"] = "brist"
            row["paradox"] = []
    report = _import_rows(changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 13)
    cook = DemandObservation.objects.get(county__code="19", occupation__code="5120")
    assert (cook.recruitment_situation, cook.paradox) == ("brist", [])


def test_bad_values_are_row_errors_in_swedish_naming_field_and_row(reference_data):
    rows = [dict(row) for row in PUBLISHED]
    rows[1] |= {"rekryteringssituation": "stor brist", "prognos": "ökar", "ssyk": "7411, 99"}
    rows[3] |= {"jobbmojligheter": "enorma", "lan": "99", "paradox": [1, 2]}
    with translation.override("sv"):
        report = _import_rows(rows)
        messages = [str(error) for error in report.errors]
    assert DemandObservation.objects.count() == 0
    assert {(error.row, error.column) for error in report.errors} == {
        (2, "rekryteringssituation"),
        (2, "prognos"),
        (2, "ssyk"),
        (4, "jobbmojligheter"),
        (4, "lan"),
        (4, "paradox"),
    }
    situation = next(m for m in messages if m.startswith("rad 2, rekryteringssituation: "))
    assert "stor brist" in situation
    assert "brist, balans, överskott, paradox" in situation
    assert any(m.startswith("rad 2, prognos: ") and "vara oförändrad" in m for m in messages)
    assert any(m.startswith("rad 2, ssyk: ") and "99" in m for m in messages)


def test_a_file_that_is_no_list_of_rows_is_refused(reference_data):
    report = demand_import(source=b'{"omgang": "2026-1"}', filename="yb.json", dry_run=False)
    assert [error.row for error in report.errors] == [0]
    report = demand_import(source=b"[1, 2", filename="yb.json", dry_run=False)
    assert [error.row for error in report.errors] == [0]


def test_missing_required_column_is_reported_on_the_header(reference_data):
    report = demand_import(source=b"lan;ssyk\n19;5321\n", filename="yb.csv", dry_run=False)
    assert RowError(1, "omgang", report.errors[0].message) in report.errors


def test_duplicate_key_in_file_is_an_error(reference_data):
    report = _import_rows([PUBLISHED[1], PUBLISHED[1]])
    assert [(error.row, error.column) for error in report.errors] == [(2, "ssyk")]


def test_dry_run_counts_but_writes_nothing(reference_data):
    report = _import_rows(PUBLISHED, dry_run=True)
    assert report.created == 14
    assert report.ok
    assert not report.applied
    assert DemandObservation.objects.count() == 0


def _csv(rows: list[dict[str, Any]], delimiter: str = ";") -> str:
    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, list):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    lines = [delimiter.join(FIELDS)]
    for row in rows:
        lines.append(
            delimiter.join('"' + cell(row[name]).replace('"', '""') + '"' for name in FIELDS)
        )
    return "\n".join(lines) + "\n"


def test_the_same_columns_as_csv_in_windows_1252_are_read(reference_data):
    text = _csv(PUBLISHED)
    report = demand_import(source=text.encode("cp1252"), filename="yb.csv", dry_run=False)
    assert report.errors == []
    assert report.created == 14
    cook = DemandObservation.objects.get(county__code="19", occupation__code="5120")
    assert cook.paradox == _published("19", "5120")["paradox"]


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_same_columns_as_xlsx_are_read_and_a_bad_row_named(reference_data):
    def cells(row: dict[str, Any]) -> list[object]:
        return ["; ".join(v) if isinstance(v, list) else v for v in row.values()]

    good = [cells(row) for row in PUBLISHED[:6]]
    bad = cells(PUBLISHED[6] | {"rekryteringssituation": "underskott"})
    report = demand_import(source=_xlsx([FIELDS, *good, bad]), filename="yb.xlsx", dry_run=False)
    assert [(error.row, error.column) for error in report.errors] == [
        (8, "rekryteringssituation")  # the header is row 1
    ]
    assert DemandObservation.objects.count() == 0
    report = demand_import(source=_xlsx([FIELDS, *good]), filename="yb.xlsx", dry_run=False)
    assert report.errors == []
    assert report.created == 7


def test_an_older_file_with_the_numeric_index_is_still_read(reference_data):
    older = (
        "omgang;lan;ssyk;yb_yrke;bristindex;prognos_1ar;prognos_5ar\n"
        "2023-2;19;5321;Undersköterska;4,2;ökande;oförändrad\n"
    )
    report = demand_import(source=older.encode(), filename="old.csv", dry_run=False)
    assert report.errors == []
    nurse = DemandObservation.objects.get()
    assert nurse.shortage_index == Decimal("4.20")
    assert (nurse.outlook_1y, nurse.outlook_5y) == (Outlook.INCREASING, Outlook.UNCHANGED)
    assert nurse.recruitment_situation == ""  # the index is not turned into a category
    assert parse_index("4,2") == parse_index("4.2") == Decimal("4.20")


def test_database_refuses_index_outside_1_to_5(reference_data):
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandObservation.objects.create(
            round="2026-1",
            occupation=Occupation.objects.get(code="5321"),
            shortage_index=Decimal("5.50"),
            imported_at=timezone.now(),
        )


def test_database_refuses_two_national_rows_with_the_same_key(reference_data):
    fields = {
        "round": "2026-1",
        "occupation": Occupation.objects.get(code="5321"),
        "imported_at": timezone.now(),
    }
    DemandObservation.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        DemandObservation.objects.create(**fields)


def test_the_default_rule_counts_brist_and_falls_back_to_the_country(reference_data):
    rule = shortage_rule_active()
    assert rule.situations == ["brist"]
    assert rule.national_fallback
    assert rule.counts("brist")
    assert not rule.counts("paradox")
    assert not rule.counts("")  # no assessment is never a shortage
    saved = shortage_rule_update(
        situations=["paradox", "brist"], national_fallback=False, description="Regionens."
    )
    assert saved.situations == ["brist", "paradox"]
    assert shortage_rule_active().counts("paradox")


def test_demand_latest_filters_by_county_and_query(reference_data):
    _import_rows(PUBLISHED)
    overview = demand_latest()
    assert overview.round == "2026-1"
    assert len(overview.rows) == 14
    assert overview.rows[0].observation.county is None  # the whole country first
    vastmanland = County.objects.get(code="19")
    assert len(demand_latest(county=vastmanland).rows) == 7
    found = demand_latest(query="elektriker").rows
    assert {row.observation.occupation.code for row in found} == {"7411"}
    assert all(row.shortage for row in found)


def test_demand_page_shows_the_categories_in_words(personas, django_assert_max_num_queries):
    _import_rows(PUBLISHED)
    client = Client()
    client.force_login(personas["project_manager"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("insights:demand"), {"county": "", "q": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<caption id="demand-table-caption">' in body
    assert escape(shortage_rule_active().description) in body
    assert escape(_published("19", "5120")["paradox"][0]) in body
    with translation.override("sv"):
        no_assessment = str(translation.gettext("No assessment"))
    assert no_assessment in body
    response = client.get(reverse("insights:demand"), {"q": "elektriker"})
    assert "5321" not in response.content.decode()


def test_import_page_checks_then_imports(personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    url = reverse("insights:demand-import")

    def post(action: str, rows: list[dict[str, Any]]):
        source = json.dumps(rows, ensure_ascii=False).encode()
        upload = SimpleUploadedFile("yrkesbarometer.json", source, content_type="application/json")
        return client.post(url, {"file": upload, "action": action})

    assert post("check", PUBLISHED).status_code == 200
    assert DemandObservation.objects.count() == 0
    response = post("import", [*PUBLISHED, PUBLISHED[0] | {"ssyk": "99"}])
    assert response.status_code == 200
    assert DemandObservation.objects.count() == 0
    assert "ssyk" in response.content.decode()
    post("import", PUBLISHED)
    assert DemandObservation.objects.count() == 14


def test_rule_page_saves_the_rule(personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    page = client.get(reverse("insights:demand-rule"))
    assert page.status_code == 200
    response = client.post(
        reverse("insights:demand-rule"),
        {"situations": ["brist", "paradox"], "description": "Regionens regel."},
    )
    assert response.status_code == 302
    rule = shortage_rule_active()
    assert (rule.situations, rule.national_fallback) == (["brist", "paradox"], False)
    response = client.post(reverse("insights:demand-rule"), {"situations": ["storbrist"]})
    assert response.status_code == 200
    assert shortage_rule_active().situations == ["brist", "paradox"]


def test_command_imports_and_fails_on_errors(reference_data, tmp_path):
    out = StringIO()
    call_command("import_demand", str(FIXTURE), "--dry-run", stdout=out)
    assert DemandObservation.objects.count() == 0
    call_command("import_demand", str(FIXTURE), stdout=out)
    assert DemandObservation.objects.count() == 14
    assert "6" in out.getvalue().splitlines()[-1]  # the passed-over rows are told
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([PUBLISHED[0] | {"omgang": ""}]), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_demand", str(bad), stdout=out, stderr=StringIO())
    with pytest.raises(CommandError):  # --url fetches http(s) only; no network here
        call_command("import_demand", "--url", f"file://{FIXTURE}", stdout=out)


def test_demo_demand_is_the_published_shape_marked_and_idempotent(reference_data):
    created = seed_demand()
    assert created == 150  # 24 barometer occupations (one with two codes) × 6 areas
    assert seed_demand() == 0
    assert not DemandObservation.objects.filter(is_demo=False).exists()
    assert set(DemandObservation.objects.values_list("county__code", flat=True)) == {
        None,
        "03",
        "04",
        "05",
        "18",
        "19",
    }
    assert all(
        "DEMO" in source for source in DemandObservation.objects.values_list("source", flat=True)
    )
    situations = set(DemandObservation.objects.values_list("recruitment_situation", flat=True))
    assert situations == {"brist", "balans", "överskott", "paradox", ""}
