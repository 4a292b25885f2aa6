"""The one reader of every import: a file's bytes as a table of text cells, or as JSON.

CSV is read in UTF-8 (with or without BOM), in the Windows-1252 that Swedish Excel writes, or in
an encoding the source names (SIE's PC8 is code page 437); any delimiter, found from the header.
XLSX is read in openpyxl's streaming mode within limits on rows, columns and the expanded size of
the workbook, so that a small file that expands to millions of rows (a "zip bomb") is refused in
a moment instead of holding a worker. Every refusal is an `UnreadableFileError` whose message
the person can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from valnav.core.tabular.errors import UnreadableFileError

# Limits of one file, for CSV and XLSX alike (settings may lower or raise them).
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# What an XLSX may expand to, all its parts together (its XML is several times its cells).
MAX_XLSX_EXPANDED_BYTES = 512 * 1024 * 1024
# The expanded size of one part against its compressed size past which it is a bomb, not data:
# spreadsheet XML compresses some 10–30 times, a crafted file a thousand times.
MAX_XLSX_RATIO = 200
MAX_JSON_BYTES = 64 * 1024 * 1024


def max_rows() -> int:
    return int(getattr(settings, "VALNAV_IMPORT_MAX_ROWS", MAX_ROWS))


def max_columns() -> int:
    return int(getattr(settings, "VALNAV_IMPORT_MAX_COLUMNS", MAX_COLUMNS))


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells); empty rows left out


def too_many_rows() -> str:
    return _("The file has more than %(max)s rows; split it into smaller files.") % {
        "max": f"{max_rows():,}".replace(",", " ")
    }


def too_many_columns() -> str:
    return _("The file has more than %(max)s columns; is it the right file?") % {
        "max": max_columns()
    }


# --- Text --------------------------------------------------------------------------------------

_ALLOWED_NON_ASCII = frozenset("–—‘’‚“”„•…€§°±½¼¾«»´·×÷\u00a0¤£")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _looks_like_text(text: str) -> bool:
    """Whether a single-byte decoding is plausible: no control characters, and the characters
    outside ASCII are letters (åäö, é, ü …) or ordinary typography, not mojibake."""
    if _CONTROL.search(text):
        return False
    non_ascii = _NON_ASCII.findall(text)
    unusual = sum(1 for char in non_ascii if not char.isalpha() and char not in _ALLOWED_NON_ASCII)
    return unusual <= len(non_ascii) // 20


def decode(source: bytes, *, encoding: str | None = None) -> str:
    """The file as text: in `encoding` when the source names one, else UTF-8 (BOM or not) or,
    failing that, Windows-1252 if the result reads as text."""
    refused = _(
        "The file is neither UTF-8 nor Windows-1252 text. In Excel, save it as “CSV UTF-8” "
        "or as an Excel workbook (.xlsx)."
    )
    if encoding is not None:
        try:
            return source.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(
                _("The file is not text in %(encoding)s.") % {"encoding": encoding}
            ) from error
    if source.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in source[:4096]:
        raise UnreadableFileError(
            _(
                "The file is in UTF-16 (Excel's “Unicode text”), which the import does not read. "
                "In Excel, save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
            )
        )
    if source.startswith(codecs.BOM_UTF8):
        try:
            return source[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(refused) from error
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = source.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(refused) from error
    if not _looks_like_text(text):
        raise UnreadableFileError(refused)
    return text


DELIMITERS = (";", ",", "\t", "|")


def _delimiter(header_line: str, known: Callable[[str], bool]) -> str:
    """The delimiter that splits the header into the most known column names (then the most
    cells): Swedish Excel writes semicolons, most systems commas, SCB tabs."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        return sum(1 for cell in cells if known(cell)), len(cells)

    return max(DELIMITERS, key=score)


def read_csv(
    source: bytes, *, known: Callable[[str], bool] = bool, encoding: str | None = None
) -> Sheet:
    text = decode(source, encoding=encoding)
    first_line, _newline, rest = text.lstrip("\r\n").partition("\n")
    first_line = first_line.rstrip("\r")
    if re.fullmatch(r"sep=.", first_line.strip(), re.IGNORECASE):
        # Excel's hint line ("sep=;") is not a row of the spreadsheet Excel shows.
        delimiter = first_line.strip()[-1]
        text = rest
    else:
        delimiter = _delimiter(first_line, known)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    limit = max_rows()
    try:
        for number, cells in enumerate(reader, start=1):
            if headers is None:
                if any(cell.strip() for cell in cells):
                    headers = [cell.strip() for cell in cells]
                continue
            if any(cells):
                if len(rows) >= limit:
                    raise UnreadableFileError(too_many_rows())
                rows.append((number, cells))
    except csv.Error as error:
        raise UnreadableFileError(
            _("The file is not a readable CSV table (%(reason)s).") % {"reason": error}
        ) from error
    if headers is None:
        raise UnreadableFileError(_("The file is empty."))
    return Sheet(headers=headers, rows=rows)


# --- XLSX --------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _not_a_workbook() -> UnreadableFileError:
    return UnreadableFileError(_("The file could not be read as an Excel workbook (.xlsx)."))


def _check_archive(source: bytes) -> None:
    """Refuse a workbook whose parts expand beyond the limits, from the zip's own directory,
    before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_a_workbook() from error
    expanded = sum(part.file_size for part in parts)
    limit = int(getattr(settings, "VALNAV_IMPORT_MAX_XLSX_BYTES", MAX_XLSX_EXPANDED_BYTES))
    bomb = any(
        part.file_size > 1024 * 1024
        and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if expanded > limit or bomb:
        raise UnreadableFileError(
            _(
                "The workbook expands to far more data than its size suggests (%(size)s MB); "
                "it is refused. Save the sheet again in Excel, or as “CSV UTF-8”."
            )
            % {"size": expanded // (1024 * 1024)}
        )


# A damaged or hand-made workbook fails deep inside zipfile, zlib or openpyxl with whatever they
# raise (BadZipFile, zlib.error, NotImplementedError for an unknown compression, XML parse
# errors, KeyError for a missing part …): any of them means the file is not a readable workbook.
_XLSX_PROBLEMS = (Exception,)


def read_xlsx(source: bytes) -> Sheet:
    _check_archive(source)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    row_limit, column_limit = max_rows(), max_columns()
    try:
        workbook = load_workbook(io.BytesIO(source), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The sheet's own dimension (when it gives one) refuses a bomb before any row.
            if (sheet.max_row or 0) > row_limit + 1:
                raise UnreadableFileError(too_many_rows())
            if (sheet.max_column or 0) > column_limit:
                raise UnreadableFileError(too_many_columns())
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if len(values) > column_limit:
                    raise UnreadableFileError(too_many_columns())
                if number > row_limit + 1:
                    # Counted on every row, empty ones too: openpyxl makes up the gaps.
                    raise UnreadableFileError(too_many_rows())
                cells = [cell_text(value) for value in values]
                if headers is None:
                    if any(cell.strip() for cell in cells):
                        headers = [cell.strip() for cell in cells]
                    continue
                if any(cells):
                    rows.append((number, cells))
        finally:
            workbook.close()
    except UnreadableFileError:
        raise
    except _XLSX_PROBLEMS as error:
        raise _not_a_workbook() from error
    if headers is None:
        raise UnreadableFileError(_("The file is empty."))
    return Sheet(headers=headers, rows=rows)


def is_xlsx(source: bytes) -> bool:
    return source.startswith(b"PK\x03\x04")


def read_sheet(
    *,
    source: bytes,
    filename: str = "",
    known: Callable[[str], bool] = bool,
    encoding: str | None = None,
) -> Sheet:
    """The header and rows of a CSV or XLSX file, told apart by content, not by name.
    `known(header)` says whether a header cell names a column, to find a CSV's delimiter."""
    if not source:
        raise UnreadableFileError(_("The file is empty."))
    if is_xlsx(source):
        return read_xlsx(source)
    if source.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            _("Old Excel files (.xls) cannot be imported; save it as .xlsx or as “CSV UTF-8”.")
        )
    return read_csv(source, known=known, encoding=encoding)


def sheet_row_count(*, source: bytes, filename: str = "") -> int:
    """About how many data rows the file has (0 if it cannot be read), to decide whether to
    import in the background."""
    if is_xlsx(source):
        try:
            _check_archive(source)
            workbook = load_workbook(io.BytesIO(source), read_only=True)
            max_row = workbook.worksheets[0].max_row or 0
            workbook.close()
        except _XLSX_PROBLEMS:
            return 0
        return min(max(max_row - 1, 0), max_rows())
    try:
        return len(read_sheet(source=source, filename=filename).rows)
    except UnreadableFileError:
        return 0


# --- JSON --------------------------------------------------------------------------------------


def read_json(source: bytes) -> object:
    """A JSON document (UTF-8, BOM or not), refused with a reason if it is none."""
    if not source.strip():
        raise UnreadableFileError(_("The file is empty."))
    if len(source) > MAX_JSON_BYTES:
        raise UnreadableFileError(
            _("The file is larger than %(size)s MB; split it into smaller files.")
            % {"size": MAX_JSON_BYTES // (1024 * 1024)}
        )
    try:
        return json.loads(decode(source, encoding="utf-8"))
    except (ValueError, RecursionError) as error:
        raise UnreadableFileError(
            _("The file is not valid JSON (%(reason)s).") % {"reason": str(error)[:200]}
        ) from error


def looks_like_json(source: bytes) -> bool:
    return source.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"[")
