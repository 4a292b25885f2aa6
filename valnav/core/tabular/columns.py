"""The one column specification: which columns a file may have (Swedish and English names and
aliases), which are required, and where each stands in a given file's header."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from valnav.core.tabular.errors import RowError


def fold_header(text: str) -> str:
    """A header as it is compared: case, spaces, dashes and Swedish letters do not matter."""
    folded = text.strip().casefold().translate(str.maketrans("åäöé -.–—", "aaoe_____"))
    return re.sub(r"_+", "_", folded).strip("_")


@dataclass(frozen=True)
class Column:
    key: str
    swedish: str  # the canonical header, written by exports
    english: str
    required: bool = False
    aliases: tuple[str, ...] = ()


def unescape(value: str) -> str:
    """A stripped cell without the apostrophe exports put before formula characters."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


class Columns:
    """A file's possible columns. `unknown_is_error`: a header naming no column is an error
    (the offer file, whose export writes exactly these) or is ignored (a ledger with extra
    columns of the accounting system)."""

    def __init__(self, columns: Iterable[Column], *, unknown_is_error: bool = True) -> None:
        self.columns = tuple(columns)
        self.by_key = {column.key: column for column in self.columns}
        self.unknown_is_error = unknown_is_error
        self.lookup: dict[str, str] = {}
        for column in self.columns:
            for name in (column.swedish, column.english, *column.aliases):
                self.lookup[fold_header(name)] = column.key

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    def knows(self, header: str) -> bool:
        return fold_header(header) in self.lookup

    def bind(self, headers: list[str], errors: list[RowError]) -> BoundColumns:
        """Where the columns stand in this header; header problems go to `errors` (row 1)."""
        return BoundColumns(self, headers, errors)


class BoundColumns:
    """The columns of one file: position and name as the file writes it."""

    def __init__(self, spec: Columns, headers: list[str], errors: list[RowError]) -> None:
        self.spec = spec
        self.headers = headers
        self.width = len(headers)
        self.index: dict[str, int] = {}
        self.header: dict[str, str] = {}
        english = 0
        for position, name in enumerate(headers):
            if not name:
                continue
            key = spec.lookup.get(fold_header(name))
            if key is None:
                if spec.unknown_is_error:
                    errors.append(
                        RowError(
                            1,
                            name,
                            _("Unknown column. The columns are: %(columns)s.")
                            % {"columns": ", ".join(column.swedish for column in spec.columns)},
                        )
                    )
            elif key in self.index:
                errors.append(RowError(1, name, _("This column appears twice.")))
            else:
                self.index[key] = position
                self.header[key] = name
                english += fold_header(name) != fold_header(spec.by_key[key].swedish)
        self.english = english > len(self.index) / 2
        for column in spec.columns:
            if column.required and column.key not in self.index:
                errors.append(
                    RowError(1, self.name(column.key), _("This required column is missing."))
                )

    def __contains__(self, key: str) -> bool:
        return key in self.index

    def name(self, key: str) -> str:
        """The column's name as the file writes it, else in the file's language."""
        if key in self.header:
            return self.header[key]
        column = self.spec.by_key[key]
        return column.english if self.english else column.swedish

    def cell(self, cells: list[str], key: str) -> str:
        """The stripped text of the row's cell in the column ("" when absent)."""
        position = self.index.get(key)
        if position is None or position >= len(cells):
            return ""
        value = cells[position].strip()
        return unescape(value) if value[:1] == "'" else value
