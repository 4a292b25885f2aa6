"""Property tests of the offer import (hypothesis): whatever a file holds, the import never
crashes, never writes part of a file, and every error says where it is.

The strategies and checks are the importers' shared ones (valnav.core.tests.importing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings

from valnav.accounts.models import User
from valnav.atlas.models import Offer, ValidationModel
from valnav.atlas.offer_io import offers_import
from valnav.core.tests.importing import (
    PROPERTY_SETTINGS,
    Table,
    Upload,
    assert_located,
    assert_page_shows,
    assert_refused_at_the_field,
    corrupted,
    counts,
    csv_source,
    rolled_back,
    sheet_rows,
    uploads,
    xlsx_source,
)

pytestmark = pytest.mark.django_db

# --- Offers ---------------------------------------------------------------------------------

VASTERAS_KOMVUX = "402000-0024"  # the assessor persona's organisation, as in test_offer_io
VALID: Table = [
    [
        "extern_id",
        "anordnare_orgnr",
        "modell",
        "kommunkod",
        "beskrivning",
        "på_distans",
        "kapacitet_per_år",
        "latitud",
        "kontakt_epost",
        "webbsida",
        "giltig_från",
        "giltig_till",
        "språk",
        "status",
    ],
    [
        "A1",
        VASTERAS_KOMVUX,
        "test-vard",
        "1980",
        "Validering för undersköterskor",
        "ja",
        "40",
        "59,61",
        "vux@example.org",
        "example.org/vux",
        "2025-01-01",
        "2026-12-31",
        "sv;ar",
        "draft",
    ],
    [
        "A2",
        VASTERAS_KOMVUX,
        "test-vard",
        "1884",
        "Validering i Nora",
        "nej",
        "",
        "",
        "",
        "",
        "2025-01-01",
        "",
        "sv",
        "published",
    ],
]
WRITTEN = (Offer, Offer.history.model)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings: Any, tmp_path: Path) -> None:  # pytest-django's SettingsWrapper
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def vard(personas: dict[str, User]) -> ValidationModel:
    return ValidationModel.objects.create(
        key="test-vard", name="Vård och omsorg (test)", kind="komvux", payer="municipality"
    )


def test_the_valid_file_imports_as_csv_and_xlsx(personas: dict[str, User]) -> None:
    """The starting point of the properties is a good file, so their errors come from the
    mutations."""
    for source in (csv_source(VALID), xlsx_source(VALID)):
        with rolled_back():
            report = offers_import(
                actor=personas["assessor_vasteras_komvux"],
                source=source,
                filename="f",
                dry_run=False,
            )
            assert report.errors == []
            assert Offer.objects.count() == 2


@PROPERTY_SETTINGS
@given(upload=uploads(VALID))
def test_any_file_imports_whole_or_reports_located_errors_and_writes_nothing(
    personas: dict[str, User], upload: Upload
) -> None:
    with rolled_back():
        before = counts(WRITTEN)
        report = offers_import(
            actor=personas["assessor_vasteras_komvux"],
            source=upload.source,
            filename=upload.filename,
            dry_run=False,
        )
        if report.errors:
            assert_located(report.errors, sheet_rows(upload.source))
            assert counts(WRITTEN) == before
        else:
            assert Offer.objects.count() == before[Offer._meta.label] + report.created


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(upload=uploads(VALID))
def test_the_upload_page_never_fails_and_shows_the_errors(
    personas: dict[str, User], upload: Upload
) -> None:
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    with rolled_back():
        before = counts(WRITTEN)
        response = client.post(
            reverse("atlas:import"), {"file": SimpleUploadedFile(upload.filename, upload.source)}
        )
        if not upload.source:
            assert_refused_at_the_field(response)
            return
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert page.status_code == 200
        text = page.content.decode()
        assert "unexpected error" not in text
        report = page.context["report"]
        if report.errors:
            assert_page_shows(page.content, report.errors)
        assert counts(WRITTEN) == before  # the upload is only checked, never applied


def test_a_nul_character_in_a_cell_is_an_error_at_its_row_and_column(
    personas: dict[str, User],
) -> None:
    """PostgreSQL cannot store NUL; a file that has one far down (after the first 4 KiB the
    encoding check reads) gets it named, not a database error."""
    table = [list(row) for row in VALID] + [
        [f"B{n}", VASTERAS_KOMVUX, "test-vard", "1980", "x" * 100, *[""] * 9] for n in range(60)
    ]
    table[-1][4] = "Beskrivning med \x00 i"
    report = offers_import(
        actor=personas["assessor_vasteras_komvux"],
        source=csv_source(table),
        filename="f.csv",
        dry_run=False,
    )
    assert [(error.row, error.column) for error in report.errors] == [(len(table), "beskrivning")]
    assert not Offer.objects.exists()


def test_a_cell_beyond_the_header_is_named_by_its_spreadsheet_column(
    personas: dict[str, User],
) -> None:
    table = [list(row) for row in VALID]
    table[2] = [*table[2], "", "överbliven"]
    report = offers_import(
        actor=personas["assessor_vasteras_komvux"],
        source=csv_source(table),
        filename="f.csv",
        dry_run=True,
    )
    assert [(error.row, error.column) for error in report.errors] == [(3, "P")]


def test_a_huge_whole_number_is_too_large_not_a_crash(personas: dict[str, User]) -> None:
    table = [list(row) for row in VALID]
    table[1][6] = "9" * 5000
    report = offers_import(
        actor=personas["assessor_vasteras_komvux"],
        source=csv_source(table),
        filename="f.csv",
        dry_run=True,
    )
    assert [(error.row, error.column) for error in report.errors] == [(2, "kapacitet_per_år")]
    assert re.search(r"too large", report.errors[0].message)


def test_a_damaged_workbook_is_an_unreadable_file(personas: dict[str, User]) -> None:
    source = xlsx_source(VALID)
    failures = []
    for seed in range(40):
        report = offers_import(
            actor=personas["assessor_vasteras_komvux"],
            source=corrupted(source, seed),
            filename="f.xlsx",
            dry_run=True,
        )
        failures += [error for error in report.errors if error.row == 0]
    assert failures  # some of the damage is noticed, and as the file's error, not a crash
