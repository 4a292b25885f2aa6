"""Reading CSV files as text rows, keeping codes as strings (leading zeros matter)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path


def read_csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) pairs; the header is line 1, so data starts at line 2."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield (
                reader.line_num,
                {key.strip(): (value or "").strip() for key, value in row.items()},
            )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula start."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
