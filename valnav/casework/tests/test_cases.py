from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from valnav.casework.models import CaseTransition, Individual, ValidationCase
from valnav.casework.selectors import case_lead_times, case_list_for_user
from valnav.casework.services import (
    ConcurrentEditError,
    case_transition,
    individual_register,
)
from valnav.casework.states import CaseState, Decision
from valnav.core.models import AccessLogEntry
from valnav.lib import fieldcrypto

pytestmark = pytest.mark.django_db


def walk(case, actor, *states, decision=""):
    for state in states:
        case = case_transition(
            case=case,
            actor=actor,
            to_state=state,
            expected_version=case.version,
            reason=f"till {state}",
            decision=decision if state == CaseState.DECISION else "",
        )
    return case


def test_a_case_moves_through_the_national_process_and_records_who_when_why(case, personas):
    assessor = personas["assessor_vasteras_komvux"]
    case = walk(
        case,
        assessor,
        CaseState.GUIDANCE,
        CaseState.INITIAL_MAPPING,
        CaseState.IN_DEPTH_MAPPING,
        CaseState.ASSESSMENT,
        CaseState.DECISION,
        CaseState.DOCUMENTED,
        decision=Decision.PARTIAL,
    )
    assert case.state == CaseState.DOCUMENTED
    assert case.decision == Decision.PARTIAL
    steps = list(CaseTransition.objects.filter(case=case).values_list("to_state", "actor"))
    assert [state for state, _ in steps][:3] == ["inquiry", "guidance", "initial_mapping"]
    assert {actor for _, actor in steps} == {assessor.pk}
    assert case_lead_times(case).to_decision == 30


def test_an_invalid_transition_is_refused_with_a_clear_message(case, personas):
    with pytest.raises(ValidationError, match="kan inte gå till"):
        case_transition(
            case=case,
            actor=personas["assessor_vasteras_komvux"],
            to_state=CaseState.DECISION,
            expected_version=case.version,
            decision=Decision.FULL,
        )
    case.refresh_from_db()
    assert case.state == CaseState.INQUIRY


def test_a_decision_needs_its_result(case, personas):
    assessor = personas["assessor_vasteras_komvux"]
    case = walk(
        case, assessor, CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT
    )
    with pytest.raises(ValidationError) as excinfo:
        case_transition(
            case=case, actor=assessor, to_state=CaseState.DECISION, expected_version=case.version
        )
    assert "decision" in excinfo.value.message_dict


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_lost(case, personas):
    assessor = personas["assessor_vasteras_komvux"]
    opened_by_first = ValidationCase.objects.get(pk=case.pk)
    opened_by_second = ValidationCase.objects.get(pk=case.pk)
    case_transition(
        case=opened_by_first,
        actor=assessor,
        to_state=CaseState.GUIDANCE,
        expected_version=opened_by_first.version,
        reason="first",
    )
    with pytest.raises(ConcurrentEditError):
        case_transition(
            case=opened_by_second,
            actor=assessor,
            to_state=CaseState.WITHDRAWN,
            expected_version=opened_by_second.version,
            reason="second",
        )
    case.refresh_from_db()
    assert case.state == CaseState.GUIDANCE
    assert case.version == 2
    assert CaseTransition.objects.filter(case=case, reason="second").count() == 0


def test_only_the_organisations_assessors_and_counsellors_see_the_case(case, personas):
    assert list(case_list_for_user(user=personas["assessor_vasteras_komvux"])) == [case]
    for other in ["counsellor_orebro", "rua_vastmanland", "admin", "outsider"]:
        assert list(case_list_for_user(user=personas[other])) == [], other


def test_people_outside_the_organisation_cannot_move_the_case(case, personas):
    with pytest.raises(PermissionDenied):
        case_transition(
            case=case,
            actor=personas["counsellor_orebro"],
            to_state=CaseState.GUIDANCE,
            expected_version=case.version,
        )


def test_optional_items_need_a_recorded_purpose(personas, komvux):
    assessor = personas["assessor_vasteras_komvux"]
    with pytest.raises(ValidationError) as excinfo:
        individual_register(
            actor=assessor, organisation=komvux, data={"given_name": "Ali", "born_abroad": True}
        )
    assert "born_abroad" in excinfo.value.message_dict
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={"given_name": "Ali", "born_abroad": True},
        purposes={"born_abroad": "Uppföljning av likvärdighet (anonymiserad statistik)"},
    )
    assert person.purposes["born_abroad"].startswith("Uppföljning")


def test_personnummer_is_stored_encrypted_and_found_by_its_keyed_hash(personas, komvux):
    person = individual_register(
        actor=personas["assessor_vasteras_komvux"],
        organisation=komvux,
        data={"given_name": "Eva"},
        personnummer="811218-9876",
    )
    stored = Individual.objects.get(pk=person.pk)
    assert "9876" not in stored.personnummer_encrypted
    assert fieldcrypto.decrypt(stored.personnummer_encrypted) == "198112189876"
    found = Individual.objects.get(personnummer_lookup=fieldcrypto.lookup_hash("198112189876"))
    assert found == person
    with pytest.raises(ValidationError) as excinfo:
        individual_register(
            actor=personas["assessor_vasteras_komvux"],
            organisation=komvux,
            data={},
            personnummer="811218-9877",
        )
    assert "personnummer" in excinfo.value.message_dict


def test_every_write_of_personal_data_is_in_the_access_log_without_names(case):
    entries = list(AccessLogEntry.objects.values_list("action", "record_ref"))
    assert ("create", case.individual.pseudonym) in entries
    assert ("create", case.reference) in entries
    for entry in AccessLogEntry.objects.all():
        assert "Amina" not in str(entry)
    assert str(case.individual) == case.individual.pseudonym


def test_the_access_log_is_append_only(case):
    entry = AccessLogEntry.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_lead_times_count_days_in_sweden_not_in_utc(case, personas):
    case = walk(case, personas["assessor_vasteras_komvux"], CaseState.GUIDANCE)
    # 23:30 UTC in winter is 00:30 in Stockholm: the guidance started on the next day there.
    start = datetime.combine(case.first_contact, datetime.min.time(), tzinfo=UTC)
    CaseTransition.objects.filter(case=case, to_state=CaseState.GUIDANCE).update(
        at=start + timedelta(days=3, hours=23, minutes=30)
    )
    walk(case, personas["assessor_vasteras_komvux"], CaseState.INITIAL_MAPPING)
    CaseTransition.objects.filter(case=case, to_state=CaseState.INITIAL_MAPPING).update(
        at=start + timedelta(days=9, hours=23, minutes=30)
    )
    assert case_lead_times(case).to_initial_mapping == 10
