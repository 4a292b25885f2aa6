"""Property tests of the offer import (hypothesis): whatever a file holds, the import never
crashes, never writes part of a file, and every error says where it is.

The strategies here mutate a valid file (cells replaced by arbitrary text, columns added or
removed) or replace it by arbitrary bytes; the other importers' property tests use them too.
(There is no import of complementary education: only offers come in from spreadsheets.)

Each example runs in `rolled_back()`, a transaction rolled back at its end: pytest-django's
`db` fixture resets the database once per test, not per hypothesis example, so without it the
offers one example imports would be in the database of the next. Row counts are compared
before and after the import inside the same example.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from valnav.accounts.models import User
from valnav.atlas.models import Offer, ValidationModel
from valnav.atlas.offer_io import offers_import
from valnav.core.tabular import RowError, UnreadableFileError, read_sheet

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Strategies shared by the importers' property tests ----------------------------------------

# Values people and programs really put in cells, and the classic troublemakers.
ODD_TEXTS = (
    "",
    " ",
    "=1+1",
    "'=1+1",
    "+46 21 39 10 00",
    "-0",
    "@SUM(A1)",
    "0",
    "00",
    "1e30",
    "-1e30",
    "1E+400",
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "9" * 5000,  # more digits than Python converts to int by default
    "1 234,50",
    "1\u00a0234,50",
    "−500",
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "31/12/2024",
    "2024-1-1",
    "١٩٨٧",  # Arabic-Indic digits
    "²",
    "1980",
    "\x00",
    "a\x00b",
    "\t",
    "\r\n",
    '"',
    ";",
    "Ω≈ç√∫",
    "🦆",
    "<script>alert(1)</script>",
    "ja",
    "nej",
)


def long_texts() -> st.SearchStrategy[str]:
    """Text far longer than any column allows (a repeated short piece, cheap to generate)."""
    return st.builds(
        lambda piece, times: piece * times,
        st.text(min_size=1, max_size=4),
        st.integers(min_value=50, max_value=1500),
    )


def cell_texts() -> st.SearchStrategy[str]:
    """Arbitrary cell text: any unicode (control characters too), odd values, very long text."""
    return st.one_of(st.sampled_from(ODD_TEXTS), st.text(max_size=30), long_texts())


def xlsx_values() -> st.SearchStrategy[object]:
    """What an XLSX cell may hold besides text: numbers, booleans, dates and times."""
    return st.one_of(
        cell_texts(),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.dates(min_value=date(1900, 3, 1)),
        st.datetimes(min_value=datetime(1900, 3, 1)),
        st.times(),
    )


type Table = list[list[object]]  # the header row first


def csv_source(table: Table, *, delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(
        [["" if value is None else str(value) for value in row] for row in table]
    )
    return buffer.getvalue().encode("utf-8")


def xlsx_source(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in table:
        # An XLSX file cannot hold control characters (Excel cannot either).
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
                for value in row
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Upload:
    source: bytes
    filename: str


@st.composite
def mutated_tables(draw: st.DrawFn, valid: Table, *, xlsx: bool) -> Table:
    """The valid table with some cells replaced, or a column removed, added or repeated."""
    table = [list(row) for row in valid]
    values = xlsx_values() if xlsx else cell_texts()
    kind = draw(st.sampled_from(["cells", "cells", "cells", "drop", "add", "repeat", "ragged"]))
    width = len(table[0])
    if kind == "cells":
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            row = draw(st.integers(min_value=0, max_value=len(table) - 1))
            column = draw(st.integers(min_value=0, max_value=width - 1))
            table[row][column] = draw(values)
    elif kind == "drop":
        column = draw(st.integers(min_value=0, max_value=width - 1))
        table = [
            [value for position, value in enumerate(row) if position != column] for row in table
        ]
    elif kind == "add":
        table = [[*row, draw(values)] for row in table]
    elif kind == "repeat":
        column = draw(st.integers(min_value=0, max_value=width - 1))
        table = [[*row, row[column]] for row in table]
    else:  # a row longer than the header
        row = draw(st.integers(min_value=1, max_value=len(table) - 1))
        table[row] = [*table[row], *draw(st.lists(values, min_size=1, max_size=3))]
    return table


def corrupted(source: bytes, seed: int) -> bytes:
    """The file with a few bytes overwritten or cut short, as a broken download leaves it."""
    damaged = bytearray(source)
    chance = random.Random(seed)
    if chance.random() < 0.3:
        return bytes(damaged[: chance.randrange(4, len(damaged))])
    for _ in range(chance.randint(1, 8)):
        damaged[chance.randrange(4, len(damaged))] = chance.randrange(256)
    return bytes(damaged)


def uploads(valid: Table, *, formats: Sequence[str] = ("csv", "xlsx")) -> st.SearchStrategy[Upload]:
    """A mutated valid table as CSV or XLSX, a damaged valid file, or arbitrary bytes."""

    def as_file(fmt: str) -> st.SearchStrategy[Upload]:
        if fmt == "xlsx":
            return mutated_tables(valid, xlsx=True).map(lambda t: Upload(xlsx_source(t), "f.xlsx"))
        return mutated_tables(valid, xlsx=False).map(lambda t: Upload(csv_source(t), "f.csv"))

    damaged = st.builds(
        lambda fmt, seed: Upload(
            corrupted(xlsx_source(valid) if fmt == "xlsx" else csv_source(valid), seed), "f"
        ),
        st.sampled_from(formats),
        st.integers(min_value=0, max_value=2**32),
    )
    arbitrary = st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail),
    ).map(lambda source: Upload(source, "f.csv"))
    return st.one_of(
        *(as_file(fmt) for fmt in formats),
        *(as_file(fmt) for fmt in formats),  # mutations twice as often as broken files
        damaged,
        arbitrary,
    )


# --- Checks shared by the importers' property tests --------------------------------------------


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """One hypothesis example in a transaction that is rolled back, whatever happens in it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def counts(models: Sequence[type[Model]]) -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in models}


def sheet_rows(source: bytes) -> set[int] | None:
    """The row numbers a person sees in the file (the header is 1), None if it is unreadable."""
    try:
        sheet = read_sheet(source=source, filename="f")
    except UnreadableFileError:
        return None
    return {1, *(number for number, _cells in sheet.rows)}


def assert_located(
    errors: Sequence[RowError],
    rows: set[int] | None,
    *,
    whole_column: Callable[[RowError], bool] = lambda error: False,
) -> None:
    """An unreadable file is one error about the file; otherwise every error names a row of
    the file and a column (`whole_column` allows an error about a column as a whole)."""
    if rows is None:
        assert len(errors) == 1, errors
        assert errors[0].row == 0, errors
        assert errors[0].message, errors
        return
    for error in errors:
        assert error.message, error
        assert error.column.strip(), f"error without a column: {error}"
        assert error.row in rows or whole_column(error), f"error on no row of the file: {error}"


def assert_page_shows(response_content: bytes, errors: Sequence[RowError]) -> None:
    page = response_content.decode()
    assert "Nothing has been imported" in page
    assert escape(errors[0].message) in page


def assert_refused_at_the_field(response: HttpResponse) -> None:
    """An upload the form refuses (an empty file) is shown at the file field."""
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0]
    assert escape(message) in response.content.decode()


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
