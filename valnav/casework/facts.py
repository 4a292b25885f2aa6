"""Case-level facts for insights: one row per case with its place, target, milestones and the
few personal items statistics need (gender, born abroad), and nothing that names anyone.

Insights aggregate these; published figures pass through `suppress`, so that no count of one to
four people (who might be recognised) is shown. The facts are computed in one query whatever
the number of cases: the milestones are correlated subqueries, not a query per case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.casework.models import (
    CaseTransition,
    Credential,
    EducationPlanItem,
    PlanItemStatus,
    ValidationCase,
)
from valnav.casework.states import CaseState
from valnav.places.models import County, Municipality

# Counts below this are not published (a common threshold in Swedish official statistics).
SUPPRESS_BELOW = 5


def suppress(count: int) -> int | str:
    """A count fit for publication: "<5" for one to four, so that no one is recognisable; 0
    stays 0 (that nobody is counted reveals no one)."""
    return "<5" if 0 < count < SUPPRESS_BELOW else count


@dataclass(frozen=True)
class CaseFact:
    """One case as insights see it. `case_id` is the database id: not personal data, and no
    way back to the person without access to casework."""

    case_id: int
    organisation_id: int
    municipality_code: str | None
    county_code: str | None
    model_id: int | None
    occupation_ssyk: str | None
    first_contact: date
    decision: str  # "" before any decision
    decision_date: date | None  # the first transition to DECISION
    document_type: str | None  # of the latest credential not revoked
    days_to_decision: int | None
    days_to_documented: int | None
    complementary_started: date | None
    complementary_finished: date | None
    ended_on: date | None
    gender: str  # "" when not recorded
    born_abroad: bool | None


def _first_transition(**conditions: object) -> Subquery:
    return Subquery(
        CaseTransition.objects.filter(case=OuterRef("pk"), **conditions)
        .order_by("at", "pk")
        .values("at")[:1]
    )


def _plan_items() -> QuerySet[EducationPlanItem]:
    return EducationPlanItem.objects.filter(case=OuterRef("pk"))


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _days(since: date, reached: date | None) -> int | None:
    return (reached - since).days if reached is not None else None


def case_facts(
    *,
    organisation: Organisation | int | None = None,
    county: County | str | None = None,
    municipality: Municipality | str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[CaseFact]:
    """The facts of the cases matching the filters (a county or municipality by object or
    code; `since` and `until` bound the first contact, both inclusive), in one query.

    Complementary education started on the earlier of its first plan item's start and the
    case's first move to complementary education. It finished on the last plan item's end once
    no item is planned or under way; a case without plan items finished it when it first left
    the state."""
    cases = ValidationCase.objects.all()
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    if isinstance(county, County):
        cases = cases.filter(municipality__county=county)
    elif county is not None:
        cases = cases.filter(municipality__county__code=county)
    if isinstance(municipality, Municipality):
        cases = cases.filter(municipality=municipality)
    elif municipality is not None:
        cases = cases.filter(municipality__code=municipality)
    if since is not None:
        cases = cases.filter(first_contact__gte=since)
    if until is not None:
        cases = cases.filter(first_contact__lte=until)
    open_statuses = [PlanItemStatus.PLANNED, PlanItemStatus.STARTED]
    rows = (
        cases.annotate(
            decision_at=_first_transition(to_state=CaseState.DECISION),
            documented_at=_first_transition(to_state=CaseState.DOCUMENTED),
            complementary_at=_first_transition(to_state=CaseState.COMPLEMENTARY_EDUCATION),
            complementary_left_at=_first_transition(from_state=CaseState.COMPLEMENTARY_EDUCATION),
            plan_started=Subquery(
                _plan_items()
                .filter(started_on__isnull=False)
                .order_by("started_on")
                .values("started_on")[:1]
            ),
            plan_finished=Subquery(
                _plan_items()
                .filter(finished_on__isnull=False)
                .order_by("-finished_on")
                .values("finished_on")[:1]
            ),
            plan_exists=Exists(_plan_items()),
            plan_open=Exists(_plan_items().filter(status__in=open_statuses)),
            document=Subquery(
                Credential.objects.filter(case=OuterRef("pk"), revoked_at__isnull=True)
                .order_by("-issued_at", "-pk")
                .values("document_type")[:1]
            ),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "organisation_id",
            "municipality__code",
            "municipality__county__code",
            "model_id",
            "occupation__code",
            "first_contact",
            "decision",
            "ended_on",
            "individual__gender",
            "individual__born_abroad",
            "decision_at",
            "documented_at",
            "complementary_at",
            "complementary_left_at",
            "plan_started",
            "plan_finished",
            "plan_exists",
            "plan_open",
            "document",
        )
    )
    for (
        case_id,
        organisation_id,
        municipality_code,
        county_code,
        model_id,
        occupation_ssyk,
        first_contact,
        decision,
        ended_on,
        gender,
        born_abroad,
        decision_at,
        documented_at,
        complementary_at,
        complementary_left_at,
        plan_started,
        plan_finished,
        plan_exists,
        plan_open,
        document,
    ) in rows.iterator(chunk_size=2000):
        decision_date = _local_date(decision_at)
        documented = _local_date(documented_at)
        starts = [day for day in (plan_started, _local_date(complementary_at)) if day is not None]
        finished: date | None = None
        if not plan_open:
            finished = plan_finished if plan_exists else _local_date(complementary_left_at)
        yield CaseFact(
            case_id=case_id,
            organisation_id=organisation_id,
            municipality_code=municipality_code,
            county_code=county_code,
            model_id=model_id,
            occupation_ssyk=occupation_ssyk,
            first_contact=first_contact,
            decision=decision,
            decision_date=decision_date,
            document_type=document,
            days_to_decision=_days(first_contact, decision_date),
            days_to_documented=_days(first_contact, documented),
            complementary_started=min(starts) if starts else None,
            complementary_finished=finished,
            ended_on=ended_on,
            gender=gender,
            born_abroad=born_abroad,
        )
