"""The one error report of every import: problems by row (or line) and column, in the user's
language, and the refusal of a file that cannot be read at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem: `row` as the spreadsheet numbers it (header = 1; 0 = the file as a whole);
    for a text format such as SIE, the line. `column` is the column's name as the file writes
    it (or the field of a JSON record), empty for the whole row."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        if not self.column:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class UnreadableFileError(Exception):
    """The file cannot be read as the source it claims to be; `message` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(Exception):
    """A cell parser's refusal of one value; the reader adds row and column."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def column_letter(position: int) -> str:
    """The spreadsheet's name of a column from its 0-based position: A, B, …, Z, AA, …"""
    letters = ""
    number = position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def beyond_header(cells: Sequence[str], width: int) -> str | None:
    """The letter of the first filled cell to the right of the header's columns, if any."""
    for position in range(width, len(cells)):
        if cells[position].strip():
            return column_letter(position)
    return None


def beyond_header_message() -> str:
    return _("This row has more cells than the header has columns.")


def has_nul(value: str) -> bool:
    """Whether text holds a NUL character, which PostgreSQL cannot store in text."""
    return "\x00" in value


def nul_message() -> str:
    return _("The cell contains a NUL character, which cannot be stored; remove it.")
