"""Skolverket's adult-education events (Planned Educations API v4) as complementary education."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from valnav.accounts.models import Organisation
from valnav.atlas.education_io import courses_import
from valnav.atlas.models import ComplementaryEducation, EducationForm, PublicationStatus

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "skolverket_adult_events.json"


def _pages() -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return pages


def test_events_become_complementary_education(reference_data):
    report = courses_import(source=FIXTURE.read_bytes(), dry_run=False)
    assert report.errors == []
    # Kiruna is not in Östra Mellansverige: its course is passed over.
    assert report.created == 2
    electric = ComplementaryEducation.objects.get(external_id="skolverket:AE-1001")
    assert electric.title == "Elinstallation 1"
    assert electric.provider.name == "Västerås stad"
    assert electric.municipality.code == "1980"
    assert electric.form == EducationForm.KOMVUX_COURSE
    assert electric.start_dates == ["2027-01-11"]
    assert (electric.pace_percent, electric.remote) == (100, False)
    assert electric.status == PublicationStatus.PUBLISHED
    care = ComplementaryEducation.objects.get(external_id="skolverket:AE-1002")
    assert (care.pace_percent, care.remote) == (50, True)
    assert care.provider.kind == "education_provider"


def test_courses_are_linked_to_the_models_whose_gaps_they_close(reference_data):
    courses_import(source=FIXTURE.read_bytes(), dry_run=False)
    electric = ComplementaryEducation.objects.get(external_id="skolverket:AE-1001")
    care = ComplementaryEducation.objects.get(external_id="skolverket:AE-1002")
    assert any(
        "Elinstallation" in {c.title for c in model.criteria.all()}
        for model in electric.closes_gaps_of.all()
    )
    assert care.closes_gaps_of.exists()


def test_importing_the_same_pages_again_changes_nothing(reference_data):
    courses_import(source=FIXTURE.read_bytes(), dry_run=False)
    again = courses_import(source=FIXTURE.read_bytes(), dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert ComplementaryEducation.objects.count() == 2
    assert Organisation.objects.filter(name="Hermods AB").count() == 1


def test_an_event_gone_from_the_listing_is_ended_not_deleted(reference_data):
    courses_import(source=FIXTURE.read_bytes(), dry_run=False)
    pages = _pages()
    del pages[0]["_embedded"]["listedAdultEducationEvents"][1]  # Örebro's course is gone
    report = courses_import(source=json.dumps(pages).encode(), dry_run=False)
    assert report.errors == []
    gone = ComplementaryEducation.objects.get(external_id="skolverket:AE-1002")
    assert gone.valid_to == timezone.localdate() - timedelta(days=1)
    still = ComplementaryEducation.objects.get(external_id="skolverket:AE-1001")
    assert still.valid_to is None


def test_one_page_of_several_ends_nothing(reference_data):
    courses_import(source=FIXTURE.read_bytes(), dry_run=False)
    (first_page, _second) = _pages()
    del first_page["_embedded"]["listedAdultEducationEvents"][1]
    courses_import(source=json.dumps(first_page).encode(), dry_run=False)
    assert not ComplementaryEducation.objects.filter(valid_to__isnull=False).exists()


def test_a_dry_run_writes_nothing(reference_data):
    report = courses_import(source=FIXTURE.read_bytes(), dry_run=True)
    assert report.created == 2
    assert not ComplementaryEducation.objects.exists()


def test_a_bad_event_is_named_and_nothing_is_written(reference_data):
    pages = _pages()
    pages[0]["_embedded"]["listedAdultEducationEvents"][0]["semesterStartFrom"] = "2027-13-01"
    pages[0]["_embedded"]["listedAdultEducationEvents"][1]["paceOfStudy"] = "250"
    with translation.override("en"):
        report = courses_import(source=json.dumps(pages).encode(), dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [
        (1, "semesterStartFrom"),
        (2, "paceOfStudy"),
    ]
    assert not ComplementaryEducation.objects.exists()


def test_a_file_of_another_shape_is_refused(reference_data):
    report = courses_import(source=b'{"hits": []}', dry_run=False)
    assert report.errors
    assert "listedAdultEducationEvents" in report.errors[0].message


def test_import_educations_command(reference_data, capsys):
    call_command("import_educations", str(FIXTURE), "--language", "en")
    assert "2 new" in capsys.readouterr().out
    assert ComplementaryEducation.objects.filter(valid_from=date(2027, 1, 11)).count() == 1
