"""Worksheets for the governance downloads: text that a spreadsheet would run as a formula
(financier names, risk texts typed by people) is written as text (valnav.lib.csv_io)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from valnav.lib.csv_io import spreadsheet_safe


class SafeSheet:
    def __init__(self, workbook: Workbook, title: str) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title[:31])

    def append(self, values: Iterable[object]) -> None:
        self.sheet.append([spreadsheet_safe(v) if isinstance(v, str) else v for v in values])

    def header(self, values: Iterable[object]) -> None:
        self.sheet.append([self.bold(str(value)) for value in values])

    def bold(self, value: str) -> Cell:
        cell = WriteOnlyCell(self.sheet, value=spreadsheet_safe(value))
        cell.font = Font(bold=True)
        return cell
