import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from valnav.atlas.tests.factories import EducationFactory, ValidationModelFactory
from valnav.casework.models import CriterionResult
from valnav.casework.selectors import case_decision_summary, case_education_suggestions
from valnav.casework.services import assessment_record, case_transition
from valnav.casework.states import CaseState, Decision
from valnav.casework.tests.test_cases import walk
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(case, personas):
    model = case.model
    for position, title in enumerate(["Vård- och omsorgsarbete", "Etik", "Psykiatri"], 1):
        model.criteria.create(position=position, code=f"VO-{position}", title=title)
    assessor = personas["assessor_vasteras_komvux"]
    return walk(
        case, assessor, CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT
    )


def test_criteria_results_suggest_a_partial_decision_and_name_the_gaps(assessed, personas):
    assessor = personas["assessor_vasteras_komvux"]
    first, second, third = assessed.model.criteria.order_by("position")
    assessment_record(
        case=assessed,
        actor=assessor,
        criterion=first,
        result=CriterionResult.MET,
        method="practical",
    )
    assessment_record(
        case=assessed,
        actor=assessor,
        criterion=second,
        result=CriterionResult.PARTLY_MET,
        method="interview",
    )
    summary = case_decision_summary(assessed)
    assert summary.suggested is None  # one criterion is still unassessed
    assessment_record(
        case=assessed,
        actor=assessor,
        criterion=third,
        result=CriterionResult.NOT_MET,
        method="test",
    )
    summary = case_decision_summary(assessed)
    assert summary.suggested == Decision.PARTIAL
    assert [c.code for c in summary.gaps] == ["VO-2", "VO-3"]
    case = case_transition(
        case=assessed,
        actor=assessor,
        to_state=CaseState.DECISION,
        expected_version=assessed.version,
        decision=summary.suggested,
    )
    assert case.decision == Decision.PARTIAL


def test_a_criterion_is_assessed_once_and_can_be_corrected(assessed, personas):
    assessor = personas["assessor_vasteras_komvux"]
    criterion = assessed.model.criteria.first()
    assessment_record(
        case=assessed,
        actor=assessor,
        criterion=criterion,
        result=CriterionResult.NOT_MET,
        method="test",
    )
    assessment_record(
        case=assessed,
        actor=assessor,
        criterion=criterion,
        result=CriterionResult.MET,
        method="practical",
    )
    assert assessed.assessments.count() == 1
    assert assessed.assessments.get().result == CriterionResult.MET


def test_only_the_models_own_criteria_and_only_assessors(assessed, personas):
    other = ValidationModelFactory()
    foreign = other.criteria.create(position=1, code="X-1", title="Annat")
    with pytest.raises(ValidationError):
        assessment_record(
            case=assessed,
            actor=personas["assessor_vasteras_komvux"],
            criterion=foreign,
            result=CriterionResult.MET,
            method="test",
        )
    with pytest.raises(PermissionDenied):
        assessment_record(
            case=assessed,
            actor=personas["counsellor_orebro"],
            criterion=assessed.model.criteria.first(),
            result=CriterionResult.MET,
            method="test",
        )


def test_gaps_lead_to_education_near_the_individual(assessed):
    near = EducationFactory(
        title="Psykiatri 1",
        municipality=Municipality.objects.get(code="1961"),
        closes=[assessed.model],
    )
    far = EducationFactory(
        title="Psykiatri 1 (Linköping)",
        municipality=Municipality.objects.get(code="0580"),
        closes=[assessed.model],
    )
    assert case_education_suggestions(assessed) == [near, far]
