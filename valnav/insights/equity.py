"""Likvärdighet: whether validation reaches people equally across municipalities.

Per municipality, its county and the whole of Östra Mellansverige (ÖMS, the five counties):
validations started, completed (a decision: fully, partly or not met), started per 10 000
inhabitants aged 20–64, the median days from first contact to decision, and the shares of the
decided cases by decision and going on to complementary education, each with a Wilson 95 %
interval; split by gender and by born abroad. Everything comes from two grouped queries over the
cases' fact rows (`casework.CaseFactRow`), whatever the number of cases, for a whole
calendar year or all time (`valnav.lib.disclosure.Period`).

Published figures protect the people behind them. The counts come from
`casework.statistics.case_counts`: a count of one to four is "<5", and ".." is a figure held
back because a small count could otherwise be subtracted out of the others, across areas,
groups, decisions and periods (whole calendar years and all time) at once, so that no two
pages, exports or API answers can be compared to find one. A share, a rate and a median are
shown only when the counts they rest on are shown, a share only with at least five decided
cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext as _

from valnav.casework.facts import case_fact_rows
from valnav.casework.statistics import (
    DECISIONS,
    GROUPS,
    SHARE_MEASURES,
    Cell,
    case_counts,
    case_groups,
)
from valnav.casework.statistics import (
    OMS as OMS_KEY,
)
from valnav.core.figures_cache import cached_figures
from valnav.lib.disclosure import HIDDEN, SMALL, SUPPRESS_BELOW, Period, Published
from valnav.lib.stats import weighted_median, wilson_interval
from valnav.places.models import County, Municipality, MunicipalityPopulation

OMS = "ÖMS"
PublishedCount = Published
__all__ = ["HIDDEN", "SMALL"]  # re-exported for the views and the API


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
class PopulationSource:
    """Where the population under the rates comes from: SCB's table as imported (its id and
    name, e.g. "SCB TAB638: Folkmängd efter region, ålder, kön och år"), its address, and the
    years of the figures used."""

    table: str
    url: str
    years: tuple[int, ...]

    @property
    def year_text(self) -> str:
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}–{last}"


@dataclass(frozen=True)
class Equity:
    counties: tuple[CountyEquity, ...]
    oms: AreaEquity
    published: bool
    population_missing: bool
    period: Period
    # The tables and years the rates rest on (empty: no population figures at all).
    population_sources: tuple[PopulationSource, ...] = ()

    @property
    def population_absent(self) -> bool:
        """No population figure at all: no rate can be shown anywhere."""
        return not self.population_sources


# --- The figures -----------------------------------------------------------------------------


def _latest_population_rows(until: date | None) -> dict[str, tuple[int, int, str, str]]:
    """Municipality code → (year, inhabitants 20–64, source, source address), the latest year
    up to the period's end."""
    found: dict[str, tuple[int, int, str, str]] = {}
    rows = MunicipalityPopulation.objects.filter(
        age_band=MunicipalityPopulation.AGE_20_64
    ).values_list("municipality__code", "year", "count", "source", "source_url")
    if until is not None:
        rows = rows.filter(year__lte=until.year)
    for code, year, count, source, url in rows:
        if code not in found or found[code][0] < year:
            found[code] = (year, count, source, url)
    return found


def _latest_populations(until: date | None) -> dict[str, tuple[int, int]]:
    """Municipality code → (year, inhabitants 20–64), the latest year up to the period's end."""
    return {code: (row[0], row[1]) for code, row in _latest_population_rows(until).items()}


def _population_sources(
    rows: dict[str, tuple[int, int, str, str]],
) -> tuple[PopulationSource, ...]:
    """The SCB tables (and their years) the figures in `rows` come from."""
    years: dict[tuple[str, str], set[int]] = defaultdict(set)
    for year, _count, source, url in rows.values():
        years[(source, url)].add(year)
    return tuple(
        PopulationSource(source, url, tuple(sorted(used)))
        for (source, url), used in sorted(years.items())
    )


def _share(successes: int, trials: int) -> Share:
    low, high = wilson_interval(successes, trials)
    return Share(successes / trials, low, high)


def _municipality_equity(
    *,
    county_code: str | None = None,
    period: Period | None = None,
    published: bool = True,
    lead_times: bool = True,
) -> Equity:
    """Equity figures per municipality of one county (or all five), with the county and ÖMS
    as comparison rows, for cases whose first contact falls in `period` (all time by
    default). The counts come suppressed from `casework.statistics.case_counts`, for every
    period and area at once; one more query for the medians."""
    period = period or Period()
    key = period.key
    counts = case_counts()
    municipalities = list(Municipality.objects.with_county().order_by("county__code", "name"))
    counties = {county.code: county for county in County.objects.order_by("code")}
    codes_by_county: dict[str, list[str]] = {code: [] for code in counties}
    for municipality in municipalities:
        codes_by_county[municipality.county.code].append(municipality.code)
    county_of = {m.pk: m.county.code for m in municipalities}
    code_of = {m.pk: m.code for m in municipalities}

    # The days to decision as a histogram per area and group, for the medians.
    days: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if lead_times:
        histogram = (
            case_fact_rows(since=period.since, until=period.until)
            .filter(
                municipality__isnull=False,
                decision__in=DECISIONS,
                days_to_decision__isnull=False,
            )
            .values_list("municipality_id", "gender", "born_abroad", "days_to_decision")
            .annotate(n=Count("*"))
            .order_by()
        )
        for municipality_id, gender, born_abroad, decided_days, n in histogram:
            areas = (OMS_KEY, f"c{county_of[municipality_id]}", f"m{code_of[municipality_id]}")
            for area in areas:
                for group in case_groups(gender, born_abroad):
                    days[(area, group)][decided_days] += n

    population_rows = _latest_population_rows(period.until)
    populations = {code: (row[0], row[1]) for code, row in population_rows.items()}

    def area_population(codes: Iterable[str]) -> tuple[int | None, int | None]:
        figures = [populations.get(code) for code in codes]
        if not figures or any(figure is None for figure in figures):
            return None, None
        known = [figure for figure in figures if figure is not None]
        return sum(count for _year, count in known), max(year for year, _count in known)

    def shown(cell: Cell) -> bool:
        return not published or counts.shown(cell)

    def published_count(cell: Cell) -> PublishedCount:
        return counts.published(cell) if published else counts.value(cell)

    def figures(area: str, population: int | None) -> tuple[Figures, ...]:
        rows = []
        for group in GROUPS:
            started = (key, area, group, "started")
            completed = (key, area, group, "completed")
            decided = counts.value(completed)
            rate = None
            if population and shown(started):
                rate = counts.value(started) * 10_000 / population
            enough = decided > 0 and (
                not published or (counts.shown(completed) and decided >= SUPPRESS_BELOW)
            )
            shares: dict[str, Share | None] = {}
            for measure in SHARE_MEASURES:
                cell = (key, area, group, measure)
                visible = enough and shown(cell)
                shares[measure] = _share(counts.value(cell), decided) if visible else None
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

    def make_area(kind: str, area: str, code: str, name: str, codes: list[str]) -> AreaEquity:
        population, year = area_population(codes)
        return AreaEquity(kind, code, name, population, year, figures(area, population))

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
        oms=make_area("oms", OMS_KEY, OMS, _("Östra Mellansverige"), all_codes),
        published=published,
        population_missing=any(code not in populations for code in all_codes),
        period=period,
        population_sources=_population_sources(population_rows),
    )


def municipality_equity(
    *,
    county_code: str | None = None,
    period: Period | None = None,
    published: bool = True,
    lead_times: bool = True,
) -> Equity:
    """The equity figures (below), from the cache while the data under them is unchanged.
    Without `lead_times` the medians are left out (None), which saves a query."""
    return cached_figures(
        "municipality_equity",
        (county_code, (period or Period()).key, published, lead_times),
        lambda: _municipality_equity(
            county_code=county_code,
            period=period,
            published=published,
            lead_times=lead_times,
        ),
    )
