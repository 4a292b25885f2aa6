"""Insights through the API: the gap analysis (labour demand against validation supply) for
readers of insights, with a token or the session of the pages. Counts of people are suppressed
as on the pages: 0, "<5" or five or more."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.params.functions import Query

from valnav.accounts.models import User
from valnav.api.auth import MEMBER_READ_AUTH, api_member
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import MAX_OFFSET
from valnav.core.permissions import Perm
from valnav.insights.gaps import GapRow, gap_analysis

router = Router(tags=["insights"])

MAX_GAPS_PAGE = 1000


class Message(Schema):
    detail: str


Situation = Literal["brist", "balans", "överskott", "paradox"]
OutlookWord = Literal["öka", "vara oförändrad", "minska"]
OUTLOOK_WORDS: dict[str, OutlookWord] = {
    "increasing": "öka",
    "unchanged": "vara oförändrad",
    "decreasing": "minska",
}


class DemandOut(Schema):
    round: str = Field(description="the Yrkesbarometer round (omgång), e.g. 2026-1")
    recruitment_situation: Situation | None = Field(
        description="Arbetsförmedlingen's rekryteringssituation in its own words: brist "
        "(shortage), balans (balance), överskott (surplus) or paradox (employers find it hard "
        "to recruit although many seek work in the occupation); null: no assessment, and then "
        "no gap is computed. The county's, for a municipality"
    )
    paradox: list[str] = Field(description="Arbetsförmedlingen's list given with a paradox")
    outlook: OutlookWord | None = Field(
        description="prognos, demand in five years: öka, vara oförändrad or minska; null: none"
    )
    from_country: bool = Field(
        description="the county has no assessment of its own; the whole country's is used, "
        "as the shortage rule allows"
    )
    shortage: bool = Field(
        description="the recruitment situation counts as shortage by the active shortage rule "
        "(by default brist only)"
    )


class SupplyOut(Schema):
    offers: int = Field(description="published offers in the area whose model covers it")
    capacity_per_year: int
    median_lead_time_weeks: float | None
    nearest_offer_km: float | None = Field(
        description="centroid to the nearest such offer in Östra Mellansverige; null: none"
    )
    cases: int | Literal["<5", ".."] = Field(
        description='cases started: 0, "<5", five or more, or ".." where a county\'s count '
        "less its other municipalities' would give one to four"
    )


class GapOut(Schema):
    occupation: str = Field(description="SSYK 2012 code")
    county_code: str | None = Field(description="set for a county's row")
    municipality_code: str | None = Field(description="set for a municipality's row")
    demand: DemandOut
    supply: SupplyOut
    shortage_strength: float | None = Field(
        description="0 without shortage, 1 with shortage, 1.5 with shortage and prognos öka; "
        "null: no assessment"
    )
    supply_factor: float = Field(description="1 / (1 + offers)")
    distance_factor: float = Field(description="1 + min(km, 200) / 100; 3 without any offer")
    gap_index: float | None = Field(
        description="strength × supply factor × distance factor; null: no assessment, no gap"
    )


class GapPage(Schema):
    round: str | None
    count: int
    items: list[GapOut]


def _mark(value: str) -> Literal["<5", ".."]:
    return ".." if value == ".." else "<5"


def _situation(value: str) -> Situation | None:
    for situation in ("brist", "balans", "överskott", "paradox"):
        if value == situation:
            return situation
    return None


def _caller(request: HttpRequest) -> User:
    return api_member(request, Perm.VIEW_INSIGHTS)


def _out(row: GapRow) -> GapOut:
    supply = row.supply
    return GapOut(
        occupation=row.occupation_code,
        county_code=row.county_code if row.level == "county" else None,
        municipality_code=row.municipality_code,
        demand=DemandOut(
            round=row.demand.round,
            recruitment_situation=_situation(row.demand.situation),
            paradox=list(row.demand.paradox),
            outlook=OUTLOOK_WORDS.get(row.demand.outlook),
            from_country=row.demand.from_country,
            shortage=row.demand.shortage,
        ),
        supply=SupplyOut(
            offers=supply.offers,
            capacity_per_year=supply.capacity_per_year,
            median_lead_time_weeks=supply.median_lead_time_weeks,
            nearest_offer_km=supply.nearest_offer_km,
            cases=supply.cases if isinstance(supply.cases, int) else _mark(supply.cases),
        ),
        shortage_strength=row.shortage_strength,
        supply_factor=row.supply_factor,
        distance_factor=row.distance_factor,
        gap_index=row.gap_index,
    )


@router.get(
    "/insights/gaps",
    response={200: GapPage, 401: Message, 403: Message, 422: FieldErrors},
    auth=MEMBER_READ_AUTH,
    url_name="insights-gaps",
    summary="Gaps between labour demand and validation supply, largest first",
)
def gap_list(
    request: HttpRequest,
    county: str | None = Query(None, pattern=r"^[0-9]{2}$", description="county code"),
    municipality: str | None = Query(None, pattern=r"^[0-9]{4}$", description="municipality"),
    occupation: str | None = Query(None, pattern=r"^[0-9]{1,4}$", description="SSYK code"),
    limit: int = Query(100, ge=1, le=MAX_GAPS_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> GapPage:
    _caller(request)
    analysis = gap_analysis(
        county_code=county, municipality_code=municipality, occupation_code=occupation
    )
    rows = analysis.rows
    if county and municipality:
        rows = [row for row in rows if row.county_code == county]
    return GapPage(
        round=analysis.round,
        count=len(rows),
        items=[_out(row) for row in rows[offset : offset + limit]],
    )
