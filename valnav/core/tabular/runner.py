"""The one all-or-nothing runner. An importer says what differs (its columns, a row → record
function and an `apply` that writes through its app's services); the runner reads the file,
checks every row, reports every problem by row and column, and applies the records in one
transaction, or none of them. A dry run applies them too and rolls back, so the preview counts
exactly what applying would do and the database's own refusals are reported in both."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Hashable, Iterator
from typing import Any, ClassVar

from django.db import transaction
from django.utils.translation import gettext as _

from valnav.core.tabular.columns import BoundColumns, Columns, unescape
from valnav.core.tabular.errors import (
    CellError,
    RowError,
    UnreadableFileError,
    beyond_header,
    beyond_header_message,
    has_nul,
    nul_message,
)
from valnav.core.tabular.reader import read_sheet
from valnav.core.tabular.report import ImportReport

# progress(done, total): `total` counts each row once when reading and once more when applying.
Progress = Callable[[int, int], None]


class Row:
    """One data row of a table as an importer's `read_row` sees it."""

    def __init__(
        self, number: int, cells: list[str], columns: BoundColumns, errors: list[RowError]
    ) -> None:
        self.number = number
        self.cells = cells
        self.columns = columns
        self.errors = errors
        self._errors_before = len(errors)
        self._index = columns.index

    def has(self, key: str) -> bool:
        return key in self._index

    def cell(self, key: str) -> str:
        """The stripped text of the cell in the column ("" when absent), as
        `BoundColumns.cell` reads it (inlined: it is called for every cell of a file)."""
        position = self._index.get(key)
        if position is None or position >= len(self.cells):
            return ""
        value = self.cells[position].strip()
        return unescape(value) if value[:1] == "'" else value

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.number, self.columns.name(key) if key else "", message))

    def parse[T](self, key: str, parser: Callable[[str], T]) -> T | None:
        """The cell through a parser; None (and the error noted) when it refuses it."""
        try:
            return parser(self.cell(key))
        except CellError as refused:
            self.error(key, refused.message)
            return None

    @property
    def failed(self) -> bool:
        return len(self.errors) > self._errors_before


class Importer[R]:
    """The declarative part of one import. Tables set `columns` and `read_row`; a source of
    another shape (SIE, JSON-stat, an API's JSON) overrides `read` and yields its records
    with the line or entry number its errors name."""

    columns: ClassVar[Columns | None] = None
    # The source's own encoding when it has one (None: UTF-8, else Windows-1252).
    encoding: ClassVar[str | None] = None
    # Where the columns stand in the file being read, the report being filled, and who is
    # told the progress (see Progress).
    bound: BoundColumns | None = None
    report: ImportReport
    progress: Progress | None = None

    def column_name(self, key: str) -> str:
        """A column's name as the file being read writes it (Swedish before one is read)."""
        if self.bound is not None:
            return self.bound.name(key)
        return self.columns.by_key[key].swedish if self.columns is not None else key

    def check_header(self, columns: BoundColumns, errors: list[RowError]) -> None:
        """Header rules beyond required columns (e.g. one of two columns)."""

    def read_row(self, row: Row) -> R | None:
        raise NotImplementedError

    def key(self, record: R) -> Hashable | None:
        """What may appear only once in a file (None: anything may repeat)."""
        return None

    def duplicate(self, row: Row, first: int) -> None:
        row.error("", _("The same record is given already on row %(row)s.") % {"row": first})

    def read(
        self, *, source: bytes, filename: str, report: ImportReport, progress: Progress | None
    ) -> list[tuple[int, R]]:
        """The file's records by row (or line) number; problems go to `report.errors`."""
        self.report = report
        records = self.read_source(source, report)
        if records is None:
            records = self.read_table(source, filename, report, progress)
        return self.finish(records, report)

    def read_source(self, source: bytes, report: ImportReport) -> list[tuple[int, R]] | None:
        """A source of its own shape (SIE, JSON-stat, an API's JSON) read as records; None
        when the source is a table, which `columns` and `read_row` read."""
        return None

    def finish(self, records: list[tuple[int, R]], report: ImportReport) -> list[tuple[int, R]]:
        """The records once every row is read (to sum, or to refuse an empty file)."""
        return records

    def read_table(
        self, source: bytes, filename: str, report: ImportReport, progress: Progress | None
    ) -> list[tuple[int, R]]:
        spec = self.columns
        if spec is None:
            raise NotImplementedError
        sheet = read_sheet(
            source=source, filename=filename, known=spec.knows, encoding=self.encoding
        )
        report.rows = len(sheet.rows)
        columns = self.bound = spec.bind(sheet.headers, report.errors)
        self.check_header(columns, report.errors)
        if report.errors:  # the header is wrong: the rows cannot be read
            return []
        return self.read_rows(sheet.rows, columns, report, progress)

    def read_rows(
        self,
        rows: list[tuple[int, list[str]]],
        columns: BoundColumns,
        report: ImportReport,
        progress: Progress | None,
    ) -> list[tuple[int, R]]:
        records: list[tuple[int, R]] = []
        seen: dict[Hashable, int] = {}
        total = report.rows if report.dry_run else 2 * report.rows
        step = max(report.rows // 100, 200)
        errors = report.errors
        for position, (number, cells) in enumerate(rows, start=1):
            row = Row(number, cells, columns, errors)
            extra = beyond_header(cells, columns.width)
            if extra is not None:
                errors.append(RowError(number, extra, beyond_header_message()))
            if has_nul("".join(cells)):  # rare: look cell by cell only then
                for name, index in columns.index.items():
                    if index < len(cells) and has_nul(cells[index]):
                        row.error(name, nul_message())
            record = self.read_row(row)
            if record is not None and not row.failed:
                key = self.key(record)
                if key is not None and key in seen:
                    self.duplicate(row, seen[key])
                else:
                    if key is not None:
                        seen[key] = number
                    records.append((number, record))
            if progress is not None and position % step == 0:
                progress(position, total)
        return records

    def run(
        self, *, source: bytes, filename: str, dry_run: bool, progress: Progress | None = None
    ) -> ImportReport:
        """`run_import` of this importer with the framework's own report."""
        return run_import(
            self,
            source=source,
            filename=filename,
            dry_run=dry_run,
            report=ImportReport(),
            progress=progress,
        )

    def apply(self, records: list[tuple[int, R]], report: ImportReport) -> None:
        """Write the records (inside the runner's transaction) and count them in `report`;
        a record the database refuses is reported in `report.errors`."""
        raise NotImplementedError


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a file is read and written: an import makes
    hundreds of thousands of objects that hold no cycles, and the collector's passes over them
    cost a third of a large import's time. Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import[Report: ImportReport](
    importer: Importer[Any],
    *,
    source: bytes,
    filename: str,
    dry_run: bool,
    report: Report,
    progress: Progress | None = None,
) -> Report:
    """Read, check and (unless `dry_run` or anything is wrong) apply a file, all or nothing;
    `report` is filled in (an importer may keep its own figures in a subclass)."""
    report.dry_run = dry_run
    importer.progress = progress
    try:
        with _collection_paused():
            records = importer.read(
                source=source, filename=filename, report=report, progress=progress
            )
    except UnreadableFileError as refused:
        report.errors.append(RowError(0, "", refused.message))
        return report
    if report.errors:
        report.refuse()
        return report
    total = report.rows if dry_run else 2 * report.rows
    if progress is not None:
        progress(report.rows, total)
    with transaction.atomic(), _collection_paused():
        importer.apply(records, report)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.refuse()
        return report
    if progress is not None:
        progress(total, total)
    return report
