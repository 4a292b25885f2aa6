"""Cases through the API, for the organisation's own systems: the same access as the pages
(`casework.selectors.case_for` and `case_accesses`: a referred case shows only what its
referral shares), a 404 for a case the caller may not see, every read in the access log.
Names and contact details are never sent: the pseudonym identifies the person to those who may
look them up in Valnav (data minimisation)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.params.functions import Query

from valnav.accounts.models import User
from valnav.api.auth import MEMBER_READ_AUTH, api_member
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import MAX_OFFSET
from valnav.casework.models import CriterionAssessment
from valnav.casework.selectors import (
    CaseAccess,
    case_accesses,
    case_for,
    case_list_for_user,
    case_page_for_user,
)
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
    """A case as the caller may see it (casework.selectors.CaseAccess): a part that is not
    shared with the caller's organisation is null, never its value."""

    reference: str
    pseudonym: str | None = Field(
        description="the person's pseudonym, never their name; null unless the identity is shared"
    )
    organisation: str
    state: str
    decision: str | None = Field(description="null unless the decision is shared")
    first_contact: date | None = Field(description="null for a referred case")
    ended_on: date | None
    model_id: int | None = Field(description="null unless the target is shared")
    occupation: str | None = Field(description="SSYK 2012 code; null unless the target is shared")
    komvux_course: str | None = Field(description="null unless the target is shared")
    municipality: str | None = Field(
        description="municipality code when the case opened; null unless the identity is shared"
    )
    shared_only: bool = Field(description="a referred case: only what the referral shares")
    shares: list[str] = Field(
        description="what a referral shares (contact, target, criteria, decision); empty for "
        "the caller's own cases, which show everything"
    )
    assessments: list[AssessmentOut] = Field(description="empty unless criteria are shared")


class CasePage(Schema):
    count: int
    items: list[CaseOut]


def _caller(request: HttpRequest) -> User:
    return api_member(request, Perm.HANDLE_CASES)


def _assessments(accesses: list[CaseAccess]) -> dict[int, list[AssessmentOut]]:
    """The assessments of the cases whose criteria the caller sees, in one query."""
    shown = [access.case.pk for access in accesses if access.criteria]
    found: dict[int, list[AssessmentOut]] = {pk: [] for pk in shown}
    if not shown:
        return found
    for a in CriterionAssessment.objects.filter(case_id__in=shown).select_related("criterion"):
        found[a.case_id].append(
            AssessmentOut(
                criterion=a.criterion.code,
                result=a.result,
                method=a.method,
                assessed_on=a.assessed_on,
            )
        )
    return found


def _out(access: CaseAccess, assessments: list[AssessmentOut]) -> CaseOut:
    case = access.case
    target = access.target
    return CaseOut(
        reference=case.reference,
        pseudonym=case.individual.pseudonym if access.identity else None,
        organisation=case.organisation.name,
        state=case.state,
        decision=case.decision if access.decision else None,
        first_contact=case.first_contact if access.process else None,
        ended_on=case.ended_on if access.process else None,
        model_id=case.model_id if target else None,
        occupation=case.occupation.code if target and case.occupation else None,
        komvux_course=case.komvux_course if target else None,
        municipality=case.municipality.code if access.municipality and case.municipality else None,
        shared_only=not access.full,
        shares=[] if access.full else sorted(access.shares),
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
    cases = case_list_for_user(user=user)
    page = list(
        case_page_for_user(user=user).select_related("organisation")[offset : offset + limit]
    )
    accesses = case_accesses(user=user, cases=page)
    case_views_log(actor=user, cases=page, purpose=gettext("Case list read through the API"))
    assessments = _assessments(accesses)
    return CasePage(
        count=cases.count(),
        items=[_out(access, assessments.get(access.case.pk, [])) for access in accesses],
    )


@router.get(
    "/cases/{reference}",
    response={200: CaseOut, 401: Message, 403: Message, 404: Message, 422: FieldErrors},
    auth=MEMBER_READ_AUTH,
    url_name="case-detail",
    summary="One case by its reference; 404 unless the caller's organisation handles it",
)
def case_detail(request: HttpRequest, reference: str) -> CaseOut:
    user = _caller(request)
    access = case_for(user=user, reference=reference)
    case_views_log(actor=user, cases=[access.case], purpose=gettext("Case read through the API"))
    return _out(access, _assessments([access]).get(access.case.pk, []))
