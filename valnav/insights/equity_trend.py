"""Likvärdighet over time: validations started and completed per year of first contact for a
municipality, its county and Östra Mellansverige.

Each year is the counts of that calendar year as published (`casework.statistics.case_counts`,
the year as its period), so a year here never disagrees with the equity page for that year nor
with all time: "<5" for one to four, ".." where a small count could be subtracted out.
"""

from __future__ import annotations

from dataclasses import dataclass

from valnav.casework.statistics import OMS, case_counts
from valnav.core.figures_cache import cached_figures
from valnav.lib.disclosure import Published as PublishedCount
from valnav.places.models import Municipality

MEASURES = ("started", "completed")


@dataclass(frozen=True)
class TrendYear:
    year: int
    municipality_started: PublishedCount
    municipality_completed: PublishedCount
    county_started: PublishedCount
    county_completed: PublishedCount
    oms_started: PublishedCount
    oms_completed: PublishedCount


@dataclass(frozen=True)
class EquityTrend:
    municipality_code: str
    municipality_name: str
    county_name: str
    years: tuple[TrendYear, ...]


def _equity_trend(*, municipality_code: str) -> EquityTrend:
    """Per year from the first to the last first contact recorded; raises
    Municipality.DoesNotExist for an unknown code. The years are periods of the same
    suppressed counts as every other page (`case_counts`), so that all time minus the years
    shown reveals no one."""
    municipality = Municipality.objects.select_related("county").get(code=municipality_code)
    counts = case_counts()
    areas = (f"m{municipality.code}", f"c{municipality.county.code}", OMS)

    def published(year: int, area: str, measure: str) -> PublishedCount:
        return counts.published((str(year), area, "all", measure))

    years = tuple(
        TrendYear(
            year,
            *(published(year, area, measure) for area in areas for measure in MEASURES),
        )
        for year in (range(counts.years[0], counts.years[-1] + 1) if counts.years else ())
    )
    return EquityTrend(
        municipality_code=municipality.code,
        municipality_name=municipality.name,
        county_name=municipality.county.name,
        years=years,
    )


def equity_trend(*, municipality_code: str) -> EquityTrend:
    """The trend (below), from the cache while the data under it is unchanged."""
    return cached_figures(
        "equity_trend",
        (municipality_code,),
        lambda: _equity_trend(municipality_code=municipality_code),
    )
