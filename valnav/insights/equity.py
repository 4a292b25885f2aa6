"""Likvärdighet: whether validation reaches people equally across municipalities.

Per municipality, its county and the whole of Östra Mellansverige (ÖMS, the five counties):
validations started, completed (a decision: fully, partly or not met), started per 10 000
inhabitants aged 20–64, the median days from first contact to decision, and the shares of the
decided cases by decision and going on to complementary education, each with a Wilson 95 %
interval; split by gender and by born abroad. Everything comes from two grouped queries over the
cases' fact rows (`casework.CaseFactRow`), whatever the number of cases.

Published figures protect the people behind them. A count of one to four is shown as "<5"
(primary suppression). Counts add up (municipalities to their county, counties to ÖMS, women,
men and others to everyone, decisions to the decided), so a reader could subtract a small count
back out of the others; where that would be possible, one more figure is hidden as ".."
(secondary suppression) until no count of one to four can be worked out, nor the decided who
did not go on to complementary education. A share, a rate and a median are shown only when the
counts they rest on are shown, a share only with at least five decided cases. Suppression is
computed over all counties at once whatever is asked for, so two pages never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _

from valnav.casework.facts import SUPPRESS_BELOW, case_fact_rows, suppress
from valnav.casework.states import Decision
from valnav.core.figures_cache import cached_figures
from valnav.lib.stats import weighted_median, wilson_interval
from valnav.places.models import County, Municipality, MunicipalityPopulation

HIDDEN = ".."  # a figure held back so that a small count cannot be subtracted out
OMS = "ÖMS"
PublishedCount = int | str

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
SHARE_MEASURES = ("full", "partial", "not_met", "complementary")
# Counts published (directly or through a share) and one that is not but can be derived.
PUBLISHED_MEASURES = ("started", "completed", *SHARE_MEASURES)
MEASURES = (*PUBLISHED_MEASURES, "not_complementary")

Cell = tuple[str, str, str]  # (area, group, measure)
# Decision.values builds a new list on every access: looked up once, not per case and cell.
DECISIONS = frozenset(Decision.values)


def group_label(group: str) -> str:
    return {
        "all": _("Everyone"),
        "woman": _("Women"),
        "man": _("Men"),
        "other": _("Other or not recorded"),
        "born_abroad": _("Born abroad"),
        "born_sweden": _("Born in Sweden"),
        "born_unknown": _("Birth country not recorded"),
    }[group]


@dataclass(frozen=True)
class Share:
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{round(self.value * 100)} % ({round(self.low * 100)}–{round(self.high * 100)} %)"


@dataclass(frozen=True)
class Figures:
    group: str
    label: str
    started: PublishedCount
    completed: PublishedCount
    per_10000: float | None
    median_days: float | None
    full: Share | None
    partial: Share | None
    not_met: Share | None
    complementary: Share | None


@dataclass(frozen=True)
class AreaEquity:
    """A municipality, a county or ÖMS. `population` is None when SCB's figures are missing."""

    kind: str  # "municipality", "county" or "oms"
    code: str
    name: str
    population: int | None
    population_year: int | None
    figures: tuple[Figures, ...]  # in the order of GROUPS, "all" first

    @property
    def total(self) -> Figures:
        return self.figures[0]

    @property
    def splits(self) -> tuple[Figures, ...]:
        return self.figures[1:]


@dataclass(frozen=True)
class CountyEquity:
    code: str
    name: str
    municipalities: tuple[AreaEquity, ...]
    county: AreaEquity


@dataclass(frozen=True)
class Equity:
    counties: tuple[CountyEquity, ...]
    oms: AreaEquity
    published: bool
    population_missing: bool


def _groups(gender: str, born_abroad: bool | None) -> tuple[str, str, str]:
    return (
        "all",
        gender if gender in {"woman", "man"} else "other",
        {True: "born_abroad", False: "born_sweden", None: "born_unknown"}[born_abroad],
    )


def _measures(decision: str, complementary: bool) -> list[str]:
    measures = ["started"]
    if decision in DECISIONS:
        measures += ["completed", decision]
        measures.append("complementary" if complementary else "not_complementary")
    return measures


# --- Suppression ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Relation:
    total: Cell
    parts: tuple[Cell, ...]


def _relations(
    counties: dict[str, list[str]],
) -> list[_Relation]:
    """Every sum a reader could use: areas into their parent, groups into everyone, decisions
    into the decided."""
    relations: list[_Relation] = []
    areas = ["oms", *(f"c{code}" for code in counties)]
    areas += [f"m{code}" for codes in counties.values() for code in codes]
    for group in GROUPS:
        for measure in MEASURES:
            relations.append(
                _Relation(
                    ("oms", group, measure), tuple((f"c{c}", group, measure) for c in counties)
                )
            )
            for county, codes in counties.items():
                relations.append(
                    _Relation(
                        (f"c{county}", group, measure),
                        tuple((f"m{code}", group, measure) for code in codes),
                    )
                )
    for area in areas:
        for measure in MEASURES:
            for split in (GENDER_GROUPS, BORN_GROUPS):
                relations.append(
                    _Relation((area, "all", measure), tuple((area, g, measure) for g in split))
                )
        for group in GROUPS:
            completed = (area, group, "completed")
            relations.append(
                _Relation(
                    completed, tuple((area, group, m) for m in ("full", "partial", "not_met"))
                )
            )
            relations.append(
                _Relation(
                    completed,
                    ((area, group, "complementary"), (area, group, "not_complementary")),
                )
            )
    return relations


def _small(value: int) -> bool:
    return 0 < value < SUPPRESS_BELOW


class _Suppressor:
    """Decides which counts are shown, "<5" or hidden, so that none of one to four can be
    worked out from what is shown."""

    def __init__(self, counts: dict[Cell, int], relations: list[_Relation]) -> None:
        self.counts = counts
        self.relations = relations
        self.hidden: set[Cell] = set()
        self.cells = sorted(
            {cell for relation in relations for cell in (relation.total, *relation.parts)}
        )

    def value(self, cell: Cell) -> int:
        return self.counts.get(cell, 0)

    def shown(self, cell: Cell) -> bool:
        """Whether a reader sees `cell` exactly (shares show their numerator only beside a
        denominator of at least five)."""
        area, group, measure = cell
        if measure == "not_complementary" or cell in self.hidden or _small(self.value(cell)):
            return False
        if measure in SHARE_MEASURES:
            completed = (area, group, "completed")
            return self.shown(completed) and self.value(completed) >= SUPPRESS_BELOW
        return True

    def run(self) -> None:
        while leaks := self._leaks():
            before = set(self.hidden)
            for relation in leaks:
                # Several leaks may share a fix: one more hidden figure per relation and pass.
                cells = (relation.total, *relation.parts)
                if not any(cell in self.hidden and cell not in before for cell in cells):
                    self._hide_one_more(relation)

    def _leaks(self) -> list[_Relation]:
        """The sums from which a reader could work out a count of one to four."""
        known = {cell for cell in self.cells if self.shown(cell)}
        leaks: list[_Relation] = []
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                unknown = [cell for cell in (relation.total, *relation.parts) if cell not in known]
                if len(unknown) == 1:
                    if _small(self.value(unknown[0])):
                        if relation not in leaks:
                            leaks.append(relation)
                    else:
                        known.add(unknown[0])
                        changed = True
                elif (
                    len(unknown) >= 2
                    and relation.total in known
                    and all(_small(self.value(cell)) for cell in unknown)
                ):
                    # Several counts each known to be one to four: their sum pins them all
                    # when it is the smallest or largest such a sum can be.
                    rest = sum(self.value(cell) for cell in unknown)
                    pinned = rest in {len(unknown), (SUPPRESS_BELOW - 1) * len(unknown)}
                    if pinned and relation not in leaks:
                        leaks.append(relation)
        return leaks

    def _hide_one_more(self, relation: _Relation) -> None:
        cells = (relation.total, *relation.parts)
        candidates = [
            cell for cell in relation.parts if self.shown(cell) and cell[2] in PUBLISHED_MEASURES
        ]
        if not candidates and self.shown(relation.total):
            candidates = [relation.total]
        if not candidates:
            # Everything the reader knows here was worked out through other sums: hide a
            # figure shown in one of those.
            candidates = [
                cell
                for other in self.relations
                if any(cell in cells for cell in (other.total, *other.parts))
                for cell in (other.total, *other.parts)
                if self.shown(cell)
            ]
        if not candidates:
            candidates = [cell for cell in self.cells if self.shown(cell)]
        # The smallest count of five or more costs least; a zero hides least.
        candidates.sort(key=lambda cell: (self.value(cell) < SUPPRESS_BELOW, self.value(cell)))
        self.hidden.add(candidates[0])


# --- The figures -----------------------------------------------------------------------------


def _latest_populations(until: date | None) -> dict[str, tuple[int, int]]:
    """Municipality code → (year, inhabitants 20–64), the latest year up to the period's end."""
    found: dict[str, tuple[int, int]] = {}
    rows = MunicipalityPopulation.objects.filter(
        age_band=MunicipalityPopulation.AGE_20_64
    ).values_list("municipality__code", "year", "count")
    if until is not None:
        rows = rows.filter(year__lte=until.year)
    for code, year, count in rows:
        if code not in found or found[code][0] < year:
            found[code] = (year, count)
    return found


def _share(successes: int, trials: int) -> Share:
    low, high = wilson_interval(successes, trials)
    return Share(successes / trials, low, high)


def _municipality_equity(
    *,
    county_code: str | None = None,
    since: date | None = None,
    until: date | None = None,
    published: bool = True,
    lead_times: bool = True,
) -> Equity:
    """Equity figures per municipality of one county (or all five), with the county and ÖMS
    as comparison rows; `since` and `until` bound the first contact. Four queries whatever
    the number of cases."""
    municipalities = list(Municipality.objects.with_county().order_by("county__code", "name"))
    counties = {county.code: county for county in County.objects.order_by("code")}
    codes_by_county: dict[str, list[str]] = {code: [] for code in counties}
    for municipality in municipalities:
        codes_by_county[municipality.county.code].append(municipality.code)

    county_of = {m.pk: m.county.code for m in municipalities}
    code_of = {m.pk: m.code for m in municipalities}

    def cell_groups(
        municipality_id: int, gender: str, born_abroad: bool | None
    ) -> tuple[tuple[str, ...], tuple[str, str, str]]:
        areas = ("oms", f"c{county_of[municipality_id]}", f"m{code_of[municipality_id]}")
        return areas, _groups(gender, born_abroad)

    # Grouped in the database over the cases' fact rows (an index each, not the table): the
    # counts, and the days to decision as a histogram for the medians.
    facts = case_fact_rows(since=since, until=until).filter(municipality__isnull=False)
    counts: dict[Cell, int] = defaultdict(int)
    grouped = (
        facts.values_list("municipality_id", "gender", "born_abroad", "decision", "complementary")
        .annotate(n=Count("*"))
        .order_by()
    )
    for municipality_id, gender, born_abroad, decision, complementary, n in grouped:
        areas, groups = cell_groups(municipality_id, gender, born_abroad)
        measures = _measures(decision, complementary)
        for area in areas:
            for group in groups:
                for measure in measures:
                    counts[(area, group, measure)] += n
    days: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    histogram = (
        facts.filter(decision__in=DECISIONS, days_to_decision__isnull=False)
        .values_list("municipality_id", "gender", "born_abroad", "days_to_decision")
        .annotate(n=Count("*"))
        .order_by()
    )
    for municipality_id, gender, born_abroad, decided_days, n in histogram if lead_times else ():
        areas, groups = cell_groups(municipality_id, gender, born_abroad)
        for area in areas:
            for group in groups:
                days[(area, group)][decided_days] += n

    suppressor = _Suppressor(counts, _relations(codes_by_county))
    if published:
        suppressor.run()

    populations = _latest_populations(until)

    def area_population(codes: Iterable[str]) -> tuple[int | None, int | None]:
        figures = [populations.get(code) for code in codes]
        if not figures or any(figure is None for figure in figures):
            return None, None
        known = [figure for figure in figures if figure is not None]
        return sum(count for _year, count in known), max(year for year, _count in known)

    def published_count(cell: Cell) -> PublishedCount:
        value = suppressor.value(cell)
        if not published:
            return value
        if cell in suppressor.hidden:
            return HIDDEN
        return suppress(value)

    def figures(area: str, population: int | None) -> tuple[Figures, ...]:
        rows = []
        for group in GROUPS:
            started = (area, group, "started")
            completed = (area, group, "completed")
            decided = suppressor.value(completed)
            rate = None
            if population and (not published or suppressor.shown(started)):
                rate = suppressor.value(started) * 10_000 / population
            enough = decided > 0 and (
                not published or (suppressor.shown(completed) and decided >= SUPPRESS_BELOW)
            )
            shares: dict[str, Share | None] = {}
            for measure in SHARE_MEASURES:
                cell = (area, group, measure)
                visible = enough and (not published or suppressor.shown(cell))
                shares[measure] = _share(suppressor.value(cell), decided) if visible else None
            rows.append(
                Figures(
                    group=group,
                    label=group_label(group),
                    started=published_count(started),
                    completed=published_count(completed),
                    per_10000=rate,
                    median_days=weighted_median(days[(area, group)]) if enough else None,
                    full=shares["full"],
                    partial=shares["partial"],
                    not_met=shares["not_met"],
                    complementary=shares["complementary"],
                )
            )
        return tuple(rows)

    def make_area(kind: str, key: str, code: str, name: str, codes: list[str]) -> AreaEquity:
        population, year = area_population(codes)
        return AreaEquity(kind, code, name, population, year, figures(key, population))

    chosen = [code for code in counties if county_code in (None, "", code)]
    result = []
    for code in chosen:
        rows = tuple(
            make_area("municipality", f"m{m.code}", m.code, m.name, [m.code])
            for m in municipalities
            if m.county.code == code
        )
        result.append(
            CountyEquity(
                code=code,
                name=counties[code].name,
                municipalities=rows,
                county=make_area(
                    "county", f"c{code}", code, counties[code].name, codes_by_county[code]
                ),
            )
        )
    all_codes = [m.code for m in municipalities]
    return Equity(
        counties=tuple(result),
        oms=make_area("oms", "oms", OMS, _("Östra Mellansverige"), all_codes),
        published=published,
        population_missing=any(code not in populations for code in all_codes),
    )


def municipality_equity(
    *,
    county_code: str | None = None,
    since: date | None = None,
    until: date | None = None,
    published: bool = True,
    lead_times: bool = True,
) -> Equity:
    """The equity figures (below), from the cache while the data under them is unchanged.
    Without `lead_times` the medians are left out (None), which saves a query."""
    return cached_figures(
        "municipality_equity",
        (county_code, since, until, published, lead_times),
        lambda: _municipality_equity(
            county_code=county_code,
            since=since,
            until=until,
            published=published,
            lead_times=lead_times,
        ),
    )
