"""The demo cases: idempotent, spread over the process, and one for the assessor persona."""

import io
import itertools
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from valnav.casework.models import (
    CaseTransition,
    CriterionAssessment,
    EducationPlanItem,
    Individual,
    ValidationCase,
)
from valnav.casework.selectors import case_decision_summary
from valnav.casework.states import TRANSITIONS, CaseState
from valnav.demo.casework import seed_cases
from valnav.demo.dates import is_working_day
from valnav.governance.live import validations_completed

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Individual,
            ValidationCase,
            CaseTransition,
            CriterionAssessment,
            EducationPlanItem,
        )
    }


@pytest.fixture(scope="module")
def _seeded_once(_personas_committed, django_db_blocker):
    """`seed_demo` once for the module, inside a transaction rolled back at its end: each test
    runs in a savepoint inside it (pytest-django's `db`), so that what one test deletes or
    changes, the next does not see. Seeded per test it cost two seconds a test."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield counts()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, personas):
    return _seeded_once


def test_seed_demo_twice_gives_the_same_counts(seeded):
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == seeded
    assert seed_cases() == 0


def test_a_deleted_demo_case_comes_back_the_same(seeded):
    case = ValidationCase.objects.get(reference="DEMO-007")
    before = (case.state, case.first_contact, case.model_id, case.decision)
    case.transitions.all().delete()
    case.assessments.all().delete()
    case.plan_items.all().delete()
    individual = case.individual
    case.delete()
    individual.delete()
    assert seed_cases() == 1
    again = ValidationCase.objects.get(reference="DEMO-007")
    assert (again.state, again.first_contact, again.model_id, again.decision) == before


def test_the_demo_cases_are_marked_and_spread_over_the_process(seeded):
    cases = ValidationCase.objects.all()
    assert 35 <= cases.count() <= 45
    assert not cases.filter(is_demo=False).exists()
    assert not Individual.objects.filter(is_demo=False).exists()
    assert all(
        person.given_name == "Demo" and person.family_name.startswith("Person ")
        for person in Individual.objects.all()
    )
    states = Counter(cases.values_list("state", flat=True))
    assert len(states) >= 10
    assert set(cases.exclude(decision="").values_list("decision", flat=True)) == {
        "full",
        "partial",
        "not_met",
    }
    assert set(cases.values_list("organisation__name", flat=True)) == {
        "Västerås stad, Vuxenutbildningen (demo)",
        "Örebro kommun, Vuxenutbildning och vägledning (demo)",
    }
    assert EducationPlanItem.objects.exists()


def test_each_history_follows_the_process_and_its_dates(seeded):
    for case in ValidationCase.objects.prefetch_related("transitions"):
        history = list(case.transitions.all())
        assert history[0].to_state == CaseState.INQUIRY
        assert history[-1].to_state == case.state
        for before, after in itertools.pairwise(history):
            assert after.from_state == before.to_state
            assert after.to_state in TRANSITIONS[CaseState(after.from_state)]
            assert before.at <= after.at
        assert case.ended_on is None or case.ended_on >= case.first_contact


def test_the_assessor_persona_has_a_case_in_assessment_to_try(seeded, personas):
    case = ValidationCase.objects.get(reference="DEMO-001")
    assert case.organisation.name == "Västerås stad, Vuxenutbildningen (demo)"
    assert case.state == CaseState.ASSESSMENT
    assert case.model.criteria.exists()
    assert personas["assessor_vasteras_komvux"] in case.assessors.all()
    summary = case_decision_summary(case)
    assert summary.unassessed
    assert len(summary.unassessed) < len(summary.lines)


def test_decided_cases_have_assessments_that_agree(seeded):
    for case in ValidationCase.objects.filter(
        organisation__name="Västerås stad, Vuxenutbildningen (demo)",
        state__in=["decision", "documented", "closed"],
    ):
        summary = case_decision_summary(case)
        assert summary.suggested == case.decision, case.reference


def test_finished_cases_span_the_seed_project_and_after_on_working_days(seeded):
    decisions = list(
        CaseTransition.objects.filter(to_state=CaseState.DECISION).values_list("at", flat=True)
    )
    days = [timezone.localtime(moment).date() for moment in decisions]
    in_project = [day for day in days if date(2022, 11, 1) <= day <= date(2024, 11, 30)]
    assert len(in_project) >= 5
    assert any(day > date(2024, 11, 30) for day in days)
    assert {day.year for day in in_project} >= {2023, 2024}
    moments = CaseTransition.objects.values_list("at", flat=True)
    assert all(is_working_day(timezone.localtime(moment).date()) for moment in moments)
    firsts = ValidationCase.objects.values_list("first_contact", flat=True)
    assert all(is_working_day(day) for day in firsts)
    assert min(firsts) < date(2023, 3, 1)
    assert all(day <= timezone.localdate() for day in firsts)
    assessed = CriterionAssessment.objects.values_list("assessed_on", flat=True)
    assert all(is_working_day(day) for day in assessed)


def test_the_seed_projects_validations_completed_moves_over_its_period(seeded):
    first_year = validations_completed(since=date(2022, 11, 1), until=date(2023, 11, 30))
    whole = validations_completed(since=date(2022, 11, 1), until=date(2024, 11, 30))
    assert 0 < first_year.value < whole.value
