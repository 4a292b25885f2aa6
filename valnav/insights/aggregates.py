"""Aggregate statistics: validations reported as yearly totals by municipalities not yet using
casework, imported from a CSV and shown beside the equity figures.

The file is a CSV (comma or semicolon; UTF-8 or Windows-1252) with the columns kommunkod, år,
påbörjade, avslutade, helt, delvis and ej (or municipality_code, year, started, completed, full,
partial, not_met). A file is imported whole or not at all: every problem is reported by the row
and column a person sees in the spreadsheet (the header is row 1). The decisions may not add up
to more than the completed, nor the completed to more than the started.

Published, a count of one to four is shown as "<5". The table has no totals and the cases
completed without a recorded decision are never shown; where the decisions add up to the
completed and one of them is "<5", one more figure is held back as ".." so that it cannot be
subtracted out.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.casework.facts import suppress
from valnav.casework.models import CaseFactRow
from valnav.insights.equity import HIDDEN
from valnav.insights.models import AggregateStatistic
from valnav.places.models import Municipality
from valnav.places.population_io import RowError, _decode, _fold

REPORTED_SOURCE = "Inrapporterad statistik"
COUNTS = ("started", "completed", "full", "partial", "not_met")
COLUMN_NAMES = {
    "code": "kommunkod",
    "year": "år",
    "started": "påbörjade",
    "completed": "avslutade",
    "full": "helt",
    "partial": "delvis",
    "not_met": "ej",
}
HEADERS = {
    "kommunkod": "code",
    "kommun": "code",
    "municipality_code": "code",
    "municipality": "code",
    "ar": "year",
    "year": "year",
    "paborjade": "started",
    "started": "started",
    "avslutade": "completed",
    "completed": "completed",
    "helt": "full",
    "helt_uppfyllda": "full",
    "full": "full",
    "delvis": "partial",
    "delvis_uppfyllda": "partial",
    "partial": "partial",
    "ej": "not_met",
    "ej_uppfyllda": "not_met",
    "not_met": "not_met",
}


@dataclass
class AggregateReport:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False


def aggregate_import(
    *, source: bytes, dry_run: bool = False, source_name: str = REPORTED_SOURCE
) -> AggregateReport:
    """Check the file and, without errors and unless `dry_run`, create or update the yearly
    totals it holds; idempotent."""
    report = AggregateReport(dry_run=dry_run)
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
    rows: dict[tuple[str, int], tuple[int, dict[str, int]]] = {}
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            index = positions[key]
            return cells[index].strip() if index < len(cells) else ""

        def error(key: str, message: str, row_number: int = row_number) -> None:
            report.errors.append(RowError(row_number, COLUMN_NAMES[key], message))

        errors_before = len(report.errors)
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
        counts: dict[str, int] = {}
        for key in COUNTS:
            value = re.sub(r"[\s\u00a0]", "", cell(key))
            if value.isdigit():
                counts[key] = int(value)
            else:
                error(key, _("A number of validations is a whole number, 0 or more."))
        if len(counts) == len(COUNTS):
            if counts["completed"] > counts["started"]:
                error("completed", _("More completed than started."))
            decided = counts["full"] + counts["partial"] + counts["not_met"]
            if decided > counts["completed"]:
                error(
                    "full",
                    _("Fully, partly and not met add up to %(sum)s, more than the completed.")
                    % {"sum": decided},
                )
        if len(report.errors) > errors_before:
            continue
        if (code, year) in rows:
            error(
                "code",
                _("Row %(row)s already gives %(code)s for %(year)s.")
                % {"row": rows[(code, year)][0], "code": code, "year": year},
            )
            continue
        rows[(code, year)] = (row_number, counts)
    if not rows and not report.errors:
        report.errors.append(RowError(0, "", _("The file holds no figures.")))
    if report.errors:
        return report
    existing = {
        (s.municipality.code, s.year): s
        for s in AggregateStatistic.objects.select_related("municipality")
    }
    now = timezone.now()
    with transaction.atomic():
        for (code, year), (_row, counts) in rows.items():
            found = existing.get((code, year))
            if found is None:
                report.created += 1
                if not dry_run:
                    AggregateStatistic.objects.create(
                        municipality=municipalities[code],
                        year=year,
                        source=source_name,
                        imported_at=now,
                        **counts,
                    )
            elif all(getattr(found, key) == counts[key] for key in COUNTS) and (
                found.source == source_name
            ):
                report.unchanged += 1
            else:
                report.updated += 1
                if not dry_run:
                    for key, number in counts.items():
                        setattr(found, key, number)
                    found.source = source_name
                    found.imported_at = now
                    found.save()
    return report


# --- Published --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedRow:
    """One municipality's reported year, published: each count 0, "<5" or five or more.
    `has_casework`: the municipality has cases in Valnav that year as well."""

    municipality_code: str
    municipality_name: str
    county_code: str
    year: int
    started: int | str
    completed: int | str
    full: int | str
    partial: int | str
    not_met: int | str
    has_casework: bool


def reported_statistics(*, county_code: str | None = None) -> list[ReportedRow]:
    """The imported yearly totals, suppressed; two queries (one when there are none)."""
    chosen = AggregateStatistic.objects.select_related("municipality__county").order_by(
        "municipality__county__code", "municipality__name", "year"
    )
    if county_code:
        chosen = chosen.filter(municipality__county__code=county_code)
    statistics = list(chosen)
    if not statistics:
        return []
    # The years the same municipalities have cases in (only theirs: a scan of all cases
    # would cost seconds at a million).
    code_of = {s.municipality_id: s.municipality.code for s in statistics}
    with_cases = {
        (code_of[municipality_id], year)
        for municipality_id, year in CaseFactRow.objects.filter(municipality_id__in=code_of)
        .annotate(year=ExtractYear("first_contact"))
        .values_list("municipality_id", "year")
        .distinct()
    }
    return [
        ReportedRow(
            municipality_code=s.municipality.code,
            municipality_name=s.municipality.name,
            county_code=s.municipality.county.code,
            year=s.year,
            has_casework=(s.municipality.code, s.year) in with_cases,
            **_published(s),
        )
        for s in statistics
    ]


def _published(statistic: AggregateStatistic) -> dict[str, int | str]:
    values = {key: getattr(statistic, key) for key in COUNTS}
    shown: dict[str, int | str] = {key: suppress(value) for key, value in values.items()}
    decisions = ("full", "partial", "not_met")
    small = [key for key in ("completed", *decisions) if shown[key] != values[key]]
    if small and sum(values[key] for key in decisions) == values["completed"]:
        # completed = full + partial + not_met: hide the smallest other count of five or more.
        others = [key for key in (*decisions, "completed") if key not in small and values[key]]
        if others:
            shown[min(others, key=lambda key: values[key])] = HIDDEN
    return shown
