import pytest
from django.core.exceptions import ValidationError

from valnav.casework.models import ReferralShare
from valnav.casework.selectors import case_list_for_user, case_view_for
from valnav.casework.services import referral_send
from valnav.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def test_the_receiver_sees_the_case_but_only_what_the_referral_shares(case, personas):
    counsellor = personas["counsellor_orebro"]
    receiver = counsellor.memberships.get().organisation
    assert list(case_list_for_user(user=counsellor)) == []
    referral_send(
        case=case,
        actor=personas["assessor_vasteras_komvux"],
        to_organisation=receiver,
        shares=[ReferralShare.TARGET, ReferralShare.DECISION],
        consent_how="Muntligt vid mötet, antecknat av bedömaren",
    )
    assert list(case_list_for_user(user=counsellor)) == [case]
    view = case_view_for(user=counsellor, case=case)
    assert not view.full
    assert view.shows_decision
    assert not view.shows_contact
    assert not view.shows_criteria
    assert case_view_for(user=personas["assessor_vasteras_komvux"], case=case).full
    assert AccessLogEntry.objects.filter(action="export", record_ref=case.reference).exists()


def test_a_referral_needs_recorded_consent(case, personas):
    receiver = personas["counsellor_orebro"].memberships.get().organisation
    with pytest.raises(ValidationError) as excinfo:
        referral_send(
            case=case,
            actor=personas["assessor_vasteras_komvux"],
            to_organisation=receiver,
            shares=["contact"],
            consent_how=" ",
        )
    assert "consent_how" in excinfo.value.message_dict
    assert list(case_list_for_user(user=personas["counsellor_orebro"])) == []
