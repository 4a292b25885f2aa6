"""Counts of people in casework for those who see no cases (regional strategists, project
management, readers of insights): the one place where cases are counted per period, area and
group for publication, and suppressed.

Every count is a cell (period, area, group, measure): the period all time ("") or a calendar
year ("2026"); the area Östra Mellansverige ("oms"), a county ("c19") or a municipality
("m1980", the person's home when the case opened); the group everyone, by gender or by birth
country; the measure started, completed (a decision), each decision, went on to complementary
education (among the decided), or a document issued. The cells add up along every dimension,
and `valnav.lib.disclosure.Suppressor` hides counts over all of them at once, so that no count
of one to four can be worked out from any number of pages, exports, periods or API answers
(docs/privacy.md, "Small counts across tables and periods"). Insights' equity figures, the
trend, the dashboards and the statistics page all read these cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.functions import ExtractYear

from valnav.casework.facts import case_fact_rows
from valnav.casework.states import Decision
from valnav.core.figures_cache import cached_figures
from valnav.lib.disclosure import (
    ALL_TIME,
    HIDDEN,
    SMALL,
    SUPPRESS_BELOW,
    Period,
    Published,
    Relation,
    Suppressor,
    is_small,
)
from valnav.places.models import County, Municipality

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

OMS = "oms"
GROUPS: tuple[str, ...] = (
    "all",
    "woman",
    "man",
    "other",
    "born_abroad",
    "born_sweden",
    "born_unknown",
)
GENDER_GROUPS = ("woman", "man", "other")
BORN_GROUPS = ("born_abroad", "born_sweden", "born_unknown")
DECISION_MEASURES = ("full", "partial", "not_met")
SHARE_MEASURES = (*DECISION_MEASURES, "complementary")
# Counts published (directly or through a share), and one that is not but can be derived.
PUBLISHED_MEASURES = ("started", "completed", *SHARE_MEASURES, "documented")
MEASURES = (*PUBLISHED_MEASURES, "not_complementary")

type Cell = tuple[str, str, str, str]  # (period, area, group, measure)
# Decision.values builds a new list on every access: looked up once.
DECISIONS = frozenset(Decision.values)


class YearOf(ExtractYear):
    """The year of a date. On SQLite in SQL (strftime) rather than through Django's
    django_date_extract, a Python function called once a row: over a million fact rows that
    call was most of the time the grouped count took."""

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime(%s, {sql}) AS INTEGER)", ("%Y", *params)


def case_groups(gender: str, born_abroad: bool | None) -> tuple[str, str, str]:
    return (
        "all",
        gender if gender in {"woman", "man"} else "other",
        {True: "born_abroad", False: "born_sweden", None: "born_unknown"}[born_abroad],
    )


def _measures(decision: str, complementary: bool, documented: bool) -> list[str]:
    measures = ["started"]
    if decision in DECISIONS:
        measures += ["completed", decision]
        measures.append("complementary" if complementary else "not_complementary")
    if documented:
        measures.append("documented")
    return measures


def _relations(counties: dict[str, list[str]], periods: list[str]) -> list[Relation[Cell]]:
    """Every sum a reader could use: areas into their parent, groups into everyone, decisions
    into the decided, years into all time."""
    relations: list[Relation[Cell]] = []
    areas = [OMS, *(f"c{code}" for code in counties)]
    areas += [f"m{code}" for codes in counties.values() for code in codes]
    years = [period for period in periods if period != ALL_TIME]
    for period in periods:
        for group in GROUPS:
            for measure in MEASURES:
                relations.append(
                    Relation(
                        (period, OMS, group, measure),
                        tuple((period, f"c{c}", group, measure) for c in counties),
                    )
                )
                for county, codes in counties.items():
                    relations.append(
                        Relation(
                            (period, f"c{county}", group, measure),
                            tuple((period, f"m{code}", group, measure) for code in codes),
                        )
                    )
        for area in areas:
            for measure in MEASURES:
                for split in (GENDER_GROUPS, BORN_GROUPS):
                    relations.append(
                        Relation(
                            (period, area, "all", measure),
                            tuple((period, area, g, measure) for g in split),
                        )
                    )
            for group in GROUPS:
                completed = (period, area, group, "completed")
                relations.append(
                    Relation(
                        completed,
                        tuple((period, area, group, m) for m in DECISION_MEASURES),
                    )
                )
                relations.append(
                    Relation(
                        completed,
                        (
                            (period, area, group, "complementary"),
                            (period, area, group, "not_complementary"),
                        ),
                    )
                )
    if years:
        for area in areas:
            for group in GROUPS:
                for measure in MEASURES:
                    relations.append(
                        Relation(
                            (ALL_TIME, area, group, measure),
                            tuple((year, area, group, measure) for year in years),
                        )
                    )
    return relations


def _shown(counts: Mapping[Cell, int], hidden: AbstractSet[Cell], cell: Cell) -> bool:
    """Whether a reader sees `cell` exactly. A decision's or complementary education's count
    shows only beside at least five completed cases (as a share of them)."""
    period, area, group, measure = cell
    if measure == "not_complementary" or cell in hidden or is_small(counts.get(cell, 0)):
        return False
    if measure in SHARE_MEASURES:
        completed = (period, area, group, "completed")
        return _shown(counts, hidden, completed) and counts.get(completed, 0) >= SUPPRESS_BELOW
    return True


@dataclass(frozen=True)
class CaseCounts:
    """The counts of every cell and which are held back ("..") after suppression; `years`
    the calendar years with cases, each a published period beside all time."""

    counts: dict[Cell, int]
    hidden: frozenset[Cell]
    years: tuple[int, ...]
    relations_tried: int

    def value(self, cell: Cell) -> int:
        return self.counts.get(cell, 0)

    def shown(self, cell: Cell) -> bool:
        return _shown(self.counts, self.hidden, cell)

    def published(self, cell: Cell) -> Published:
        """0, "<5", ".." (held back, any count) or the count of five or more."""
        value = self.value(cell)
        if is_small(value) and cell not in self.hidden:
            return SMALL
        return value if self.shown(cell) else HIDDEN

    def period_keys(self) -> list[str]:
        return [ALL_TIME, *(str(year) for year in self.years)]


def suppress_cells(counts: Mapping[Cell, int], relations: list[Relation[Cell]]) -> Suppressor[Cell]:
    """The suppression of the cells `counts` under `relations`, run."""
    suppressor: Suppressor[Cell] = Suppressor(
        counts,
        relations,
        visible=lambda cell: _shown(counts, suppressor.hidden, cell),
        hideable=lambda cell: cell[3] in PUBLISHED_MEASURES,
        unpublished=lambda cell: cell[3] not in PUBLISHED_MEASURES,
    )
    return suppressor.run()


def _case_counts() -> CaseCounts:
    """Two grouped queries over the cases' fact rows, whatever the number of cases, read from
    the index casefact_counts in its order; the suppression works on the aggregated cells
    (some ten thousand), not on cases."""
    municipalities = list(Municipality.objects.with_county().order_by("county__code", "name"))
    codes_by_county: dict[str, list[str]] = {
        code: [] for code in County.objects.order_by("code").values_list("code", flat=True)
    }
    for municipality in municipalities:
        codes_by_county[municipality.county.code].append(municipality.code)
    places = {m.pk: (f"c{m.county.code}", f"m{m.code}") for m in municipalities}
    counts: dict[Cell, int] = defaultdict(int)
    grouped = (
        case_fact_rows()
        .filter(municipality__isnull=False)
        .values_list(
            "first_contact_year",
            "municipality_id",
            "gender",
            "born_abroad",
            "decision",
            "complementary",
            "document_type",
        )
        .annotate(n=Count("*"))
        .order_by()
    )
    years: set[int] = set()
    for year, municipality_id, gender, born_abroad, decision, complementary, document, n in grouped:
        years.add(year)
        county_key, municipality_key = places[municipality_id]
        measures = _measures(decision, complementary, bool(document))
        for period in (ALL_TIME, str(year)):
            for area in (OMS, county_key, municipality_key):
                for group in case_groups(gender, born_abroad):
                    for measure in measures:
                        counts[(period, area, group, measure)] += n
    periods = [ALL_TIME, *(str(year) for year in sorted(years))]
    relations = _relations(codes_by_county, periods)
    suppressor = suppress_cells(counts, relations)
    return CaseCounts(
        dict(counts), frozenset(suppressor.hidden), tuple(sorted(years)), len(relations)
    )


def case_counts() -> CaseCounts:
    """The suppressed counts (above), from the cache while the data under them is unchanged."""
    return cached_figures("case_counts", (), _case_counts)


@dataclass(frozen=True)
class MunicipalityCounts:
    municipality: Municipality
    started: Published
    full: Published
    partial: Published
    not_met: Published
    documented: Published


def case_counts_by_municipality(
    *, county_code: str = "", period: Period | None = None
) -> list[MunicipalityCounts]:
    """Cases started, decisions and documents issued per municipality (of the person's home
    when the case opened), every municipality listed so that an absence shows as 0; as
    published everywhere else (`case_counts`)."""
    municipalities = Municipality.objects.select_related("county").order_by("county__code", "name")
    if county_code:
        municipalities = municipalities.filter(county__code=county_code)
    counts = case_counts()
    key = (period or Period()).key
    rows = []
    for municipality in municipalities:

        def count(measure: str, area: str = f"m{municipality.code}") -> Published:
            return counts.published((key, area, "all", measure))

        rows.append(
            MunicipalityCounts(
                municipality=municipality,
                started=count("started"),
                full=count("full"),
                partial=count("partial"),
                not_met=count("not_met"),
                documented=count("documented"),
            )
        )
    return rows
