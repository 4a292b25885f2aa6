"""Focus-branch scoring through the API: the same ranking as the page insights:focus, for a
token or the signed-in session of someone who sees insights. A scenario is the caller's own
(another's is a 404); counts of people are published as on the page (0, "<5" or at least 5)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.params.functions import Query

from valnav.accounts.models import User
from valnav.api.auth import MEMBER_READ_AUTH, api_member
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import MAX_INT
from valnav.core.permissions import Perm
from valnav.insights.focus import focus_scenarios_for_user, focus_scores
from valnav.places.models import County

router = Router(tags=["insights"])


class Message(Schema):
    detail: str


class FocusPartOut(Schema):
    criterion: str = Field(
        description="shortage (the share of the branch's occupations whose Yrkesbarometer "
        "recruitment situation — brist, balans, överskott or paradox — counts as shortage by "
        "the shortage rule, among those assessed; by default brist only), s3, model, "
        "education, gender, offers or cases"
    )
    part: float | None = Field(description="0–1; null where there is no data (adds nothing)")
    weight: int
    points: float = Field(description="weight × part")
    detail: str = Field(
        description="for shortage: occupations in shortage / occupations with an assessment "
        "(an occupation without one counts in neither)"
    )


class FocusRowOut(Schema):
    rank: int
    branch: str = Field(description="the branch's key")
    name: str
    score: float = Field(description="the sum of the parts' points")
    parts: list[FocusPartOut]
    offers: int
    cases: int | str = Field(description='0, at least 5, or "<5" (one to four people)')


class FocusOut(Schema):
    county: str | None = Field(description="county code; null for all of Östra Mellansverige")
    scenario: int | None
    weights: dict[str, int]
    rounds: list[str] = Field(description="the Yrkesbarometer round the shortage part reads")
    no_data: list[str] = Field(description="criteria with no data for any branch")
    items: list[FocusRowOut]


def _caller(request: HttpRequest) -> User:
    return api_member(request, Perm.VIEW_INSIGHTS)


@router.get(
    "/insights/focus",
    response={
        200: FocusOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        422: FieldErrors,
    },
    auth=MEMBER_READ_AUTH,
    url_name="insights-focus",
    summary="Branches ranked for focus, by a saved scenario's weights or the defaults",
)
def insights_focus(
    request: HttpRequest,
    scenario: int | None = Query(
        None, ge=1, le=MAX_INT, description="one of the caller's saved scenarios"
    ),
    county: str | None = Query(None, description="county code; overrides the scenario's"),
) -> FocusOut:
    user = _caller(request)
    weights: dict[str, object] | None = None
    county_code: str | None = None
    if scenario is not None:
        saved = get_object_or_404(focus_scenarios_for_user(user=user), pk=scenario)
        weights = saved.weights
        county_code = saved.county.code if saved.county else None
    if county:
        county_code = county
    try:
        ranking = focus_scores(county_code=county_code, weights=weights)
    except County.DoesNotExist as error:
        raise HttpError(400, f"Unknown county code {county}.") from error
    return FocusOut(
        county=ranking.county.code if ranking.county else None,
        scenario=scenario,
        weights=ranking.weights,
        rounds=list(ranking.rounds),
        no_data=list(ranking.no_data),
        items=[
            FocusRowOut(
                rank=row.rank,
                branch=row.branch.key,
                name=row.branch.name_sv,
                score=row.total,
                parts=[
                    FocusPartOut(
                        criterion=part.key,
                        part=part.value,
                        weight=part.weight,
                        points=part.weighted,
                        detail=part.detail,
                    )
                    for part in row.parts
                ],
                offers=row.offers,
                cases=row.cases,
            )
            for row in ranking.rows
        ],
    )
