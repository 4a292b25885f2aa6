"""The one import framework below the apps: a reader (CSV in any encoding and delimiter, XLSX
within limits, JSON, JSON-stat 2.0), a column specification, cell parsers, one error report by
row and column, one all-or-nothing runner with dry run and preview, one command base and one
upload page. Each app keeps a short declarative importer; see docs/importing.md."""

from valnav.core.tabular.columns import BoundColumns, Column, Columns, fold_header, unescape
from valnav.core.tabular.errors import (
    CellError,
    RowError,
    UnreadableFileError,
    beyond_header,
    beyond_header_message,
    column_letter,
    has_nul,
    nul_message,
)
from valnav.core.tabular.reader import Sheet, decode, read_json, read_sheet, sheet_row_count
from valnav.core.tabular.report import ImportReport, RowChange
from valnav.core.tabular.runner import Importer, Progress, Row, run_import

__all__ = [
    "BoundColumns",
    "CellError",
    "Column",
    "Columns",
    "ImportReport",
    "Importer",
    "Progress",
    "Row",
    "RowChange",
    "RowError",
    "Sheet",
    "UnreadableFileError",
    "beyond_header",
    "beyond_header_message",
    "column_letter",
    "decode",
    "fold_header",
    "has_nul",
    "nul_message",
    "read_json",
    "read_sheet",
    "run_import",
    "sheet_row_count",
    "unescape",
]
