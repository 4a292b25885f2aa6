"""Reads over cases. Everything starts from `ValidationCase.objects.visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Self, cast, overload

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.query import ModelIterable
from django.utils import timezone

from valnav.accounts.models import Membership, Organisation
from valnav.atlas.models import ComplementaryEducation, Criterion
from valnav.atlas.selectors import education_near
from valnav.casework.models import (
    CASE_ROLES,
    CaseTransition,
    CriterionAssessment,
    CriterionResult,
    Individual,
    Referral,
    ReferralShare,
    ReferralStatus,
    ValidationCase,
    ValidationCaseQuerySet,
)
from valnav.casework.states import CaseState, Decision


class _CaseListQuerySet(ValidationCaseQuerySet):
    """A case list whose pages (slices) are read in two steps of one query: the ids of the
    page, sorted on the case's own columns, then only those rows with their joins and
    annotations. Sorting every visible case as a wide joined row to keep 25 took 220 ms for
    10 000 cases on SQLite; this takes 8 (bench/run_cases.py)."""

    @overload
    def __getitem__(self, k: int) -> ValidationCase: ...
    @overload
    def __getitem__(self, k: slice) -> Self: ...
    def __getitem__(self, k: int | slice) -> ValidationCase | Self:
        if isinstance(k, int):
            return super().__getitem__(k)
        if (
            k.step is None
            and self._result_cache is None
            and self._iterable_class is ModelIterable
            and not self.query.is_sliced
        ):
            # A sliced subquery in IN: PostgreSQL and SQLite take it (MySQL would not).
            return self.filter(pk__in=self.values("pk")[k])
        return super().__getitem__(k)


def case_list_for_user(*, user: object) -> QuerySet[ValidationCase]:
    cases = _CaseListQuerySet(model=ValidationCase).visible_to(user)
    return cases.select_related("individual", "model", "occupation", "municipality").order_by(
        "-first_contact", "-pk"
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
        # The day in Sweden: a decision just after midnight belongs to the new day.
        first_reached.setdefault(transition.to_state, timezone.localdate(transition.at))

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


def case_organisations_for_user(*, user: Any) -> QuerySet[Organisation]:
    """The organisations in which the user handles cases (assessor or counsellor)."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk, role__in=CASE_ROLES).values(
            "organisation_id"
        )
    ).order_by("name")


def case_page_for_user(
    *, user: Any, state: str = "", only_open: bool = False, query: str = ""
) -> QuerySet[ValidationCase]:
    """The case list: visible cases, filtered, each annotated with what decides whether its
    person's name may be shown (`in_own_organisation`, `is_case_assessor`) so that a page of
    rows costs one query."""
    cases = case_list_for_user(user=user).defer(
        "municipality__boundary", "individual__personnummer_encrypted"
    )
    if state:
        cases = cases.filter(state=state)
    if only_open:
        cases = cast(ValidationCaseQuerySet, cases).open()
    query = query.strip().upper()
    if query:
        cases = cases.filter(Q(reference=query) | Q(individual__pseudonym=query))
    own = Membership.objects.filter(
        user_id=user.pk, role__in=CASE_ROLES, organisation_id=OuterRef("organisation_id")
    )
    assessor = ValidationCase.assessors.through.objects.filter(
        validationcase_id=OuterRef("pk"), user_id=user.pk
    )
    return cases.annotate(in_own_organisation=Exists(own), is_case_assessor=Exists(assessor))


def case_detail_queryset(*, user: Any) -> QuerySet[ValidationCase]:
    return (
        ValidationCase.objects.visible_to(user)
        .select_related(
            "individual__municipality", "organisation", "model", "occupation", "municipality"
        )
        .defer("municipality__boundary", "individual__municipality__boundary")
    )


def identity_shown(*, protected: bool, shared: bool, is_case_assessor: bool) -> bool:
    """Whether a person's name and contact may be shown: the case must be the viewer's own or
    its referral must share the contact, and a protected identity is shown only to the case's
    responsible assessors (DOMAIN.md §7)."""
    return shared and (not protected or is_case_assessor)


def case_identity_shown(*, user: Any, view: CaseView) -> bool:
    case = view.case
    return identity_shown(
        protected=case.individual.protected_identity,
        shared=view.shows_contact,
        is_case_assessor=case.assessors.filter(pk=user.pk).exists(),
    )


def individual_for_user(*, user: Any, pseudonym: str) -> Individual | None:
    """A person registered by one of the organisations where the user handles cases."""
    return (
        Individual.objects.filter(
            organisation__in=case_organisations_for_user(user=user),
            pseudonym=pseudonym.strip().upper(),
            anonymised_at__isnull=True,
        )
        .defer("personnummer_encrypted")
        .first()
    )


def case_referrals_for(*, user: Any, view: CaseView) -> QuerySet[Referral]:
    """The referrals of a case the viewer may see: all of them in the case's own organisation,
    else only those to the viewer's organisations."""
    referrals = view.case.referrals.select_related("from_organisation", "to_organisation")
    if not view.full:
        referrals = referrals.filter(to_organisation__in=case_organisations_for_user(user=user))
    return referrals.order_by("-created_at", "-pk")


def case_plan_educations(*, case: ValidationCase) -> QuerySet[ComplementaryEducation]:
    """Published education a plan item may name: what closes the gaps of the case's model or
    trains for its occupations (the same set the suggestions come from, without distance)."""
    if case.model is None:
        return ComplementaryEducation.objects.none()
    return (
        ComplementaryEducation.objects.published()
        .filter(Q(closes_gaps_of=case.model) | Q(occupations__in=case.model.occupations.all()))
        .select_related("municipality")
        .defer("municipality__boundary")
        .distinct()
        .order_by("title")
    )
