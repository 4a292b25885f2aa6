"""Importing SCB's population figures (inhabitants aged 20–64 per municipality and year).

The file is a CSV (comma or semicolon; UTF-8 or the Windows-1252 Swedish Excel writes) with
the columns kommunkod, år and antal 20–64 år (or municipality_code, year, population_20_64).
A kommunkod may carry the name as SCB writes it ("1980 Västerås"); a count may have spaces as
thousands separators. A file is imported whole or not at all: every problem is reported by the
row and column a person sees in the spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from valnav.places.models import Municipality, MunicipalityPopulation

SCB_SOURCE = "SCB, Folkmängd efter region, ålder och år"
SCB_URL = "https://www.statistikdatabasen.scb.se/pxweb/sv/ssd/START__BE__BE0101__BE0101A/"

COLUMN_NAMES = {
    "code": "kommunkod",
    "year": "år",
    "count": "antal 20–64 år",
}
HEADERS = {
    "kommunkod": "code",
    "kommun": "code",
    "region": "code",
    "municipality_code": "code",
    "municipality": "code",
    "ar": "year",
    "year": "year",
    "antal_20_64_ar": "count",
    "antal_20_64": "count",
    "antal": "count",
    "folkmangd_20_64_ar": "count",
    "population_20_64": "count",
    "population": "count",
    "count": "count",
}


def _fold(header: str) -> str:
    folded = header.strip().casefold().translate(str.maketrans("åäöé -.–—", "aaoe_____"))
    return re.sub(r"_+", "_", folded).strip("_")


@dataclass(frozen=True)
class RowError:
    """One problem: `row` as the spreadsheet numbers it (header = 1; 0 = the file as a whole)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("the file")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class PopulationReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False


def _decode(source: bytes) -> str:
    try:
        return source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return source.decode("cp1252")


def population_import(
    *,
    source: bytes,
    dry_run: bool = False,
    source_name: str = SCB_SOURCE,
    source_url: str = SCB_URL,
) -> PopulationReport:
    """Check the file and, without errors and unless `dry_run`, create or update the figures
    it holds; idempotent."""
    report = PopulationReport(dry_run=dry_run)
    text = _decode(source)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        report.errors.append(RowError(0, "", _("The file is empty.")))
        return report
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = HEADERS.get(_fold(name))
        if key and key not in positions:
            positions[key] = index
    missing = [COLUMN_NAMES[key] for key in COLUMN_NAMES if key not in positions]
    if missing:
        report.errors.append(
            RowError(1, "", _("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return report
    municipalities = {m.code: m for m in Municipality.objects.all()}
    rows: dict[tuple[str, int], tuple[int, int]] = {}  # (code, year) → (row, count)
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            index = positions[key]
            return cells[index].strip() if index < len(cells) else ""

        def error(key: str, message: str, row_number: int = row_number) -> None:
            report.errors.append(RowError(row_number, COLUMN_NAMES[key], message))

        code_match = re.match(r"^(\d{4})\b", cell("code"))
        code = code_match.group(1) if code_match else ""
        if not code:
            error("code", _("A municipality code is four digits, e.g. 1980."))
        elif code not in municipalities:
            error("code", _("No municipality has the code %(code)s.") % {"code": code})
        year_text = cell("year")
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else 0
        if not 1900 <= year <= 2200:
            error("year", _("A year is four digits, e.g. 2024."))
        count_text = re.sub(r"[\s\u00a0]", "", cell("count"))
        if not count_text.isdigit():
            error("count", _("The number of inhabitants is a whole number."))
        if report.errors and report.errors[-1].row == row_number:
            continue
        if (code, year) in rows:
            error(
                "code",
                _("Row %(row)s already gives %(code)s for %(year)s.")
                % {"row": rows[(code, year)][0], "code": code, "year": year},
            )
            continue
        rows[(code, year)] = (row_number, int(count_text))
    if not rows and not report.errors:
        report.errors.append(RowError(0, "", _("The file holds no figures.")))
    if report.errors:
        return report
    existing = {
        (p.municipality.code, p.year): p
        for p in MunicipalityPopulation.objects.filter(
            age_band=MunicipalityPopulation.AGE_20_64
        ).select_related("municipality")
    }
    with transaction.atomic():
        for (code, year), (_row, count) in rows.items():
            found = existing.get((code, year))
            if found is None:
                report.created += 1
                if not dry_run:
                    MunicipalityPopulation.objects.create(
                        municipality=municipalities[code],
                        year=year,
                        age_band=MunicipalityPopulation.AGE_20_64,
                        count=count,
                        source=source_name,
                        source_url=source_url,
                    )
            elif (found.count, found.source, found.source_url) == (count, source_name, source_url):
                report.unchanged += 1
            else:
                report.updated += 1
                if not dry_run:
                    found.count = count
                    found.source = source_name
                    found.source_url = source_url
                    found.save(update_fields=["count", "source", "source_url", "updated_at"])
    return report
