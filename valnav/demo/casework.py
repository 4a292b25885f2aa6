"""Demo validation cases at the two demo Komvux organisations (accounts.personas).

About forty invented cases, marked `is_demo`, about people called "Demo Person 1" … so that no
one mistakes them for real: spread over the process's states and decisions, criterion
assessments where the model has criteria, and complementary-education plans for the cases with
gaps. The cases that have come to a decision or an end began over the seed project's period
(from November 2022) and the platform's life after it, so that the indicators built on cases
move over the period; the cases still under way began in the past year. Every date (first
contact, each move, assessment and plan item) falls on a working day (valnav.demo.dates).
Case DEMO-001 at Västerås Komvux is in assessment with a model with criteria, half assessed,
for the assessor persona to try.

Cases are keyed by their reference (DEMO-001 …): a second run creates nothing, and a demo case
someone deleted comes back. Drawn with a fixed seed; dates count back from the day of seeding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from valnav.accounts.models import Organisation, User
from valnav.accounts.personas import DEMO_ORGANISATIONS, PERSONAS_BY_KEY
from valnav.atlas.models import ComplementaryEducation, Criterion, ValidationModel
from valnav.casework.case_io import END_STATES, process_path, transition_times
from valnav.casework.facts import case_facts_refresh
from valnav.casework.models import (
    AssessmentMethod,
    CaseTransition,
    CriterionAssessment,
    CriterionResult,
    EducationPlanItem,
    Gender,
    Individual,
    PlanItemStatus,
    ValidationCase,
)
from valnav.casework.states import CaseState, Decision
from valnav.demo.dates import working_day_until
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

SEED = 2026
# The first demo case began in the seed project's first month (it ran 2022-11 – 2024-11).
CASES_FROM = date(2022, 11, 14)
S = CaseState
D = Decision

# Per organisation (persona organisation key): the states of its cases, one each, in order.
# Västerås Komvux validates through the whole process; Örebro's Vuxenutbildning och
# vägledning meets people early on and sends some on.
STATES: dict[str, list[tuple[CaseState, Decision | None]]] = {
    "vasteras-komvux": [
        (S.ASSESSMENT, None),  # DEMO-001, for the assessor persona
        (S.INQUIRY, None),
        (S.INQUIRY, None),
        (S.GUIDANCE, None),
        (S.INITIAL_MAPPING, None),
        (S.INITIAL_MAPPING, None),
        (S.IN_DEPTH_MAPPING, None),
        (S.IN_DEPTH_MAPPING, None),
        (S.ASSESSMENT, None),
        (S.ASSESSMENT, None),
        (S.DECISION, D.FULL),
        (S.DECISION, D.PARTIAL),
        (S.DOCUMENTED, D.FULL),
        (S.DOCUMENTED, D.PARTIAL),
        (S.DOCUMENTED, D.NOT_MET),
        (S.COMPLEMENTARY_EDUCATION, D.PARTIAL),
        (S.COMPLEMENTARY_EDUCATION, D.PARTIAL),
        (S.COMPLEMENTARY_EDUCATION, D.NOT_MET),
        (S.REASSESSMENT, D.PARTIAL),
        (S.CLOSED, D.FULL),
        (S.CLOSED, D.FULL),
        (S.CLOSED, D.FULL),
        (S.CLOSED, D.PARTIAL),
        (S.CLOSED, D.PARTIAL),
        (S.CLOSED, D.NOT_MET),
        (S.WITHDRAWN, None),
        (S.WITHDRAWN, D.PARTIAL),
        (S.REFERRED, None),
    ],
    "orebro-vagledning": [
        (S.INQUIRY, None),
        (S.INQUIRY, None),
        (S.GUIDANCE, None),
        (S.GUIDANCE, None),
        (S.GUIDANCE, None),
        (S.INITIAL_MAPPING, None),
        (S.INITIAL_MAPPING, None),
        (S.INITIAL_MAPPING, None),
        (S.IN_DEPTH_MAPPING, None),
        (S.WITHDRAWN, None),
        (S.REFERRED, None),
        (S.REFERRED, None),
    ],
}
ACTORS = {"vasteras-komvux": "assessor_vasteras_komvux", "orebro-vagledning": "counsellor_orebro"}
# Komvux's own models, most often vård och omsorg (DOMAIN.md §2; demo.atlas offers the same).
MODEL_KEYS = [
    "komvux-vard-omsorg",
    "komvux-vard-omsorg",
    "komvux-vard-omsorg",
    "komvux-barnskotare",
    "komvux-industri",
    "komvux-bygg",
    "komvux-el",
    "komvux-kock",
    "komvux-lager-logistik",
]
PERSONA_CASE_MODEL = "komvux-vard-omsorg"
PURPOSE = "Uppföljning av jämställdhet och likvärdighet (demo)"


@dataclass(frozen=True)
class _Context:
    organisations: dict[str, Organisation]
    actors: dict[str, User]
    models: list[ValidationModel]
    criteria: dict[int, list[Criterion]]
    occupations: dict[int, int | None]  # model id → one of its occupations' ids
    educations: dict[int, list[ComplementaryEducation]]
    municipalities: dict[int, list[Municipality]]  # county id → its municipalities


def _context() -> _Context | None:
    numbers = {spec.key: spec.org_number for spec in DEMO_ORGANISATIONS}
    organisations = {
        key: organisation
        for key in STATES
        if (
            organisation := Organisation.objects.filter(
                org_number=numbers[key], is_demo=True
            ).first()
        )
    }
    actors = {
        key: user
        for key, persona in ACTORS.items()
        if (user := User.objects.filter(email=PERSONAS_BY_KEY[persona].email).first())
    }
    by_key = {
        model.key: model
        for model in ValidationModel.objects.filter(key__in=MODEL_KEYS).prefetch_related(
            "criteria", "occupations", "educations"
        )
    }
    if len(organisations) < len(STATES) or len(actors) < len(ACTORS) or not by_key:
        return None  # no personas or no reference data: nothing to hang cases on
    models = [by_key[key] for key in MODEL_KEYS if key in by_key]
    municipalities: dict[int, list[Municipality]] = {}
    for municipality in Municipality.objects.order_by("code"):
        municipalities.setdefault(municipality.county_id, []).append(municipality)
    occupations: dict[int, int | None] = {}
    for model in by_key.values():
        codes: list[Occupation] = sorted(model.occupations.all(), key=lambda o: o.code)
        occupations[model.pk] = codes[0].pk if codes else None
    return _Context(
        organisations=organisations,
        actors=actors,
        models=models,
        criteria={
            model.pk: sorted(model.criteria.all(), key=lambda c: c.position)
            for model in by_key.values()
        },
        occupations=occupations,
        educations={
            model.pk: sorted(
                (e for e in model.educations.all() if e.is_demo), key=lambda e: e.external_id
            )
            for model in by_key.values()
        },
        municipalities=municipalities,
    )


def _spread(first: date, last: date, count: int) -> list[date]:
    """`count` dates from `first` to `last`, evenly apart, each on a working day (the same or
    the one before, so that none passes `last`)."""
    if count == 1:
        return [working_day_until(first)]
    span = (last - first).days
    return [
        working_day_until(first + timedelta(days=span * step // (count - 1)))
        for step in range(count)
    ]


def _finished(state: CaseState, decision: Decision | None) -> bool:
    """Whether a case has come to a decision or an end: one that may have begun long ago."""
    return decision is not None or state in END_STATES


def seed_cases() -> int:
    """Create the demo cases that do not exist yet; returns how many were created."""
    context = _context()
    if context is None:
        return 0
    rng = random.Random(SEED)  # noqa: S311  (demo data, reproducible on purpose)
    today = timezone.localdate()
    existing = set(
        ValidationCase.objects.filter(reference__startswith="DEMO-").values_list(
            "reference", flat=True
        )
    )
    created = 0
    number = 0
    # The finished cases in order, each given its own stretch of the time since CASES_FROM.
    finished = sum(_finished(*pair) for states in STATES.values() for pair in states)
    position = 0
    with transaction.atomic():
        for key, states in STATES.items():
            organisation = context.organisations[key]
            actor = context.actors[key]
            for state, decision in states:
                number += 1
                reference = f"DEMO-{number:03d}"
                stretch = None
                if _finished(state, decision):
                    stretch = (position, finished)
                    position += 1
                # Draw every case's numbers even when it exists, so that the others stay the
                # same when one was deleted and comes back.
                draws = _Draws(
                    rng,
                    context,
                    number,
                    len(process_path(state, decided=bool(decision))),
                    today,
                    stretch,
                )
                if reference in existing:
                    continue
                _create(context, organisation, actor, reference, number, state, decision, draws)
                created += 1
        # The transitions and plan items went in in bulk, which sends no signals.
        case_facts_refresh(ValidationCase.objects.filter(is_demo=True).values_list("pk", flat=True))
    return created


class _Draws:
    """The random choices for one case."""

    def __init__(
        self,
        rng: random.Random,
        context: _Context,
        number: int,
        steps: int,
        today: date,
        stretch: tuple[int, int] | None,
    ) -> None:
        persona_case = number == 1
        self.model = (
            next(m for m in context.models if m.key == PERSONA_CASE_MODEL)
            if persona_case and any(m.key == PERSONA_CASE_MODEL for m in context.models)
            else rng.choice(context.models)
        )
        back = rng.randint(30 + 8 * steps, 360)
        self.first_contact = today - timedelta(days=back)
        if stretch is not None:
            # A finished case: the `index`-th of `count` stretches from CASES_FROM until its
            # steps could have been taken by today (five weeks a step at most).
            index, count = stretch
            days = max((today - CASES_FROM).days - 35 * steps, count)
            self.first_contact = CASES_FROM + timedelta(
                days=(days * index + back * days // 360) // count
            )
        # Two to five weeks a step, up to a few days ago.
        self.last = min(
            today - timedelta(days=rng.randint(0, 10)),
            self.first_contact + timedelta(weeks=rng.randint(2, 5) * steps),
        )
        self.gender = rng.choice(
            [Gender.WOMAN, Gender.WOMAN, Gender.MAN, Gender.MAN, Gender.OTHER, ""]
        )
        self.birth_year = rng.randint(1965, 2003)
        self.born_abroad = rng.random() < 0.45
        self.home_offset = rng.randint(0, 50)
        self.results = [rng.random() for _ in range(12)]
        self.method = rng.choice(list(AssessmentMethod))


def _create(
    context: _Context,
    organisation: Organisation,
    actor: User,
    reference: str,
    number: int,
    state: CaseState,
    decision: Decision | None,
    draws: _Draws,
) -> None:
    home = organisation.municipality
    if home is not None and draws.home_offset < 15:
        # Some come from a neighbouring municipality in the same county.
        neighbours = context.municipalities.get(home.county_id, [home])
        home = neighbours[draws.home_offset % len(neighbours)]
    person = Individual.objects.create(
        organisation=organisation,
        given_name="Demo",
        family_name=f"Person {number}",
        email=f"demo.person.{number}@demo.valnav.example",
        municipality=home,
        gender=draws.gender,
        birth_year=draws.birth_year,
        born_abroad=draws.born_abroad,
        purposes=dict.fromkeys(("gender", "birth_year", "born_abroad"), PURPOSE)
        if draws.gender
        else {"birth_year": PURPOSE, "born_abroad": PURPOSE},
        is_demo=True,
    )
    model = draws.model
    path = process_path(state, decided=decision is not None)
    dates = _spread(draws.first_contact, draws.last, len(path))
    case = ValidationCase.objects.create(
        reference=reference,
        individual=person,
        organisation=organisation,
        model=model,
        occupation_id=context.occupations.get(model.pk),
        municipality=home,
        state=state,
        decision=decision or "",
        first_contact=dates[0],
        ended_on=dates[-1] if state in END_STATES else None,
        is_demo=True,
    )
    if organisation.memberships.filter(user=actor, role="assessor").exists():
        case.assessors.add(actor)
    CaseTransition.objects.bulk_create(
        CaseTransition(
            case=case,
            from_state=path[position - 1] if position else "",
            to_state=step,
            actor=actor,
            at=moment,
            reason="Demo",
        )
        for position, (step, moment) in enumerate(zip(path, transition_times(dates), strict=True))
    )
    criteria = context.criteria.get(model.pk, [])
    assessed_until = (
        len(criteria) // 2
        if state in (S.IN_DEPTH_MAPPING, S.ASSESSMENT)
        else len(criteria)
        if CaseState.DECISION in path
        else 0
    )
    if not criteria or not assessed_until or not case.assessors.exists():
        return
    decided_on = dates[path.index(S.DECISION)] if S.DECISION in path else dates[-1]
    results = [
        _result(decision, draws.results[index % len(draws.results)], index)
        for index in range(assessed_until)
    ]
    CriterionAssessment.objects.bulk_create(
        CriterionAssessment(
            case=case,
            criterion=criterion,
            result=result,
            method=draws.method,
            assessor=actor,
            assessed_on=min(decided_on, dates[-1]),
            note="Demo",
        )
        for criterion, result in zip(criteria, results, strict=False)
    )
    gaps = [
        criterion
        for criterion, result in zip(criteria, results, strict=False)
        if result in (CriterionResult.PARTLY_MET, CriterionResult.NOT_MET)
    ]
    if not gaps or state not in (S.DOCUMENTED, S.COMPLEMENTARY_EDUCATION, S.REASSESSMENT):
        return
    educations = context.educations.get(model.pk, [])
    started = (
        dates[path.index(S.COMPLEMENTARY_EDUCATION)] if S.COMPLEMENTARY_EDUCATION in path else None
    )
    status = _plan_status(state, started)
    EducationPlanItem.objects.bulk_create(
        EducationPlanItem(
            case=case,
            criterion=criterion,
            education=educations[index % len(educations)] if educations else None,
            status=status,
            started_on=started,
            finished_on=dates[-1] if status == PlanItemStatus.FINISHED else None,
            note="Demo",
        )
        for index, criterion in enumerate(gaps[:3])
    )


def _result(decision: Decision | None, draw: float, index: int) -> CriterionResult:
    """Results that agree with the decision (casework.selectors.case_decision_summary)."""
    if decision == D.FULL:
        return CriterionResult.MET
    if decision == D.NOT_MET:
        return CriterionResult.NOT_MET
    if decision == D.PARTIAL:
        if index == 0:
            return CriterionResult.PARTLY_MET  # at least one gap
        return CriterionResult.MET if draw < 0.6 else CriterionResult.PARTLY_MET
    return CriterionResult.MET if draw < 0.7 else CriterionResult.PARTLY_MET


def _plan_status(state: CaseState, started: date | None) -> PlanItemStatus:
    if started is None:
        return PlanItemStatus.PLANNED
    if state == S.COMPLEMENTARY_EDUCATION:
        return PlanItemStatus.STARTED
    return PlanItemStatus.FINISHED
