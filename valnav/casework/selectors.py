"""Reads over cases. Everything starts from `ValidationCase.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from valnav.casework.models import CaseTransition, ValidationCase
from valnav.casework.states import CaseState


def case_list_for_user(*, user: object) -> QuerySet[ValidationCase]:
    return (
        ValidationCase.objects.visible_to(user)
        .select_related("individual", "model", "occupation", "municipality")
        .order_by("-first_contact", "-pk")
    )


@dataclass(frozen=True)
class LeadTimes:
    """Days between the milestones of one case, derived from its transitions."""

    to_initial_mapping: int | None
    to_assessment: int | None
    to_decision: int | None
    to_documented: int | None


def case_lead_times(case: ValidationCase) -> LeadTimes:
    first_reached: dict[str, date] = {}
    for transition in CaseTransition.objects.filter(case=case).order_by("at", "pk"):
        first_reached.setdefault(transition.to_state, transition.at.date())

    def days(state: CaseState) -> int | None:
        reached = first_reached.get(state)
        return (reached - case.first_contact).days if reached else None

    return LeadTimes(
        to_initial_mapping=days(CaseState.INITIAL_MAPPING),
        to_assessment=days(CaseState.ASSESSMENT),
        to_decision=days(CaseState.DECISION),
        to_documented=days(CaseState.DOCUMENTED),
    )
