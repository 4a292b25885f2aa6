"""Reads over cases. Everything starts from `ValidationCase.objects.visible_to(user)`, and what
a user may see and do of one case is `case_for` / `case_accesses` (a CaseAccess)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Self, cast, overload

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils import timezone

from valnav.accounts.models import Membership, Organisation, OrganisationKind
from valnav.atlas.models import (
    ComplementaryEducation,
    Criterion,
    ModelKind,
    Offer,
    ValidationModel,
)
from valnav.atlas.selectors import education_near, municipality_origin
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
class CaseAccess:
    """What one user may see and do of one case, decided here once for the list, the case
    page, its htmx partials, its documents and the API (as Zulip's access_stream_by_id).

    In the case's own organisation (`full`) everything; for a case referred to the user's
    organisation only the parts its referrals list in `shares` (ReferralShare), and never a
    write. Pages and API answers put a part into their HTML or JSON only when its flag says
    so: a part not shared is absent, not hidden."""

    case: ValidationCase
    full: bool
    shares: frozenset[str]
    is_case_assessor: bool

    def _shared(self, part: ReferralShare) -> bool:
        return self.full or part in self.shares

    @property
    def identity(self) -> bool:
        """Who the person is: the pseudonym (it links the person's cases), whether a
        personnummer is recorded, and the marker of a protected identity."""
        return self._shared(ReferralShare.CONTACT)

    @property
    def name(self) -> bool:
        """Name, e-mail and telephone: with the identity, and for a protected identity
        (skyddad identitet) only to the case's responsible assessors (DOMAIN.md §7)."""
        return self.identity and (
            not self.case.individual.protected_identity or self.is_case_assessor
        )

    @property
    def protected_identity(self) -> bool:
        """Whether to say "Protected identity" in place of the name."""
        return self.identity and self.case.individual.protected_identity and not self.name

    @property
    def municipality(self) -> bool:
        """The person's home municipality (and the case's, which is where they lived when it
        opened): where someone lives is part of their contact details."""
        return self._shared(ReferralShare.CONTACT)

    @property
    def target(self) -> bool:
        """The model, occupation and Komvux course the case validates against."""
        return self._shared(ReferralShare.TARGET)

    @property
    def criteria(self) -> bool:
        """The assessment of each criterion and the evidence behind it."""
        return self._shared(ReferralShare.CRITERIA)

    @property
    def decision(self) -> bool:
        return self._shared(ReferralShare.DECISION)

    @property
    def documents(self) -> bool:
        """The documents issued: each names the decision and the target in its title."""
        return self.full or (self.decision and self.target)

    @property
    def process(self) -> bool:
        """The dates (first contact, ended), the history, the lead times and the education
        plan: the organisation's working material, never part of a referral."""
        return self.full

    @property
    def can_change(self) -> bool:
        """Writes to the case (the roles inside the organisation decide which): a receiver of
        a referral only reads, and answers the referral."""
        return self.full


def _with_access(cases: QuerySet[ValidationCase], *, user: Any) -> QuerySet[ValidationCase]:
    """Annotate what decides a case's access without a query per case: whether it is of the
    user's own organisation and whether the user is one of its assessors."""
    own = Membership.objects.filter(
        user_id=user.pk, role__in=CASE_ROLES, organisation_id=OuterRef("organisation_id")
    )
    assessor = ValidationCase.assessors.through.objects.filter(
        validationcase_id=OuterRef("pk"), user_id=user.pk
    )
    return cases.annotate(in_own_organisation=Exists(own), is_case_assessor=Exists(assessor))


def _live_referrals_to(*, user: Any) -> QuerySet[Referral]:
    return Referral.objects.filter(
        to_organisation__in=case_organisations_for_user(user=user).values("pk"),
        status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
    )


def case_accesses(*, user: Any, cases: Sequence[ValidationCase]) -> list[CaseAccess]:
    """The access of each case (annotated by `_with_access`): one query for the shares of the
    referred ones, none when all are the user's own."""
    referred = [case.pk for case in cases if not getattr(case, "in_own_organisation", False)]
    shares: dict[int, set[str]] = {}
    if referred:
        for case_id, parts in (
            _live_referrals_to(user=user)
            .filter(case_id__in=referred)
            .values_list("case_id", "shares")
        ):
            shares.setdefault(case_id, set()).update(parts or [])
    return [
        CaseAccess(
            case=case,
            full=bool(getattr(case, "in_own_organisation", False)),
            shares=frozenset(shares.get(case.pk, ())),
            is_case_assessor=bool(getattr(case, "is_case_assessor", False)),
        )
        for case in cases
    ]


def case_for(*, user: Any, reference: str) -> CaseAccess:
    """The case `reference` with what `user` may see and do of it; 404 for a case the user
    may not see at all, whether it exists or not. Views, htmx partials, documents and the
    API all fetch a case through this."""
    case = (
        _with_access(case_detail_queryset(user=user), user=user).filter(reference=reference).first()
    )
    if case is None:
        raise Http404
    return case_accesses(user=user, cases=[case])[0]


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
    """The case list: visible cases, filtered, each annotated for `case_accesses` so that a
    page of rows costs one query (and one more for the shares when a row is referred).

    The search matches only what the user may see of a case: its reference always, its
    person's pseudonym only where the identity is shown, so a receiver of a referral cannot
    find out which person a case without shared identity is about."""
    cases = case_list_for_user(user=user).defer(
        "municipality__boundary", "individual__personnummer_encrypted"
    )
    if state:
        cases = cases.filter(state=state)
    if only_open:
        cases = cast(ValidationCaseQuerySet, cases).open()
    query = query.strip().upper()
    if query:
        identity_shared = [
            case_id
            for case_id, parts in _live_referrals_to(user=user)
            .filter(case__individual__pseudonym=query)
            .values_list("case_id", "shares")
            if ReferralShare.CONTACT in (parts or [])
        ]
        own = Q(organisation__in=case_organisations_for_user(user=user).values("pk"))
        cases = cases.filter(
            Q(reference=query)
            | (Q(individual__pseudonym=query) & (own | Q(pk__in=identity_shared)))
        )
    return _with_access(cases, user=user)


def case_detail_queryset(*, user: Any) -> QuerySet[ValidationCase]:
    return (
        ValidationCase.objects.visible_to(user)
        .select_related(
            "individual__municipality", "organisation", "model", "occupation", "municipality"
        )
        .defer("municipality__boundary", "individual__municipality__boundary")
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


def case_referrals_for(*, user: Any, access: CaseAccess) -> QuerySet[Referral]:
    """The referrals of a case the viewer may see: all of them in the case's own organisation,
    else only those to the viewer's organisations."""
    referrals = access.case.referrals.select_related("from_organisation", "to_organisation")
    if not access.full:
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


# SSYK 2012 group 532: undersköterskor, the protected title since 2023-07-01.
UNDERSKOTERSKA_SSYK_GROUP = "532"


def case_leads_to_protected_title(case: ValidationCase) -> bool:
    """A Komvux case towards undersköterska: its document does not give the protected title,
    which Socialstyrelsen grants on grades (a betyg needs a prövning), and which rule applies
    depends on when the person's studies started (data/reference/validation_models.toml)."""
    if case.model is None or case.model.kind != ModelKind.KOMVUX:
        return False
    return case.model.occupations.filter(code__startswith=UNDERSKOTERSKA_SSYK_GROUP).exists()


@dataclass(frozen=True)
class ReferralTarget:
    """An organisation a case may be referred to, with its distance from the case."""

    organisation: Organisation
    distance_km: float | None


def case_referral_targets(*, case: ValidationCase) -> list[ReferralTarget]:
    """Where the case may be referred ("Hänvisa till"): the organisations that validate its
    target, nearest the case's municipality first, then by name. They are the owner of the
    case's validation model and the providers of its published offers (or, for an occupation
    without a model, of every model for that occupation), and for a Komvux target every
    Komvux huvudman (a municipality), which validates against any course. Never an employer,
    never the case's own organisation."""
    validators = Q(pk__in=[])
    models = ValidationModel.objects.none()
    if case.model_id is not None:
        models = ValidationModel.objects.filter(pk=case.model_id)
    elif case.occupation_id is not None:
        models = ValidationModel.objects.filter(occupations=case.occupation_id)
    if case.model_id is not None or case.occupation_id is not None:
        validators |= Q(pk__in=models.values("owner_id"))
        validators |= Q(
            pk__in=Offer.objects.published().filter(model__in=models).values("provider")
        )
    komvux = case.komvux_course or (case.model is not None and case.model.kind == ModelKind.KOMVUX)
    if komvux:
        validators |= Q(kind=OrganisationKind.MUNICIPALITY)
    organisations = (
        Organisation.objects.filter(validators)
        .exclude(kind=OrganisationKind.EMPLOYER)
        .exclude(pk=case.organisation_id)
        .only("pk", "name", "kind", "municipality_id")
    )
    municipality = case.municipality or case.individual.municipality
    origin = municipality_origin(municipality.code) if municipality is not None else None
    distances = origin.distances if origin is not None else {}
    targets = [
        ReferralTarget(
            organisation,
            distances.get(organisation.municipality_id)
            if organisation.municipality_id is not None
            else None,
        )
        for organisation in organisations
    ]
    return sorted(
        targets,
        key=lambda target: (
            target.distance_km is None,
            target.distance_km or 0.0,
            target.organisation.name,
        ),
    )


def referrals_incoming_for(*, user: Any) -> QuerySet[Referral]:
    """Referrals sent to the user's organisations and not yet answered, newest first, for
    their Mina sidor. What of each case the receiver then sees is `case_for`'s to decide: the
    list names only the case reference, the sender and the date."""
    return (
        Referral.objects.filter(
            to_organisation__in=case_organisations_for_user(user=user).values("pk"),
            status=ReferralStatus.SENT,
        )
        .select_related("case", "from_organisation", "to_organisation")
        .only(
            "pk",
            "created_at",
            "status",
            "case__reference",
            "from_organisation__name",
            "to_organisation__name",
        )
        .order_by("-created_at", "-pk")
    )
