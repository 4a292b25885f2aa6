"""Aggregate statistics: validations reported as yearly totals by municipalities not yet using
casework, imported from a CSV and shown beside the equity figures.

The file is a CSV (any delimiter; UTF-8 or Windows-1252) or XLSX with the columns kommunkod, år,
påbörjade, avslutade, helt, delvis and ej (or municipality_code, year, started, completed, full,
partial, not_met), read by the import framework (valnav.core.tabular): a file is imported whole
or not at all, every problem reported by the row and column a person sees in the spreadsheet.
The decisions may not add up to more than the completed, nor the completed to more than the
started.

Published, a count of one to four is shown as "<5". The table has no totals and the cases
completed without a recorded decision are never shown; where the decisions add up to the
completed and one of them is "<5", one more figure is held back as ".." so that it cannot be
subtracted out.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.casework.facts import suppress
from valnav.casework.models import CaseFactRow
from valnav.casework.statistics import YearOf
from valnav.core import tabular
from valnav.insights.equity import HIDDEN
from valnav.insights.models import AggregateStatistic
from valnav.places.models import Municipality
from valnav.places.population_io import duplicate_municipality_year, read_municipality_year

REPORTED_SOURCE = "Inrapporterad statistik"
COUNTS = ("started", "completed", "full", "partial", "not_met")
COLUMNS = tabular.Columns(
    [
        tabular.Column("code", "kommunkod", "municipality_code", True, ("kommun", "municipality")),
        tabular.Column("year", "år", "year", True),
        tabular.Column("started", "påbörjade", "started", True),
        tabular.Column("completed", "avslutade", "completed", True),
        tabular.Column("full", "helt", "full", True, ("helt uppfyllda",)),
        tabular.Column("partial", "delvis", "partial", True, ("delvis uppfyllda",)),
        tabular.Column("not_met", "ej", "not_met", True, ("ej uppfyllda",)),
    ],
    unknown_is_error=False,
)


@dataclass(frozen=True)
class _Reported:
    code: str
    year: int
    counts: dict[str, int]


class AggregateImporter(tabular.Importer[_Reported]):
    """A year's reported totals per municipality; see the module's docstring."""

    columns = COLUMNS

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.municipalities = {m.code: m for m in Municipality.objects.all()}

    def read_row(self, row: tabular.Row) -> _Reported | None:
        code, year = read_municipality_year(row, self.municipalities)
        counts: dict[str, int] = {}
        for key in COUNTS:
            value = re.sub(r"[\s\u00a0]", "", row.cell(key))
            if value.isdigit():
                counts[key] = int(value)
            else:
                row.error(key, _("A number of validations is a whole number, 0 or more."))
        if len(counts) == len(COUNTS):
            if counts["completed"] > counts["started"]:
                row.error("completed", _("More completed than started."))
            decided = counts["full"] + counts["partial"] + counts["not_met"]
            if decided > counts["completed"]:
                row.error(
                    "full",
                    _("Fully, partly and not met add up to %(sum)s, more than the completed.")
                    % {"sum": decided},
                )
        return None if row.failed else _Reported(code, year, counts)

    def key(self, record: _Reported) -> Hashable:
        return (record.code, record.year)

    def duplicate(self, row: tabular.Row, first: int) -> None:
        duplicate_municipality_year(row, first)

    def finish(
        self, records: list[tuple[int, _Reported]], report: tabular.ImportReport
    ) -> list[tuple[int, _Reported]]:
        if not records and not report.errors:
            report.errors.append(tabular.RowError(0, "", _("The file holds no figures.")))
        return records

    def apply(self, records: list[tuple[int, _Reported]], report: tabular.ImportReport) -> None:
        existing = {
            (s.municipality.code, s.year): s
            for s in AggregateStatistic.objects.select_related("municipality")
        }
        now = timezone.now()
        for _number, reported in records:
            counts = reported.counts
            found = existing.get((reported.code, reported.year))
            if found is None:
                report.created += 1
                AggregateStatistic.objects.create(
                    municipality=self.municipalities[reported.code],
                    year=reported.year,
                    source=self.source_name,
                    imported_at=now,
                    **counts,
                )
            elif all(getattr(found, key) == counts[key] for key in COUNTS) and (
                found.source == self.source_name
            ):
                report.unchanged += 1
            else:
                report.updated += 1
                for key, number in counts.items():
                    setattr(found, key, number)
                found.source = self.source_name
                found.imported_at = now
                found.save()


def aggregate_import(
    *, source: bytes, dry_run: bool = False, source_name: str = REPORTED_SOURCE
) -> tabular.ImportReport:
    """Check the file and, without errors and unless `dry_run`, create or update the yearly
    totals it holds; idempotent."""
    return AggregateImporter(source_name).run(source=source, filename="aggregates", dry_run=dry_run)


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
        .annotate(year=YearOf("first_contact"))
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
