"""Likvärdighet over time: validations started and completed per year of first contact for a
municipality, its county and Östra Mellansverige.

Each year is the equity figures of that calendar year as published (municipality_equity with
the year as its period), so a year here never disagrees with the equity page for that year:
"<5" for one to four, ".." where a small count could be subtracted out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Min

from valnav.casework.models import CaseFactRow
from valnav.core.figures_cache import cached_figures
from valnav.insights.equity import AreaEquity, PublishedCount, _municipality_equity
from valnav.places.models import Municipality


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
    Municipality.DoesNotExist for an unknown code. Four queries per year."""
    municipality = Municipality.objects.select_related("county").get(code=municipality_code)
    bounds = CaseFactRow.objects.aggregate(first=Min("first_contact"), last=Max("first_contact"))
    years: list[TrendYear] = []
    if bounds["first"] is not None and bounds["last"] is not None:
        for year in range(bounds["first"].year, bounds["last"].year + 1):
            # The uncached figures: the trend as a whole is cached (equity_trend below).
            equity = _municipality_equity(
                county_code=municipality.county.code,
                since=date(year, 1, 1),
                until=date(year, 12, 31),
                lead_times=False,  # the trend shows counts only
            )
            county = equity.counties[0]
            area: AreaEquity = next(m for m in county.municipalities if m.code == municipality.code)
            years.append(
                TrendYear(
                    year=year,
                    municipality_started=area.total.started,
                    municipality_completed=area.total.completed,
                    county_started=county.county.total.started,
                    county_completed=county.county.total.completed,
                    oms_started=equity.oms.total.started,
                    oms_completed=equity.oms.total.completed,
                )
            )
    return EquityTrend(
        municipality_code=municipality.code,
        municipality_name=municipality.name,
        county_name=municipality.county.name,
        years=tuple(years),
    )


def equity_trend(*, municipality_code: str) -> EquityTrend:
    """The trend (below), from the cache while the data under it is unchanged."""
    return cached_figures(
        "equity_trend",
        (municipality_code,),
        lambda: _equity_trend(municipality_code=municipality_code),
    )
