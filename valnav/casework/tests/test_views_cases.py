"""The case pages end to end through the test client: list, register, open, the case itself,
assessment, the education plan, referrals, documents and the access log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from valnav.accounts.models import OrganisationKind
from valnav.accounts.services import membership_grant, user_create
from valnav.atlas.tests.factories import EducationFactory, OfferFactory, OrganisationFactory
from valnav.casework.models import (
    CaseTransition,
    CriterionAssessment,
    EducationPlanItem,
    Individual,
    PlanItemStatus,
    Referral,
    ReferralShare,
    ReferralStatus,
    ValidationCase,
)
from valnav.casework.services import (
    assessment_record,
    case_open,
    case_transition,
    individual_register,
    referral_send,
)
from valnav.casework.states import CaseState, Decision
from valnav.casework.tests.test_cases import walk
from valnav.core.models import AccessLogEntry
from valnav.core.permissions import Role
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

ASSESSOR = "assessor_vasteras_komvux"


def sv_text(message: str) -> str:
    """`message` in Swedish (the catalogue's, or the source until it has one)."""
    with translation.override("sv"):
        return translation.gettext(message)


def sv(message: str) -> str:
    """`message` as the page shows it, HTML-escaped."""
    return escape(sv_text(message))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(case) -> str:
    return reverse("casework:case-detail", kwargs={"reference": case.reference})


@pytest.fixture
def assessor(personas):
    return personas[ASSESSOR]


@pytest.fixture
def colleague(komvux):
    """A counsellor at the same Komvux: sees the organisation's cases but is no assessor."""
    user = user_create(email="kollega@example.se", full_name="Kim Kollega", password=None)
    membership_grant(user=user, organisation=komvux, role=Role.GUIDANCE_COUNSELLOR)
    return user


@pytest.fixture
def criteria(case):
    for position, title in enumerate(["Vård- och omsorgsarbete", "Etik", "Psykiatri"], 1):
        case.model.criteria.create(position=position, code=f"VO-{position}", title=title)
    return list(case.model.criteria.order_by("position"))


@pytest.fixture
def in_assessment(case, criteria, assessor):
    return walk(
        case, assessor, CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT
    )


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_organisations_cases_with_names_to_its_assessor(case, assessor):
    response = client_for(assessor).get(reverse("casework:case-list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert case.reference in content
    assert case.individual.pseudonym in content
    assert "Amina Testsson" in content
    assert "Validering inom vård och omsorg" in content
    assert "Amina" not in content.split("<title>")[1].split("</title>")[0]


def test_a_counsellor_elsewhere_sees_no_case_in_the_list(case, personas):
    response = client_for(personas["counsellor_orebro"]).get(reverse("casework:case-list"))
    assert response.status_code == 200
    assert case.reference not in response.content.decode()


def test_the_list_filters_by_state_open_and_reference(case, assessor):
    client = client_for(assessor)
    url = reverse("casework:case-list")
    assert case.reference in client.get(url, {"state": "inquiry"}).content.decode()
    assert case.reference not in client.get(url, {"state": "assessment"}).content.decode()
    assert (
        case.reference in client.get(url, {"q": case.individual.pseudonym.lower()}).content.decode()
    )
    assert case.reference not in client.get(url, {"q": "V-ZZZZZZZZ"}).content.decode()
    walk(case, assessor, CaseState.WITHDRAWN)
    assert case.reference not in client.get(url, {"only_open": "on"}).content.decode()
    assert case.reference in client.get(url).content.decode()
    # A bad filter value is dropped with its message, the page still answers.
    assert client.get(url, {"state": "nonsense"}).status_code == 200


def _more_cases(count, assessor, komvux):
    model = ValidationCase.objects.first().model
    for number in range(count):
        person = individual_register(
            actor=assessor,
            organisation=komvux,
            data={"given_name": f"Person {number}", "protected_identity": number % 2 == 0},
        )
        case_open(actor=assessor, individual=person, organisation=komvux, target={"model": model})


def test_the_list_takes_the_same_queries_for_one_row_or_a_full_page(
    case, assessor, komvux, django_assert_num_queries
):
    client = client_for(assessor)
    url = reverse("casework:case-list")
    client.get(url)  # warm the session
    # session, user, roles (the menu), count, rows, one bulk insert into the access log, and
    # the session's save (savepoint, update, release)
    with django_assert_num_queries(9):
        client.get(url)
    _more_cases(30, assessor, komvux)
    before = AccessLogEntry.objects.filter(action="view").count()
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["rows"]) == 25
    # One VIEW per case shown, written together.
    assert AccessLogEntry.objects.filter(action="view").count() == before + 25
    with django_assert_num_queries(9):
        second = client.get(url, {"page": "2"})
    assert len(second.context["rows"]) == 6


def test_the_list_logs_each_case_it_shows(case, assessor):
    client_for(assessor).get(reverse("casework:case-list"))
    entry = AccessLogEntry.objects.get(action="view", record_ref=case.reference)
    assert entry.actor == assessor
    assert entry.record_type == "casework.validationcase"


def test_a_protected_identity_is_shown_only_to_the_cases_assessor(
    assessor, colleague, komvux, criteria
):
    person = individual_register(
        actor=colleague,
        organisation=komvux,
        data={"given_name": "Hemlig", "family_name": "Person", "protected_identity": True},
    )
    protected = case_open(
        actor=assessor, individual=person, organisation=komvux, target={"komvux_course": "X"}
    )
    for url in [reverse("casework:case-list"), detail_url(protected)]:
        own = client_for(assessor).get(url).content.decode()
        assert "Hemlig" in own
        other = client_for(colleague).get(url).content.decode()
        assert "Hemlig" not in other
        assert sv("Protected identity") in other


# --- registering and opening --------------------------------------------------------------------


def test_registering_a_person_leads_on_to_opening_their_case(assessor, komvux):
    response = client_for(assessor).post(
        reverse("casework:individual-new"),
        {
            "organisation": komvux.pk,
            "given_name": "Sara",
            "family_name": "Svensson",
            "email": "sara@example.se",
            "municipality": Municipality.objects.get(code="1980").pk,
            "gender": "woman",
            "gender_purpose": "Uppföljning av jämställdhet",
            "personnummer": "19811218-9876",
        },
    )
    person = Individual.objects.get(given_name="Sara")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?individual={person.pseudonym}")
    assert "Sara" not in response["Location"]
    assert person.purposes == {"gender": "Uppföljning av jämställdhet"}
    assert person.personnummer_lookup


def test_registering_shows_each_error_on_its_field(assessor, komvux):
    response = client_for(assessor).post(
        reverse("casework:individual-new"),
        {
            "organisation": komvux.pk,
            "given_name": "Sara",
            "family_name": "Svensson",
            "municipality": Municipality.objects.get(code="1980").pk,
            "born_abroad": "yes",
            "personnummer": "811218-9877",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "born_abroad_purpose" in form.errors  # the purpose is what is missing
    assert not Individual.objects.filter(given_name="Sara").exists()
    content = response.content.decode()
    assert 'href="#id_born_abroad_purpose"' in content  # the error summary links the field
    assert 'aria-invalid="true"' in content

    response = client_for(assessor).post(
        reverse("casework:individual-new"),
        {
            "organisation": komvux.pk,
            "given_name": "Sara",
            "family_name": "Svensson",
            "municipality": Municipality.objects.get(code="1980").pk,
            "personnummer": "811218-9877",
        },
    )
    assert "personnummer" in response.context["form"].errors
    assert 'href="#id_personnummer"' in response.content.decode()


def test_opening_a_case_for_a_registered_person(assessor, komvux, case):
    person = case.individual
    url = reverse("casework:case-new")
    page = client_for(assessor).get(url, {"individual": person.pseudonym})
    assert page.context["form"]["individual"].value() == person.pseudonym
    response = client_for(assessor).post(
        url,
        {
            "individual": person.pseudonym,
            "organisation": komvux.pk,
            "komvux_course": "Vård- och omsorgsarbete 1",
            "reason": "Vill validera undersköterskekunskaper",
        },
    )
    opened = ValidationCase.objects.get(komvux_course="Vård- och omsorgsarbete 1")
    assert response.status_code == 302
    assert response["Location"] == detail_url(opened)
    assert opened.individual == person
    assert opened.assessors.get() == assessor
    assert opened.transitions.get().reason == "Vill validera undersköterskekunskaper"


def test_a_case_needs_a_target_and_a_person_of_ones_own_organisation(assessor, komvux, personas):
    url = reverse("casework:case-new")
    response = client_for(assessor).post(
        url, {"individual": "P-NOTFOUND", "organisation": komvux.pk}
    )
    form = response.context["form"]
    assert set(form.errors) == {"individual", "model"}
    orebro = personas["counsellor_orebro"].memberships.get().organisation
    elsewhere = individual_register(
        actor=personas["counsellor_orebro"], organisation=orebro, data={"given_name": "Ö"}
    )
    response = client_for(assessor).post(
        url, {"individual": elsewhere.pseudonym, "organisation": komvux.pk, "komvux_course": "X"}
    )
    assert "individual" in response.context["form"].errors
    assert not ValidationCase.objects.filter(komvux_course="X").exists()


def test_people_without_a_case_role_get_a_clear_page(personas):
    response = client_for(personas["admin"]).get(reverse("casework:individual-new"))
    assert response.status_code == 200
    assert "form" not in response.content.decode().split("<main")[1].split("</main>")[0]


# --- the case -----------------------------------------------------------------------------------


def test_the_case_page_shows_the_process_history_and_lead_times(case, assessor):
    case = walk(case, assessor, CaseState.GUIDANCE, CaseState.INITIAL_MAPPING)
    response = client_for(assessor).get(detail_url(case))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Amina Testsson" in content
    assert "Amina" not in content.split("<title>")[1].split("</title>")[0]
    assert 'aria-current="step"' in content
    steps = response.context["steps"]
    assert [step.state for step in steps if step.current] == [CaseState.INITIAL_MAPPING]
    assert [step.state for step in steps if step.reached][:3] == [
        CaseState.INQUIRY,
        CaseState.GUIDANCE,
        CaseState.INITIAL_MAPPING,
    ]
    assert "till guidance" in content  # who, when, why
    assert response.context["lead_times"].to_initial_mapping == 30
    form = response.context["transition_form"]
    assert form["version"].value() == case.version
    offered = [value for value, _label in form.fields["to_state"].widget.choices]
    assert offered == ["in_depth_mapping", "withdrawn", "referred"]


def test_the_case_page_is_logged_once_per_view(case, assessor):
    before = AccessLogEntry.objects.filter(action="view", record_ref=case.reference).count()
    client_for(assessor).get(detail_url(case))
    assert AccessLogEntry.objects.filter(action="view", record_ref=case.reference).count() == (
        before + 1
    )


@pytest.mark.parametrize("persona", ["counsellor_orebro", "admin"])
def test_another_organisation_gets_404_for_the_case(case, personas, persona):
    client = client_for(personas[persona])
    assert client.get(detail_url(case)).status_code == 404
    response = client.post(
        reverse("casework:case-transition", kwargs={"reference": case.reference}),
        {"to_state": "guidance", "version": case.version},
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.INQUIRY


def test_a_transition_is_saved_with_its_reason(case, assessor):
    response = client_for(assessor).post(
        reverse("casework:case-transition", kwargs={"reference": case.reference}),
        {"to_state": "guidance", "version": case.version, "reason": "Första samtalet"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.GUIDANCE
    assert CaseTransition.objects.filter(case=case, reason="Första samtalet").exists()


def test_an_invalid_transition_is_refused_with_the_services_message(case, assessor):
    response = client_for(assessor).post(
        reverse("casework:case-transition", kwargs={"reference": case.reference}),
        {"to_state": "documented", "version": case.version, "reason": "Hoppa"},
    )
    assert response.status_code == 400
    with translation.override("sv"):
        message = translation.gettext(
            "A case in the state “%(current)s” cannot go to “%(target)s”."
        ) % {"current": CaseState.INQUIRY.label, "target": CaseState.DOCUMENTED.label}
    assert escape(message) in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.INQUIRY


def test_the_second_of_two_concurrent_changes_is_refused_and_its_reason_kept(
    case, assessor, colleague
):
    first, second = client_for(assessor), client_for(colleague)
    url = reverse("casework:case-transition", kwargs={"reference": case.reference})
    version_first = first.get(detail_url(case)).context["transition_form"]["version"].value()
    version_second = second.get(detail_url(case)).context["transition_form"]["version"].value()
    assert version_first == version_second == case.version
    assert first.post(url, {"to_state": "guidance", "version": version_first}).status_code == 302

    reason = "Personen vill avbryta – skriven med omsorg"
    response = second.post(
        url, {"to_state": "initial_mapping", "version": version_second, "reason": reason}
    )
    assert response.status_code == 409
    content = response.content.decode()
    message = sv(
        "Someone else changed this case after you opened it. Nothing was saved; "
        "reload the case to see their change and try again."
    )
    assert message in content
    assert escape(reason) in content  # the typed reason is still in the form
    form = response.context["transition_form"]
    assert form["reason"].value() == reason
    assert form["to_state"].value() == "initial_mapping"
    case.refresh_from_db()
    assert case.state == CaseState.GUIDANCE
    assert form["version"].value() == str(case.version)  # sending again now would work
    assert not CaseTransition.objects.filter(reason=reason).exists()
    assert second.post(url, form.data).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.INITIAL_MAPPING


def test_a_counsellor_is_not_offered_the_decision(in_assessment, colleague, assessor):
    form = client_for(colleague).get(detail_url(in_assessment)).context["transition_form"]
    offered = [value for value, _label in form.fields["to_state"].widget.choices]
    assert "decision" not in offered
    assert "decision" not in form.fields
    form = client_for(assessor).get(detail_url(in_assessment)).context["transition_form"]
    assert "decision" in [value for value, _label in form.fields["to_state"].widget.choices]


def test_the_decision_is_preselected_from_the_criteria_and_can_be_made(
    in_assessment, criteria, assessor
):
    for criterion, result in zip(criteria, ["met", "partly_met", "not_met"], strict=True):
        assessment_record(
            case=in_assessment, actor=assessor, criterion=criterion, result=result, method="test"
        )
    client = client_for(assessor)
    response = client.get(detail_url(in_assessment))
    form = response.context["transition_form"]
    assert form["decision"].value() == Decision.PARTIAL
    assert '<option value="partial" selected>' in response.content.decode()
    assert [c.code for c in response.context["summary"].gaps] == ["VO-2", "VO-3"]
    response = client.post(
        reverse("casework:case-transition", kwargs={"reference": in_assessment.reference}),
        {"to_state": "decision", "decision": "", "version": in_assessment.version},
    )
    assert response.status_code == 400
    assert "decision" in response.context["transition_form"].errors
    response = client.post(
        reverse("casework:case-transition", kwargs={"reference": in_assessment.reference}),
        {"to_state": "decision", "decision": "partial", "version": in_assessment.version},
    )
    assert response.status_code == 302
    in_assessment.refresh_from_db()
    assert in_assessment.decision == Decision.PARTIAL
    page = client.get(detail_url(in_assessment))
    assert page.context["can_issue"]
    issue = reverse("casework:credential-issue", kwargs={"reference": in_assessment.reference})
    assert issue in page.content.decode()


# --- assessment ---------------------------------------------------------------------------------


def _assess_url(case):
    return reverse("casework:case-assess", kwargs={"reference": case.reference})


def test_all_criteria_are_assessed_in_one_form_with_one_save(in_assessment, criteria, assessor):
    client = client_for(assessor)
    page = client.get(detail_url(in_assessment)).content.decode()
    assert page.count('id="assess-save"') == 1
    # The decision form comes after the criteria, not above them.
    assert page.index('id="criteria-heading"') < page.index('id="transition-heading"')
    data: dict[str, str] = {}
    for criterion, result in zip(criteria, ["met", "partly_met", "met"], strict=True):
        data |= {f"c{criterion.pk}-result": result, f"c{criterion.pk}-method": "practical"}
    response = client.post(_assess_url(in_assessment), data)
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(in_assessment)}#decide"
    saved = CriterionAssessment.objects.filter(case=in_assessment).order_by("criterion__position")
    assert [a.result for a in saved] == ["met", "partly_met", "met"]


def test_rows_left_unassessed_or_unchanged_are_left_as_they_are(in_assessment, criteria, assessor):
    client = client_for(assessor)
    first = criteria[0]
    prefix = f"c{first.pk}"
    data = {f"{prefix}-result": "met", f"{prefix}-method": "interview", f"{prefix}-note": "A"}
    client.post(_assess_url(in_assessment), data)
    before = CriterionAssessment.objects.get(criterion=first).updated_at
    response = client.post(_assess_url(in_assessment), data)
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(in_assessment)}#criteria"
    assert CriterionAssessment.objects.get(criterion=first).updated_at == before
    assert CriterionAssessment.objects.filter(case=in_assessment).count() == 1


def test_a_row_without_its_method_saves_nothing_and_names_the_criterion(
    in_assessment, criteria, assessor
):
    first, second = criteria[0], criteria[1]
    response = client_for(assessor).post(
        _assess_url(in_assessment),
        {
            f"c{first.pk}-result": "met",
            f"c{first.pk}-method": "test",
            f"c{second.pk}-result": "met",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert sv("Choose the method of the assessment.") in content
    assert second.code in content
    assert not CriterionAssessment.objects.exists()


def test_the_page_shows_the_services_refusal(case, criteria, assessor, colleague):
    criterion = criteria[0]
    prefix = f"c{criterion.pk}"
    data = {f"{prefix}-result": "met", f"{prefix}-method": "test"}
    response = client_for(assessor).post(_assess_url(case), data)
    assert response.status_code == 400
    assert (
        sv("Criteria are assessed during in-depth mapping, assessment or re-assessment.")
        in response.content.decode()
    )
    assert not CriterionAssessment.objects.exists()


def test_only_assessors_in_assessable_states_get_the_row_forms(case, criteria, assessor):
    page = client_for(assessor).get(detail_url(case))
    assert all(row.form is None for row in page.context["criterion_rows"])
    case = walk(case, assessor, CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING)
    page = client_for(assessor).get(detail_url(case))
    assert all(row.form is not None for row in page.context["criterion_rows"])


# --- complementary education --------------------------------------------------------------------


def test_gaps_get_education_suggestions_and_a_plan(in_assessment, criteria, assessor):
    for criterion, result in zip(criteria, ["met", "met", "not_met"], strict=True):
        assessment_record(
            case=in_assessment, actor=assessor, criterion=criterion, result=result, method="test"
        )
    near = EducationFactory(
        title="Psykiatri 1",
        municipality=Municipality.objects.get(code="1961"),
        closes=[in_assessment.model],
    )
    EducationFactory(
        title="Psykiatri 1 (Linköping)",
        municipality=Municipality.objects.get(code="0580"),
        closes=[in_assessment.model],
    )
    client = client_for(assessor)
    page = client.get(detail_url(in_assessment))
    assert [e.title for e in page.context["suggestions"]] == [
        "Psykiatri 1",
        "Psykiatri 1 (Linköping)",
    ]
    content = page.content.decode()
    assert "Hallstahammar" in content
    assert " km</td>" in content
    assert page.context["plan_form"]["criterion"].value() == criteria[2].pk  # the first gap

    response = client.post(
        reverse("casework:plan-item-add", kwargs={"reference": in_assessment.reference}),
        {"criterion": criteria[2].pk, "education": near.pk, "status": "planned"},
    )
    assert response.status_code == 302
    item = EducationPlanItem.objects.get(case=in_assessment)
    assert (item.criterion, item.education) == (criteria[2], near)

    update = reverse(
        "casework:plan-item-update", kwargs={"reference": in_assessment.reference, "pk": item.pk}
    )
    response = client.post(update, {f"plan{item.pk}-status": "started"})
    assert response.status_code == 400
    assert f'href="#id_plan{item.pk}-started_on"' in response.content.decode()
    response = client.post(
        update,
        {f"plan{item.pk}-status": "started", f"plan{item.pk}-started_on": "2026-01-12"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == PlanItemStatus.STARTED
    logged = AccessLogEntry.objects.filter(
        action="update",
        record_ref=in_assessment.reference,
        purpose=sv_text("Education plan changed"),
    )
    assert logged.count() == 2


def test_a_plan_item_needs_a_gap_or_an_education(case, criteria, assessor):
    response = client_for(assessor).post(
        reverse("casework:plan-item-add", kwargs={"reference": case.reference}),
        {"status": "planned"},
    )
    assert response.status_code == 400
    assert "education" in response.context["plan_form"].errors
    assert not EducationPlanItem.objects.exists()


# --- referrals ----------------------------------------------------------------------------------


def _validates(case, organisation):
    """`organisation` gets a published offer of the case's model: it validates the target."""
    OfferFactory(model=case.model, provider=organisation, municipality=organisation.municipality)


def test_a_referral_shows_the_receiver_only_what_it_shares(case, assessor, personas):
    counsellor = personas["counsellor_orebro"]
    orebro = counsellor.memberships.get().organisation
    _validates(case, orebro)
    response = client_for(assessor).post(
        reverse("casework:referral-new", kwargs={"reference": case.reference}),
        {
            "to_organisation": orebro.pk,
            "shares": [ReferralShare.TARGET],
            "consent_how": "Muntligt vid mötet 2026-11-20",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)

    client = client_for(counsellor)
    assert case.reference in client.get(reverse("casework:case-list")).content.decode()
    page = client.get(detail_url(case))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Amina" not in content
    assert "Validering inom vård och omsorg" in content  # the target is shared
    assert page.context.get("transition_form") is None
    assert "evidence" not in page.context
    assert (
        client.post(
            reverse("casework:case-transition", kwargs={"reference": case.reference}),
            {"to_state": "guidance", "version": case.version},
        ).status_code
        == 403
    )

    answer = reverse(
        "casework:referral-answer", kwargs={"reference": case.reference, "pk": referral.pk}
    )
    assert client.post(answer, {"answer": "accept"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    # The sender cannot answer for the receiver.
    assert client_for(assessor).post(answer, {"answer": "decline"}).status_code == 404


def test_a_declined_referral_hides_the_case_again(case, assessor, personas):
    counsellor = personas["counsellor_orebro"]
    referral = referral_send(
        case=case,
        actor=assessor,
        to_organisation=counsellor.memberships.get().organisation,
        shares=[ReferralShare.CONTACT],
        consent_how="Skriftligt",
    )
    client = client_for(counsellor)
    assert "Amina Testsson" in client.get(detail_url(case)).content.decode()  # contact shared
    response = client.post(
        reverse(
            "casework:referral-answer", kwargs={"reference": case.reference, "pk": referral.pk}
        ),
        {"answer": "decline"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case-list")
    assert client.get(detail_url(case)).status_code == 404


def test_a_referral_without_consent_keeps_the_form(case, assessor, personas):
    orebro = personas["counsellor_orebro"].memberships.get().organisation
    _validates(case, orebro)
    response = client_for(assessor).post(
        reverse("casework:referral-new", kwargs={"reference": case.reference}),
        {"to_organisation": orebro.pk, "shares": ["contact"], "message": "Hej"},
    )
    assert response.status_code == 400
    form = response.context["referral_form"]
    assert "consent_how" in form.errors
    assert form["message"].value() == "Hej"
    assert not Referral.objects.exists()


def test_refer_to_offers_those_that_validate_the_target_nearest_first(case, assessor, personas):
    orebro = personas["counsellor_orebro"].memberships.get().organisation  # Örebro
    near = OrganisationFactory(
        name="Ö Hallstahammar", municipality=Municipality.objects.get(code="1961")
    )
    employer = OrganisationFactory(
        name="A Arbetsgivare", kind=OrganisationKind.EMPLOYER, municipality=near.municipality
    )
    OrganisationFactory(name="B Validerar inte", municipality=near.municipality)
    for organisation in (orebro, near, employer):
        _validates(case, organisation)
    page = client_for(assessor).get(detail_url(case))
    field = page.context["referral_form"].fields["to_organisation"]
    offered = [str(label) for value, label in field.choices if value]
    names = [label.rsplit(" (", 1)[0] for label in offered]
    # Västerås → Hallstahammar is about 20 km, → Örebro about 80 km. No employer, and no
    # organisation that does not validate the target.
    assert names == [near.name, orebro.name]
    assert offered[0].endswith(" km)")
    response = client_for(assessor).post(
        reverse("casework:referral-new", kwargs={"reference": case.reference}),
        {"to_organisation": employer.pk, "consent_how": "Muntligt"},
    )
    assert response.status_code == 400
    assert "to_organisation" in response.context["referral_form"].errors
    assert not Referral.objects.exists()


# --- documents and navigation -------------------------------------------------------------------


def test_full_viewers_get_the_register_extract_links(case, assessor):
    content = client_for(assessor).get(detail_url(case)).content.decode()
    pseudonym = case.individual.pseudonym
    assert reverse("casework:register-extract-json", kwargs={"pseudonym": pseudonym}) in content
    assert reverse("casework:register-extract-pdf", kwargs={"pseudonym": pseudonym}) in content
    issue = reverse("casework:credential-issue", kwargs={"reference": case.reference})
    assert issue not in content  # no decision yet


def test_the_main_menu_links_to_the_cases_for_case_handlers(personas):
    url = reverse("casework:case-list")
    assert f'href="{url}"' in client_for(personas[ASSESSOR]).get("/").content.decode()
    assert f'href="{url}"' not in client_for(personas["rua_vastmanland"]).get("/").content.decode()


def test_first_contact_defaults_to_today(assessor, komvux, case):
    client_for(assessor).post(
        reverse("casework:case-new"),
        {"individual": case.individual.pseudonym, "organisation": komvux.pk, "komvux_course": "Y"},
    )
    opened = ValidationCase.objects.get(komvux_course="Y")
    assert opened.first_contact == timezone.localdate()


def test_state_changes_by_the_service_show_on_the_next_page(case, assessor):
    case_transition(
        case=case, actor=assessor, to_state=CaseState.GUIDANCE, expected_version=case.version
    )
    page = client_for(assessor).get(detail_url(case))
    assert page.context["transition_form"]["version"].value() == case.version == 2


def test_the_occupation_is_picked_by_typing_from_a_sorted_list(assessor, komvux, case):
    client = client_for(assessor)
    page = client.get(reverse("casework:case-new")).content.decode()
    assert 'list="id_occupation-options"' in page
    assert '<datalist id="id_occupation-options">' in page
    assert "<select" not in page.split('name="occupation"')[0].rsplit("<label", 1)[-1]
    options = page.split('<datalist id="id_occupation-options">')[1].split("</datalist>")[0]
    labels = [part.split('"')[0] for part in options.split('value="')[1:]]
    assert len(labels) > 100
    assert labels == sorted(labels, key=str.casefold)
    occupation = Occupation.objects.get(code="5321")
    data = {"individual": case.individual.pseudonym, "organisation": komvux.pk}
    response = client.post(reverse("casework:case-new"), data | {"occupation": "Ingen sådan"})
    assert "occupation" in response.context["form"].errors
    assert sv("Choose one of the suggestions in the list.") in response.content.decode()
    response = client.post(reverse("casework:case-new"), data | {"occupation": str(occupation)})
    assert response.status_code == 302
    assert ValidationCase.objects.filter(occupation=occupation).count() == 1
    # The SSYK code alone is enough.
    client.post(reverse("casework:case-new"), data | {"occupation": "5321"})
    assert ValidationCase.objects.filter(occupation=occupation).count() == 2
