"""Cases through the API, for the organisation's own systems: the same visibility as the pages
(`ValidationCase.objects.visible_to`), a 404 for a case the caller may not see, every read in
the access log. Names and contact details are never sent: the pseudonym identifies the person
to those who may look them up in Valnav (data minimisation)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.params.functions import Query

from valnav.accounts.models import User
from valnav.api.auth import MEMBER_READ_AUTH, api_member
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import MAX_OFFSET
from valnav.casework.models import ValidationCase
from valnav.casework.selectors import case_list_for_user, case_view_for
from valnav.casework.services import case_views_log
from valnav.core.permissions import Perm

router = Router(tags=["cases"])

MAX_CASES_PAGE = 100


class Message(Schema):
    detail: str


class AssessmentOut(Schema):
    criterion: str = Field(description="the criterion's code in the model's standard")
    result: str
    method: str
    assessed_on: date


class CaseOut(Schema):
    reference: str
    pseudonym: str = Field(description="the person's pseudonym; never their name")
    organisation: str
    state: str
    decision: str
    first_contact: date
    ended_on: date | None
    model_id: int | None
    occupation: str | None = Field(description="SSYK 2012 code")
    komvux_course: str
    municipality: str | None = Field(description="municipality code when the case opened")
    shared_only: bool = Field(description="a referred case: only what the referral shares")
    assessments: list[AssessmentOut] = Field(description="empty unless criteria are shared")


class CasePage(Schema):
    count: int
    items: list[CaseOut]


def _caller(request: HttpRequest) -> User:
    return api_member(request, Perm.HANDLE_CASES)


def _out(user: User, case: ValidationCase) -> CaseOut:
    view = case_view_for(user=user, case=case)
    assessments = (
        [
            AssessmentOut(
                criterion=a.criterion.code,
                result=a.result,
                method=a.method,
                assessed_on=a.assessed_on,
            )
            for a in case.assessments.select_related("criterion")
        ]
        if view.shows_criteria
        else []
    )
    return CaseOut(
        reference=case.reference,
        pseudonym=case.individual.pseudonym,
        organisation=case.organisation.name,
        state=case.state,
        decision=case.decision if view.shows_decision else "",
        first_contact=case.first_contact,
        ended_on=case.ended_on,
        model_id=case.model_id,
        occupation=case.occupation.code if case.occupation else None,
        komvux_course=case.komvux_course,
        municipality=case.municipality.code if case.municipality else None,
        shared_only=not view.full,
        assessments=assessments,
    )


@router.get(
    "/cases",
    response={200: CasePage, 401: Message, 403: Message, 422: FieldErrors},
    auth=MEMBER_READ_AUTH,
    url_name="case-list",
    summary="The cases the caller handles, newest first contact first",
)
def case_list(
    request: HttpRequest,
    limit: int = Query(25, ge=1, le=MAX_CASES_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> CasePage:
    user = _caller(request)
    cases = case_list_for_user(user=user).select_related("organisation")
    page = list(cases[offset : offset + limit])
    case_views_log(actor=user, cases=page, purpose=gettext("Case list read through the API"))
    return CasePage(count=cases.count(), items=[_out(user, case) for case in page])


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, 401: Message, 403: Message, 404: Message, 422: FieldErrors},
    auth=MEMBER_READ_AUTH,
    url_name="case-detail",
    summary="One case by its reference; 404 unless the caller's organisation handles it",
)
def case_detail(request: HttpRequest, reference: str) -> CaseOut:
    user = _caller(request)
    case = get_object_or_404(
        ValidationCase.objects.visible_to(user).select_related(
            "individual", "organisation", "occupation", "municipality"
        ),
        reference=reference,
    )
    case_views_log(actor=user, cases=[case], purpose=gettext("Case read through the API"))
    return _out(user, case)
