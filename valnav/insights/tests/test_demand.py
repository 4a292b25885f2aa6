"""Demand data: the Yrkesbarometer import, the shortage rule, the pages and the demo data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import Workbook

from valnav.atlas.offer_io import RowError
from valnav.demo.demand import seed_demand
from valnav.insights.demand import (
    demand_import,
    demand_latest,
    is_shortage,
    parse_index,
    shortage_rule_active,
    shortage_rule_update,
)
from valnav.insights.models import DemandObservation, Outlook
from valnav.places.models import County
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

HEADER = "omgang;lan;ssyk;yb_yrke;bristindex;prognos;rekryteringssituation"
GOOD = (
    f"{HEADER}\n"
    "2026-1;19;5321;Undersköterska, hemtjänst;4,2;ökande;brist\n"
    "2026-1;Örebro län;7411;Elektriker;3.5;oförändrad;balans\n"
    "2026-1;;2221;Sjuksköterska;4,8;ökande;stor brist\n"
)


def _import(text: str, *, dry_run: bool = False, encoding: str = "utf-8"):
    return demand_import(source=text.encode(encoding), filename="yb.csv", dry_run=dry_run)


def test_import_maps_county_code_name_and_national(reference_data):
    report = _import(GOOD)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    vastmanland = DemandObservation.objects.get(occupation__code="5321")
    assert vastmanland.county is not None
    assert vastmanland.county.code == "19"
    assert vastmanland.shortage_index == Decimal("4.20")
    assert vastmanland.outlook_5y == Outlook.INCREASING
    assert DemandObservation.objects.get(occupation__code="7411").county.code == "18"
    assert DemandObservation.objects.get(occupation__code="2221").county is None


def test_reimport_is_idempotent_and_updates_changed_rows(reference_data):
    _import(GOOD)
    again = _import(GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = _import(GOOD.replace("4,2;ökande", "3,1;minskande"))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert DemandObservation.objects.count() == 3
    assert DemandObservation.objects.get(occupation__code="5321").shortage_index == Decimal("3.10")


def test_malformed_row_writes_nothing_and_names_row_and_column(reference_data):
    text = GOOD + "2026-1;19;12345;Fel;6,1;uppåt;\n"
    report = _import(text)
    assert not report.ok
    assert DemandObservation.objects.count() == 0
    by_column = {(error.row, error.column) for error in report.errors}
    assert {(5, "ssyk"), (5, "bristindex"), (5, "prognos")} <= by_column


def test_errors_name_row_and_column_through_gettext(reference_data):
    with translation.override("sv"):
        report = _import(f"{HEADER}\n2026-1;19;5321;X;4;ökande;\n;19;5330;Y;4;;\n")
        assert [str(error) for error in report.errors] == ["rad 3, omgang: Ett värde måste anges."]


def test_missing_required_column_is_reported_on_the_header(reference_data):
    report = _import("lan;ssyk\n19;5321\n")
    assert RowError(1, "omgang", report.errors[0].message) in report.errors


def test_duplicate_key_in_file_is_an_error(reference_data):
    report = _import(f"{HEADER}\n2026-1;19;5321;A;4;;\n2026-1;19;5321;A;4;;\n")
    assert [(error.row, error.column) for error in report.errors] == [(3, "ssyk")]


def test_dry_run_counts_but_writes_nothing(reference_data):
    report = _import(GOOD, dry_run=True)
    assert report.created == 3
    assert report.ok
    assert not report.applied
    assert DemandObservation.objects.count() == 0


def test_windows_1252_csv_and_json_are_read(reference_data):
    assert _import(GOOD, encoding="cp1252").created == 3
    rows = [
        {"omgang": "2026-2", "lan": 19, "ssyk": 5321, "bristindex": 4.4, "prognos": "ökande"},
        {"omgang": "2026-2", "lan": "3", "ssyk": "5330", "bristindex": "bad"},
    ]
    report = demand_import(source=json.dumps(rows).encode(), filename="yb.json", dry_run=False)
    assert [(error.row, error.column) for error in report.errors] == [(2, "bristindex")]
    rows[1]["bristindex"] = "3,9"
    report = demand_import(source=json.dumps(rows).encode(), filename="yb.json", dry_run=False)
    assert report.created == 2
    assert DemandObservation.objects.filter(round="2026-2", county__code="03").exists()


def test_unknown_columns_are_left_out_and_listed(reference_data):
    report = _import(f"{HEADER};lang_text\n2026-1;19;5321;A;4;;;Lorem\n")
    assert report.ok
    assert report.ignored_columns == ["lang_text"]


def test_parse_index_accepts_comma_and_point():
    assert parse_index("4,2") == parse_index("4.2") == Decimal("4.20")
    assert parse_index("") is None


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


def test_shortage_rule_threshold_and_rounds(reference_data):
    _import(GOOD)
    older = _import(GOOD.replace("2026-1", "2025-2").replace("3.5", "4.5"))
    assert older.created == 3
    electrician_old = DemandObservation.objects.get(round="2025-2", occupation__code="7411")
    nurse = DemandObservation.objects.get(round="2026-1", occupation__code="5321")
    rule = shortage_rule_active()
    assert rule.threshold == Decimal("4.00")
    assert rule.rounds_counted == 1
    assert is_shortage(nurse)
    assert not is_shortage(electrician_old)  # only the latest round counts by default
    shortage_rule_update(threshold=Decimal("4.30"), rounds_counted=2, description="Strängare.")
    assert not is_shortage(nurse)
    assert is_shortage(electrician_old)


def test_demand_latest_filters_by_county_and_query(reference_data):
    _import(GOOD)
    _import(GOOD.replace("2026-1", "2025-2"))
    overview = demand_latest()
    assert overview.round == "2026-1"
    assert len(overview.rows) == 3
    assert overview.rows[0].observation.county is None  # the whole country first
    vastmanland = County.objects.get(code="19")
    assert [row.observation.occupation.code for row in demand_latest(county=vastmanland).rows] == [
        "5321"
    ]
    assert [row.observation.occupation.code for row in demand_latest(query="elektriker").rows] == [
        "7411"
    ]


def test_demand_page_lists_flags_and_rule(personas, django_assert_max_num_queries):
    _import(GOOD)
    client = Client()
    client.force_login(personas["project_manager"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("insights:demand"), {"county": "", "q": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption>" in body
    assert "5321" in body
    assert escape(shortage_rule_active().description) in body
    response = client.get(reverse("insights:demand"), {"q": "elektriker"})
    assert "5321" not in response.content.decode()


def test_import_page_checks_then_imports(personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    url = reverse("insights:demand-import")

    def post(action: str, text: str):
        upload = SimpleUploadedFile("yb.csv", text.encode(), content_type="text/csv")
        return client.post(url, {"file": upload, "action": action})

    assert post("check", GOOD).status_code == 200
    assert DemandObservation.objects.count() == 0
    response = post("import", GOOD + "2026-1;19;99;X;9;;\n")
    assert response.status_code == 200
    assert DemandObservation.objects.count() == 0
    assert "ssyk" in response.content.decode()
    post("import", GOOD)
    assert DemandObservation.objects.count() == 3


def test_rule_page_saves_the_rule(personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    response = client.post(
        reverse("insights:demand-rule"),
        {"threshold": "3,80", "rounds_counted": "2", "description": "Regionens regel."},
    )
    assert response.status_code == 302
    rule = shortage_rule_active()
    assert (rule.threshold, rule.rounds_counted) == (Decimal("3.80"), 2)


def test_command_imports_and_fails_on_errors(reference_data, tmp_path):
    good = tmp_path / "yb.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command("import_demand", str(good), "--dry-run", stdout=out)
    assert DemandObservation.objects.count() == 0
    call_command("import_demand", str(good), stdout=out)
    assert DemandObservation.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n2026-9;19;5321;A;0,5;;\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_demand", str(bad), stdout=out, stderr=StringIO())


def test_demo_demand_is_marked_and_idempotent(reference_data):
    created = seed_demand()
    assert created == 125
    assert seed_demand() == 0
    assert not DemandObservation.objects.filter(is_demo=False).exists()
    assert set(DemandObservation.objects.values_list("county__code", flat=True)) == {
        "03",
        "04",
        "05",
        "18",
        "19",
    }
    assert all(
        "DEMO" in source for source in DemandObservation.objects.values_list("source", flat=True)
    )


def _xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_excel_file_is_read_and_a_bad_row_named_with_nothing_written(reference_data):
    header: list[object] = list(HEADER.split(";"))
    good: list[list[object]] = [
        ["2026-1", 19, 5321, "Undersköterska, hemtjänst", 4.2, "ökande", "brist"],
        ["2026-1", "Örebro län", "7411", "Elektriker", "3,5", "oförändrad", "balans"],
    ]
    bad: list[object] = ["2026-1", 19, 12345, "Fel", 6.1, "uppåt", ""]
    report = demand_import(source=_xlsx([header, *good, bad]), filename="yb.xlsx", dry_run=False)
    assert not report.ok
    assert {error.row for error in report.errors} == {4}  # the header is row 1
    assert {"ssyk", "bristindex"} <= {error.column for error in report.errors}
    assert DemandObservation.objects.count() == 0

    report = demand_import(source=_xlsx([header, *good]), filename="yb.xlsx", dry_run=False)
    assert report.errors == []
    assert report.created == 2
    assert DemandObservation.objects.get(occupation__code="5321").shortage_index == Decimal("4.20")
