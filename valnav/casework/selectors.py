"""Reads over cases. Everything starts from `ValidationCase.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from valnav.atlas.models import Criterion
from valnav.atlas.selectors import education_near
from valnav.casework.models import (
    CASE_ROLES,
    CaseTransition,
    CriterionAssessment,
    CriterionResult,
    ReferralShare,
    ReferralStatus,
    ValidationCase,
)
from valnav.casework.states import CaseState, Decision


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


@dataclass(frozen=True)
class CriterionLine:
    criterion: Criterion
    assessment: CriterionAssessment | None


@dataclass(frozen=True)
class DecisionSummary:
    """What the criteria say: the lines in the standard's order, the suggested decision and the
    gaps (criteria partly or not met) that complementary education should close."""

    lines: list[CriterionLine]
    suggested: Decision | None
    gaps: list[Criterion]
    unassessed: list[Criterion]


def case_decision_summary(case: ValidationCase) -> DecisionSummary:
    criteria = list(case.model.criteria.order_by("position")) if case.model else []
    by_criterion = {a.criterion_id: a for a in case.assessments.all()}
    lines = [CriterionLine(c, by_criterion.get(c.pk)) for c in criteria]
    results = {c.pk: by_criterion[c.pk].result for c in criteria if c.pk in by_criterion}
    unassessed = [c for c in criteria if results.get(c.pk) in (None, CriterionResult.NOT_ASSESSED)]
    gaps = [
        c
        for c in criteria
        if results.get(c.pk) in (CriterionResult.PARTLY_MET, CriterionResult.NOT_MET)
    ]
    suggested: Decision | None = None
    if criteria and not unassessed:
        if not gaps:
            suggested = Decision.FULL
        elif any(results[c.pk] != CriterionResult.NOT_MET for c in criteria):
            suggested = Decision.PARTIAL
        else:
            suggested = Decision.NOT_MET
    return DecisionSummary(lines=lines, suggested=suggested, gaps=gaps, unassessed=unassessed)


def case_education_suggestions(case: ValidationCase, *, limit: int = 5) -> list[Any]:
    """Complementary education from the atlas that closes this model's gaps, nearest the
    individual's home municipality first."""
    municipality = case.individual.municipality or case.municipality
    if case.model is None or municipality is None:
        return []
    return education_near(model=case.model, municipality=municipality, limit=limit)


@dataclass(frozen=True)
class CaseView:
    """What one user may see of a case: everything in its own organisation; for a referred
    case only the parts the referral shares."""

    case: ValidationCase
    full: bool
    shares: frozenset[str]

    @property
    def shows_contact(self) -> bool:
        return self.full or ReferralShare.CONTACT in self.shares

    @property
    def shows_criteria(self) -> bool:
        return self.full or ReferralShare.CRITERIA in self.shares

    @property
    def shows_decision(self) -> bool:
        return self.full or ReferralShare.DECISION in self.shares


def case_view_for(*, user: Any, case: ValidationCase) -> CaseView:
    """How much of a visible case the user sees (call only on cases from visible_to)."""
    own = user.memberships.filter(organisation=case.organisation, role__in=CASE_ROLES).exists()
    if own:
        return CaseView(case=case, full=True, shares=frozenset())
    shared: set[str] = set()
    for referral in case.referrals.filter(
        to_organisation__memberships__user=user,
        status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    ):
        shared |= set(referral.shares)
    return CaseView(case=case, full=False, shares=frozenset(shared))
