"""Strategies and checks shared by the importers' property tests (hypothesis): they mutate a
valid file (cells replaced by arbitrary text, columns added or removed) or replace it by
arbitrary bytes, and check that an import is whole or reports every error where it is.

Each example runs in `rolled_back()`, a transaction rolled back at its end: pytest-django's
`db` fixture resets the database once per test, not per hypothesis example, so without it the
rows one example imports would be in the database of the next. Row counts are compared before
and after the import inside the same example.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from valnav.core.tabular import ImportReport, RowError, UnreadableFileError, read_sheet

PROPERTY_SETTINGS = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

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


def rows_csv(
    rows: Sequence[Mapping[str, object]],
    *,
    header: Sequence[str],
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    """Rows of named cells as a CSV file with its header line, as a source exports them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def located(report: ImportReport) -> set[tuple[int, str]]:
    """Where a report's errors are: (row, column) of each."""
    return {(error.row, error.column) for error in report.errors}


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


def assert_whole_or_nothing(
    upload: Upload,
    run: Callable[[Upload], ImportReport],
    written: Sequence[type[Model]],
    *,
    rows: Callable[[bytes], set[int] | None] = sheet_rows,
    imported: Callable[[Mapping[str, int], ImportReport], None],
) -> None:
    """The property every importer has: `run` imports the upload whole (`imported` checks the
    counts) or reports located errors and writes none of `written`."""
    with rolled_back():
        before = counts(written)
        report = run(upload)
        if report.errors:
            assert_located(report.errors, rows(upload.source))
            assert counts(written) == before
        else:
            imported(before, report)


def assert_upload_page_refuses_or_imports(
    client: Client,
    url: str,
    upload: Upload,
    written: Sequence[type[Model]],
    data: Mapping[str, object] | None = None,
) -> None:
    """An upload page that imports at once (action=import) never fails: it refuses an empty
    file at its field, and shows a refused file's errors having written nothing."""
    with rolled_back():
        before = counts(written)
        response = client.post(
            url,
            {
                **(data or {}),
                "file": SimpleUploadedFile(upload.filename, upload.source),
                "action": "import",
            },
        )
        if not upload.source:
            assert_refused_at_the_field(response)
            return
        assert response.status_code == 200
        report = response.context["report"]
        if report.errors:
            assert_page_shows(response.content, report.errors)
            assert counts(written) == before
