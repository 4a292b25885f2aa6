"""Referrals: a case passed to another organisation with consent, and what the receiver sees
of it (casework.selectors.CaseAccess) on every page and API answer."""

import json
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from valnav.atlas.models import ValidationModel
from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.models import (
    AssessmentMethod,
    CriterionAssessment,
    CriterionResult,
    Referral,
    ReferralShare,
    ValidationCase,
)
from valnav.casework.selectors import case_for, case_list_for_user
from valnav.casework.services import (
    assessment_record,
    case_open,
    individual_register,
    referral_respond,
    referral_send,
)
from valnav.casework.states import CaseState, Decision
from valnav.casework.tests.test_cases import walk
from valnav.casework.tests.test_credentials import decided, issued  # noqa: F401  (fixtures)
from valnav.core.models import AccessLogEntry
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

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
    access = case_for(user=counsellor, reference=case.reference)
    assert not access.full
    assert access.decision
    assert access.target
    assert not access.identity
    assert not access.criteria
    assert not access.municipality
    assert not access.process
    assert not access.can_change
    assert case_for(user=personas["assessor_vasteras_komvux"], reference=case.reference).full
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


# --- what a receiver sees, on every page and API answer -----------------------------------------

ASSESSOR = "assessor_vasteras_komvux"
RECEIVER = "counsellor_orebro"
PERSONNUMMER = "19811218-9876"
FIRST_CONTACT = date(2026, 3, 14)


def sv(message: str) -> str:
    with translation.override("sv"):
        return escape(translation.gettext(message))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass(frozen=True)
class Referred:
    case: ValidationCase
    occupation: Occupation
    model: ValidationModel


def _referred_case(personas, komvux, *, protected: bool = False) -> Referred:
    """A decided case with every part a referral may or may not share: a person with name,
    contact, personnummer and home municipality, a model and an occupation, an assessed
    criterion."""
    assessor = personas[ASSESSOR]
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={
            "given_name": "Amina",
            "family_name": "Testsson",
            "email": "amina.testsson@example.se",
            "phone": "070-1112233",
            "municipality": Municipality.objects.get(code="1907"),  # Surahammar
            "protected_identity": protected,
        },
        personnummer=PERSONNUMMER,
    )
    model = ValidationModelFactory(name="Validering inom vård och omsorg", ssyk=["5321"])
    occupation = Occupation.objects.get(code="5321")
    case = case_open(
        actor=assessor,
        individual=person,
        organisation=komvux,
        first_contact=FIRST_CONTACT,
        target={"model": model, "occupation": occupation},
    )
    case.assessors.add(assessor)
    criterion = model.criteria.create(position=1, code="VO-1", title="Omvårdnadens grunder")
    case = walk(
        case,
        assessor,
        CaseState.GUIDANCE,
        CaseState.INITIAL_MAPPING,
        CaseState.IN_DEPTH_MAPPING,
        CaseState.ASSESSMENT,
    )
    assessment_record(
        case=case,
        actor=assessor,
        criterion=criterion,
        result=CriterionResult.MET,
        method=AssessmentMethod.INTERVIEW,
        note="Säker i samtalet",
    )
    case = walk(case, assessor, CaseState.DECISION, decision=Decision.FULL)
    return Referred(case=case, occupation=occupation, model=model)


def _refer(referred: Referred, personas, *shares: ReferralShare) -> None:
    referral_send(
        case=referred.case,
        actor=personas[ASSESSOR],
        to_organisation=personas[RECEIVER].memberships.get().organisation,
        shares=list(shares),
        consent_how="Muntligt vid mötet, antecknat av bedömaren",
    )


def _not_shared_unless_decision(referred: Referred) -> list[str]:
    """What a decision-only receiver must find nowhere: the person, the target, the place,
    the dates and the assessment."""
    case = referred.case
    return [
        "Amina",
        "Testsson",
        "amina.testsson@example.se",
        "070-1112233",
        "811218",
        case.individual.pseudonym,
        "Surahammar",
        referred.model.name,
        escape(referred.occupation.name_sv),
        "VO-1",
        "Omvårdnadens grunder",
        "Säker i samtalet",
        FIRST_CONTACT.isoformat(),
    ]


def _receiver_answers(referred: Referred, personas) -> dict[str, str]:
    """Every page and API answer that shows the case to the receiver, by name."""
    client = client_for(personas[RECEIVER])
    case = referred.case
    pages = {
        "list": reverse("casework:case-list"),
        "search by reference": reverse("casework:case-list") + f"?q={case.reference}",
        "page": reverse("casework:case-detail", kwargs={"reference": case.reference}),
        "API list": "/api/v1/cases",
        "API detail": f"/api/v1/cases/{case.reference}",
    }
    answers = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        answers[name] = response.content.decode()
    return answers


def test_a_referral_sharing_only_the_decision_shows_the_receiver_nothing_else(personas, komvux):
    referred = _referred_case(personas, komvux)
    _refer(referred, personas, ReferralShare.DECISION)
    answers = _receiver_answers(referred, personas)
    for name, content in answers.items():
        assert referred.case.reference in content, name
        for secret in _not_shared_unless_decision(referred):
            assert secret not in content, f"{secret} in the {name}"
        assert sv("Protected identity") not in content, name
    for name in ["list", "search by reference", "page"]:
        assert sv("Fully met") in answers[name], name
    body = json.loads(answers["API detail"])
    assert body["decision"] == Decision.FULL
    assert body["shares"] == [ReferralShare.DECISION]
    for part in [
        "pseudonym",
        "first_contact",
        "ended_on",
        "model_id",
        "occupation",
        "komvux_course",
        "municipality",
    ]:
        assert body[part] is None, part
    assert body["assessments"] == []
    assert json.loads(answers["API list"])["items"] == [body]


def test_a_receiver_finds_a_case_only_by_what_is_shared(personas, komvux):
    referred = _referred_case(personas, komvux)
    case = referred.case
    _refer(referred, personas, ReferralShare.DECISION)
    client = client_for(personas[RECEIVER])
    url = reverse("casework:case-list")
    assert case.reference in client.get(url, {"q": case.reference}).content.decode()
    # The search takes at most twelve characters: the occupation by its code.
    for query in [case.individual.pseudonym, referred.occupation.code, "Surahammar"]:
        assert case.reference not in client.get(url, {"q": query}).content.decode(), query
    # Its own organisation finds it by the pseudonym, and so does a receiver given the identity.
    own = client_for(personas[ASSESSOR]).get(url, {"q": case.individual.pseudonym})
    assert case.reference in own.content.decode()
    _refer(referred, personas, ReferralShare.CONTACT)
    found = client.get(url, {"q": case.individual.pseudonym}).content.decode()
    assert case.reference in found


def test_a_referral_sharing_the_contact_shows_the_identity_and_no_target(personas, komvux):
    referred = _referred_case(personas, komvux)
    _refer(referred, personas, ReferralShare.CONTACT)
    answers = _receiver_answers(referred, personas)
    for name in ["list", "page"]:
        assert "Amina Testsson" in answers[name], name
        assert referred.case.individual.pseudonym in answers[name], name
        assert "Surahammar" in answers[name], name
        assert referred.model.name not in answers[name], name
        assert sv("Fully met") not in answers[name], name
    assert "amina.testsson@example.se" in answers["page"]
    assert "811218" not in answers["page"]  # the number itself is never shown
    body = json.loads(answers["API detail"])
    assert body["pseudonym"] == referred.case.individual.pseudonym
    assert body["municipality"] == "1907"
    assert body["decision"] is None
    assert body["model_id"] is None
    assert "Testsson" not in answers["API detail"]  # names never go through the API


def test_a_referral_sharing_target_and_criteria_shows_them(personas, komvux):
    referred = _referred_case(personas, komvux)
    _refer(referred, personas, ReferralShare.TARGET, ReferralShare.CRITERIA)
    answers = _receiver_answers(referred, personas)
    page = answers["page"]
    assert referred.model.name in page
    assert escape(referred.occupation.name_sv) in page
    assert "Omvårdnadens grunder" in page
    assert "Amina" not in page
    assert sv("Fully met") not in page
    body = json.loads(answers["API detail"])
    assert body["occupation"] == "5321"
    assert body["model_id"] == referred.model.pk
    assert [a["criterion"] for a in body["assessments"]] == ["VO-1"]
    assert body["decision"] is None
    assert body["first_contact"] is None


def test_a_protected_identity_is_mentioned_only_to_a_receiver_given_the_identity(personas, komvux):
    referred = _referred_case(personas, komvux, protected=True)
    _refer(referred, personas, ReferralShare.DECISION)
    for name, content in _receiver_answers(referred, personas).items():
        assert sv("Protected identity") not in content, name
    _refer(referred, personas, ReferralShare.CONTACT)
    answers = _receiver_answers(referred, personas)
    for name in ["list", "page"]:
        assert sv("Protected identity") in answers[name], name
        assert "Amina" not in answers[name], name  # only the case's own assessor sees the name
        assert "amina.testsson@example.se" not in answers[name], name


def test_a_receiver_may_not_change_the_case(personas, komvux):
    """Every write of the case page, sent by the receiver with a form that would be valid
    for the case's own assessor: refused, and nothing in the case changes."""
    referred = _referred_case(personas, komvux)
    case = referred.case
    _refer(referred, personas, *ReferralShare.values)
    criterion = referred.model.criteria.get()
    client = client_for(personas[RECEIVER])
    reference = {"reference": case.reference}
    posts = {
        reverse("casework:case-transition", kwargs=reference): {
            "to_state": CaseState.DOCUMENTED,
            "version": case.version,
            "reason": "Mottagaren",
        },
        reverse("casework:case-assess", kwargs=reference): {
            f"c{criterion.pk}-result": CriterionResult.NOT_MET,
            f"c{criterion.pk}-method": AssessmentMethod.TEST,
            f"c{criterion.pk}-note": "Ändrat av mottagaren",
        },
        reverse("casework:plan-item-add", kwargs=reference): {
            "criterion": criterion.pk,
            "status": "planned",
            "note": "Mottagarens plan",
        },
        reverse("casework:evidence-add", kwargs=reference): {"description": "Mottagarens fil"},
        reverse("casework:referral-new", kwargs=reference): {
            "to_organisation": komvux.pk,
            "shares": [ReferralShare.CONTACT],
            "consent_how": "Mottagaren",
        },
        reverse("casework:credential-issue", kwargs=reference): {
            "document_type": "intyg",
            "signer_name": "Mottagare",
            "signer_title": "rektor",
        },
    }
    before = (case.version, CriterionAssessment.objects.get().note, Referral.objects.count())
    for url, data in posts.items():
        assert client.post(url, data).status_code in {403, 404}, url
    case.refresh_from_db()
    after = (case.version, CriterionAssessment.objects.get().note, Referral.objects.count())
    assert after == before
    assert case.state == CaseState.DECISION
    assert not case.plan_items.exists()
    assert not case.evidence.exists()
    assert not case.credentials.exists()


def test_the_lists_take_the_same_queries_for_one_or_many_referred_cases(personas, komvux):
    """The receiver's case list and API list: the shares of a page of referred cases are read
    in one query, the assessments of those that share criteria in one more."""
    client = client_for(personas[RECEIVER])
    referred = _referred_case(personas, komvux)
    _refer(referred, personas, ReferralShare.CRITERIA, ReferralShare.DECISION)
    urls = [reverse("casework:case-list"), "/api/v1/cases"]
    for url in urls:
        client.get(url)  # warm the session
    one = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        one[url] = len(queries)
    # As the own assessor's list (test_views_cases), and one query for the referrals' shares.
    assert one[urls[0]] == 10
    for _ in range(3):
        more = _referred_case(personas, komvux)
        _refer(more, personas, ReferralShare.CRITERIA)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(queries) == one[url], url
    listed = response.json()
    assert listed["count"] == 4
    assert all(len(item["assessments"]) == 1 for item in listed["items"])


def test_a_receiver_sees_the_documents_only_with_the_decision_and_the_target(
    personas,
    issued,  # noqa: F811
):
    """A document's title names the target and it exists only after a decision: listed for a
    receiver given both, without a link (the document itself names the person)."""
    case = issued.case
    receiver = personas[RECEIVER].memberships.get().organisation
    client = client_for(personas[RECEIVER])
    page_url = reverse("casework:case-detail", kwargs={"reference": case.reference})
    document_url = reverse(
        "casework:credential-detail",
        kwargs={"reference": case.reference, "public_id": issued.public_id},
    )
    for shares in [[ReferralShare.DECISION], [ReferralShare.TARGET]]:
        referral_send(
            case=case,
            actor=personas[ASSESSOR],
            to_organisation=receiver,
            shares=shares,
            consent_how="Muntligt",
        )
        page = client.get(page_url).content.decode()
        shown = shares == [ReferralShare.TARGET]  # now with the decision of the first one
        assert (escape(issued.title) in page) is shown, shares
        assert document_url not in page
    assert client.get(document_url).status_code == 404


def test_swedish_pages_say_hanvisat_not_the_medical_remitterat():
    """Issue #16: 'remittera' reads as a medical referral; Swedish says 'hänvisa'."""
    with translation.override("sv"):
        assert str(CaseState.REFERRED.label) == "Hänvisat"
        assert translation.gettext("Refer with consent") == "Hänvisa med samtycke"
        assert translation.gettext("The case is referred.") == "Ärendet är hänvisat."
    with translation.override("en"):
        assert str(CaseState.REFERRED.label) == "Referred"


def test_an_incoming_referral_is_on_the_receivers_pages_and_in_an_email_without_the_name(
    case, personas, mailoutbox, django_capture_on_commit_callbacks
):
    counsellor = personas["counsellor_orebro"]
    orebro = counsellor.memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_send(
            case=case,
            actor=personas["assessor_vasteras_komvux"],
            to_organisation=orebro,
            shares=[ReferralShare.DECISION],
            consent_how="Muntligt",
        )
    (mail,) = mailoutbox
    assert counsellor.email in mail.to
    assert personas["assessor_vasteras_komvux"].email not in mail.to
    link = reverse("casework:case-detail", kwargs={"reference": case.reference})
    assert case.reference in mail.subject
    assert link in mail.body
    for personal in ("Amina", "Testsson", case.individual.pseudonym):
        assert personal not in mail.subject + mail.body

    client = Client()
    client.force_login(counsellor)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{link}#referrals"' in page
    assert case.organisation.name in page
    assert "Amina" not in page
    # Once answered, it no longer waits on Mina sidor.
    referral_respond(referral=referral, actor=counsellor, accept=True)
    assert (
        f'href="{link}#referrals"' not in client.get(reverse("accounts:dashboard")).content.decode()
    )
    # The sender's own pages list nothing incoming.
    client.force_login(personas["assessor_vasteras_komvux"])
    assert link not in client.get(reverse("accounts:dashboard")).content.decode()


def test_referrals_are_hanvisningar_in_swedish_and_the_old_path_moves_on(client, case, personas):
    """A "remiss" reads as a medical referral: the Swedish path says "hanvisningar", and the old
    "remisser" path answers a permanent redirect that keeps a POST a POST (308)."""
    reference = {"reference": case.reference}
    with translation.override("sv"):
        new = reverse("casework:referral-new", kwargs=reference)
        answer = reverse("casework:referral-answer", kwargs={**reference, "pk": 7})
    assert new == f"/arenden/{case.reference}/hanvisningar/"
    assert answer == f"/arenden/{case.reference}/hanvisningar/7/svar/"
    with translation.override("en"):
        assert reverse("casework:referral-new", kwargs=reference).endswith("/referrals/")
    client.force_login(personas["assessor_vasteras_komvux"])
    moved = client.post(f"/arenden/{case.reference}/remisser/", {})
    assert moved.status_code == 308
    assert moved["Location"] == new
    moved = client.get(f"/arenden/{case.reference}/remisser/7/svar/")
    assert moved.status_code == 308
    assert moved["Location"] == answer
