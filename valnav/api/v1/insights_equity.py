"""Likvärdighet through the API: the published equity figures per municipality, with its county
and Östra Mellansverige, for readers of insights (a token or the session of the pages)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Query
from ninja.responses import Status

from valnav.api.auth import MEMBER_READ_AUTH
from valnav.api.v1.errors import FieldError, FieldErrors
from valnav.api.v1.insights import Message, _caller
from valnav.insights.equity import AreaEquity, Figures, Share, municipality_equity
from valnav.lib.disclosure import PERIOD_MAX_YEAR, PERIOD_MIN_YEAR, PERIOD_PATTERN, parse_period

router = Router(tags=["insights"])

SUPPRESSION = (
    "Counts of people are published as on the equity page: 0, five or more, the string "
    '"<5" for one to four (primary suppression), or the string ".." where the figure is held '
    "back because a small count could otherwise be worked out by subtracting the shown counts "
    "from a total (municipalities add up to their county, counties to ÖMS, groups to everyone, "
    "decisions to the completed, the years to all time). Periods are whole calendar years or "
    "all time, nothing shorter. A share, rate or median is null when the counts behind it "
    "are not shown, a share also below five completed cases. Suppression is computed over all "
    "counties at once, so the figures agree with the page and its CSV."
)

Count = int | Literal["<5", ".."]
PERIOD = Query(
    "",
    pattern=PERIOD_PATTERN,
    description=(
        "year of first contact, a whole calendar year such as 2026; empty or left out for all "
        "time. Parts of a year are refused (422): two periods that differ by a few days would "
        "differ by the people who started on them."
    ),
)


class ShareOut(Schema):
    value: float = Field(description="share of the completed cases, 0–1")
    low: float = Field(description="lower bound of the Wilson 95 % interval")
    high: float = Field(description="upper bound of the Wilson 95 % interval")


class FiguresOut(Schema):
    group: str = Field(
        description="all, woman, man, other, born_abroad, born_sweden or born_unknown"
    )
    started: Count = Field(description='validations started: 0, "<5", ".." or five or more')
    completed: Count = Field(description='with a decision: 0, "<5", ".." or five or more')
    per_10000: float | None = Field(description="started per 10 000 inhabitants aged 20–64")
    median_days: float | None = Field(description="median days, first contact to decision")
    full: ShareOut | None
    partial: ShareOut | None
    not_met: ShareOut | None
    complementary: ShareOut | None = Field(description="went on to complementary education")


class AreaOut(Schema):
    kind: Literal["municipality", "county", "oms"]
    code: str = Field(description='municipality or county code; "ÖMS" for the whole region')
    name: str
    county_code: str | None = Field(description="the county of a municipality or county row")
    population: int | None = Field(description="inhabitants aged 20–64 (SCB); null: missing")
    population_year: int | None
    figures: list[FiguresOut] = Field(description='"all" first, then the groups')


class EquityOut(Schema):
    period: str = Field(description='the year of first contact, or "" for all time')
    population_missing: bool
    items: list[AreaOut] = Field(
        description="each county's municipalities, then the county; ÖMS last"
    )


def _share(share: Share | None) -> ShareOut | None:
    return None if share is None else ShareOut(value=share.value, low=share.low, high=share.high)


def _count(value: int | str) -> Count:
    if isinstance(value, int):
        return value
    return ".." if value == ".." else "<5"


def _figures(figures: Figures) -> FiguresOut:
    return FiguresOut(
        group=figures.group,
        started=_count(figures.started),
        completed=_count(figures.completed),
        per_10000=figures.per_10000,
        median_days=figures.median_days,
        full=_share(figures.full),
        partial=_share(figures.partial),
        not_met=_share(figures.not_met),
        complementary=_share(figures.complementary),
    )


def _area(area: AreaEquity, county_code: str | None) -> AreaOut:
    kind: Literal["municipality", "county", "oms"]
    kind = "municipality" if area.kind == "municipality" else "county"
    if area.kind == "oms":
        kind = "oms"
    return AreaOut(
        kind=kind,
        code=area.code,
        name=area.name,
        county_code=county_code,
        population=area.population,
        population_year=area.population_year,
        figures=[_figures(figures) for figures in area.figures],
    )


@router.get(
    "/insights/equity",
    response={200: EquityOut, 401: Message, 403: Message, 422: FieldErrors},
    auth=MEMBER_READ_AUTH,
    url_name="insights-equity",
    summary="Equity across municipalities: published, suppressed figures",
    description=SUPPRESSION,
)
def equity(
    request: HttpRequest,
    county: str | None = Query(None, pattern=r"^[0-9]{2}$", description="county code"),
    period: str = PERIOD,
) -> EquityOut | Status[FieldErrors]:
    _caller(request)
    try:
        chosen = parse_period(period)
    except ValueError:
        return Status(
            422,
            FieldErrors(
                detail=[
                    FieldError(
                        loc=["query", "period"],
                        msg=f"A year from {PERIOD_MIN_YEAR} to {PERIOD_MAX_YEAR}, or empty.",
                        type="value_error",
                    )
                ]
            ),
        )
    result = municipality_equity(county_code=county, period=chosen, published=True)
    items: list[AreaOut] = []
    for county_equity in result.counties:
        items += [_area(area, county_equity.code) for area in county_equity.municipalities]
        items.append(_area(county_equity.county, county_equity.code))
    items.append(_area(result.oms, None))
    return EquityOut(period=chosen.key, population_missing=result.population_missing, items=items)
