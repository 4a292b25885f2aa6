"""Importing SCB's population figures (inhabitants aged 20–64 per municipality and year), on
the import framework (valnav.core.tabular).

Two shapes are read. SCB's PxWebApi 2 answer in JSON-stat 2.0 for the table Folkmängd efter
region, ålder, kön och år (TAB638, BE0101): the ages 20–64 are summed (single years or bands
such as "20-24"), over both sexes when the table splits them; regions that are not one of
Valnav's municipalities (the country, counties, municipalities elsewhere) are passed over; the
table's id, name and year are stored with every figure, so that a page showing a rate can name
them. Or a CSV (any delimiter; UTF-8 or the Windows-1252 Swedish Excel writes): kommunkod, år
and antal 20–64 år (or municipality_code, year, population_20_64), or SCB's CSV with one row per
age (region, ålder, år, Folkmängd), whose ages are summed the same way. A kommunkod may carry
the name as SCB writes it ("1980 Västerås"); a count may have spaces as thousands separators. A
file is imported whole or not at all; every problem is reported by row and column.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from valnav.core import tabular
from valnav.core.tabular.jsonstat import Dataset, Dimension, read_jsonstat
from valnav.core.tabular.reader import looks_like_json
from valnav.places.models import Municipality, MunicipalityPopulation

SCB_SOURCE = "SCB, Folkmängd efter region, ålder och år"
SCB_URL = "https://www.statistikdatabasen.scb.se/pxweb/sv/ssd/START__BE__BE0101__BE0101A/"
AGES = range(20, 65)

COLUMNS = tabular.Columns(
    [
        tabular.Column(
            "code",
            "kommunkod",
            "municipality_code",
            True,
            ("kommun", "region", "municipality"),
        ),
        tabular.Column("year", "år", "year", True, ("tid",)),
        tabular.Column(
            "count",
            "antal 20–64 år",
            "population_20_64",
            True,
            ("antal_20_64", "antal", "folkmängd_20_64_år", "population", "count", "folkmängd"),
        ),
        tabular.Column("age", "ålder", "age", False, ("alder",)),
    ],
    unknown_is_error=False,  # SCB's files carry columns such as kön and tabellinnehåll
)


@dataclass(frozen=True)
class Figure:
    code: str
    year: int
    count: int
    ages: tuple[int, int] | None = None  # the row's ages (first, last), in a file by age


def parse_ages(text: str) -> tuple[int, int] | None:
    """ "20", "20 år", "20-24" or "20–24 år" as (first, last); None for "totalt", "100+"."""
    found = re.fullmatch(r"(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?(?:\s*år)?", text.strip())
    if found is None:
        return None
    first = int(found.group(1))
    return first, int(found.group(2) or first)


def read_municipality_year(
    row: tabular.Row, municipalities: Mapping[str, Municipality]
) -> tuple[str, int]:
    """The row's `code` (a municipality's, "1980" or SCB's "1980 Västerås") and `year`
    columns, each error noted on the row; figures by municipality and year share them."""
    code_match = re.match(r"^(\d{4})\b", row.cell("code"))
    code = code_match.group(1) if code_match else ""
    if not code:
        row.error("code", _("A municipality code is four digits, e.g. 1980."))
    elif code not in municipalities:
        row.error("code", _("No municipality has the code %(code)s.") % {"code": code})
    year_text = row.cell("year")
    year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else 0
    if not 1900 <= year <= 2200:
        row.error("year", _("A year is four digits, e.g. 2024."))
    return code, year


def duplicate_municipality_year(row: tabular.Row, first: int) -> None:
    row.error(
        "code",
        _("Row %(row)s already gives %(code)s for %(year)s.")
        % {"row": first, "code": row.cell("code")[:4], "year": row.cell("year")},
    )


class PopulationImporter(tabular.Importer[Figure]):
    columns = COLUMNS

    def __init__(self) -> None:
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        self.source = SCB_SOURCE
        self.source_url = SCB_URL

    # --- CSV ---------------------------------------------------------------------------------

    def read_row(self, row: tabular.Row) -> Figure | None:
        code, year = read_municipality_year(row, self.municipalities)
        count_text = re.sub(r"[\s\u00a0]", "", row.cell("count"))
        if not count_text.isdigit():
            row.error("count", _("The number of inhabitants is a whole number."))
        ages: tuple[int, int] | None = None
        if row.has("age"):
            ages = parse_ages(row.cell("age"))
            if ages is None or not (AGES.start <= ages[0] and ages[1] < AGES.stop):
                return None  # an age outside 20–64, or the total: not summed
        if row.failed:
            return None
        return Figure(code, year, int(count_text), ages)

    def key(self, record: Figure) -> Hashable | None:
        return (record.code, record.year) if record.ages is None else None

    def duplicate(self, row: tabular.Row, first: int) -> None:
        duplicate_municipality_year(row, first)

    def read_source(
        self, source: bytes, report: tabular.ImportReport
    ) -> list[tuple[int, Figure]] | None:
        if not looks_like_json(source):
            return None
        return self.read_dataset(read_jsonstat(tabular.read_json(source)), report)

    def finish(
        self, records: list[tuple[int, Figure]], report: tabular.ImportReport
    ) -> list[tuple[int, Figure]]:
        by_age = [(number, figure) for number, figure in records if figure.ages is not None]
        if by_age:
            records = self.sum_ages(by_age, report, column=self.column_name("age"))
        if not records and not report.errors:
            report.errors.append(tabular.RowError(0, "", _("The file holds no figures.")))
        return records

    # --- JSON-stat 2.0 -----------------------------------------------------------------------

    def read_dataset(
        self, dataset: Dataset, report: tabular.ImportReport
    ) -> list[tuple[int, Figure]]:
        region = dataset.dimension("Region", "region")
        age = dataset.dimension("Alder", "ålder", "age")
        time = dataset.dimension("Tid", "år", "year", "time")
        missing = [
            name
            for name, found in (("Region", region), ("Alder", age), ("Tid", time))
            if found is None
        ]
        if missing or region is None or age is None or time is None:
            report.errors.append(
                tabular.RowError(
                    0,
                    "",
                    _("The table has no dimension %(names)s; is it SCB's population table?")
                    % {"names": ", ".join(missing)},
                )
            )
            return []
        content = self._content(dataset, report)
        if report.errors:
            return []
        table = dataset.table or "BE0101"
        self.source = f"SCB {table}: {dataset.label or SCB_SOURCE}"[:200]
        self.source_url = dataset.href[:500] if dataset.href.startswith("http") else SCB_URL
        # Cells of Valnav's municipalities at ages within 20–64, as rows to sum.
        cells: list[tuple[int, Figure]] = []
        for position, (coordinates, value) in enumerate(dataset.cells(), start=1):
            if content is not None and coordinates[content.id] != content.codes[0]:
                continue
            code = coordinates[region.id]
            ages = parse_ages(coordinates[age.id])
            if code not in self.municipalities or ages is None:
                continue
            if not (AGES.start <= ages[0] and ages[1] < AGES.stop):
                continue
            year = coordinates[time.id]
            if value is None or value < 0 or not year.isdigit():
                report.errors.append(
                    tabular.RowError(
                        0,
                        "",
                        _("The table has no figure for %(code)s, age %(age)s, %(year)s.")
                        % {"code": code, "age": coordinates[age.id], "year": year},
                    )
                )
                continue
            cells.append((position, Figure(code, int(year), int(value), ages)))
        report.rows = len(cells)
        figures = self.sum_ages(cells, report, column=age.label)
        if not figures and not report.errors:
            report.errors.append(
                tabular.RowError(
                    0, "", _("The table holds no figure for a municipality in Valnav.")
                )
            )
        return figures

    def _content(self, dataset: Dataset, report: tabular.ImportReport) -> Dimension | None:
        """The table's content dimension narrowed to the population count, if it has one."""
        content = dataset.dimension("ContentsCode", "tabellinnehåll", "contents")
        if content is None or len(content.codes) == 1:
            return content
        for code in content.codes:
            label = content.labels.get(code, "").casefold()
            if code == "BE0101N1" or label.startswith(("folkmängd", "population")):
                return Dimension(content.id, content.label, [code], content.labels)
        report.errors.append(
            tabular.RowError(
                0, content.label, _("The table holds no population count (Folkmängd).")
            )
        )
        return None

    def sum_ages(
        self, cells: list[tuple[int, Figure]], report: tabular.ImportReport, *, column: str
    ) -> list[tuple[int, Figure]]:
        """One figure per municipality and year: the sum over ages 20–64 (and sexes), which
        must cover every age once per sex."""
        sums: dict[tuple[str, int], tuple[int, int, list[int]]] = {}
        for number, figure in cells:
            if figure.ages is None:
                continue
            first, total, ages = sums.get((figure.code, figure.year), (number, 0, []))
            ages.extend(range(figure.ages[0], figure.ages[1] + 1))
            sums[(figure.code, figure.year)] = (first, total + figure.count, ages)
        figures: list[tuple[int, Figure]] = []
        for (code, year), (first, total, ages) in sums.items():
            counts = {age: ages.count(age) for age in AGES}
            if len(set(counts.values())) != 1 or 0 in counts.values():
                report.errors.append(
                    tabular.RowError(
                        first,
                        column,
                        _("The ages 20–64 of %(code)s in %(year)s are not all given once.")
                        % {"code": code, "year": year},
                    )
                )
                continue
            figures.append((first, Figure(code, year, total)))
        return figures

    # --- Writing -----------------------------------------------------------------------------

    def apply(self, records: list[tuple[int, Figure]], report: tabular.ImportReport) -> None:
        existing = {
            (p.municipality.code, p.year): p
            for p in MunicipalityPopulation.objects.filter(
                age_band=MunicipalityPopulation.AGE_20_64
            ).select_related("municipality")
        }
        source, url = self.source, self.source_url
        for _number, figure in records:
            found = existing.get((figure.code, figure.year))
            if found is None:
                report.created += 1
                MunicipalityPopulation.objects.create(
                    municipality=self.municipalities[figure.code],
                    year=figure.year,
                    age_band=MunicipalityPopulation.AGE_20_64,
                    count=figure.count,
                    source=source,
                    source_url=url,
                )
            elif (found.count, found.source, found.source_url) == (figure.count, source, url):
                report.unchanged += 1
            else:
                report.updated += 1
                found.count = figure.count
                found.source = source
                found.source_url = url
                found.save(update_fields=["count", "source", "source_url", "updated_at"])


def population_import(
    *, source: bytes, dry_run: bool = False, filename: str = "population"
) -> tabular.ImportReport:
    """Check the file and, without errors and unless `dry_run`, create or update the figures
    it holds; idempotent."""
    return PopulationImporter().run(source=source, filename=filename, dry_run=dry_run)
