"""The table of HTML forms that take free text, for tests/test_form_properties.py.

Each spec says how to reach a form with a valid POST (the same data as the app's own view
tests), as which persona, which of its fields are free text, which models it writes, and where
to read back what it stored. `setup` runs once per test, inside the test's database
transaction; every example then posts inside a savepoint that is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from valnav.accounts.models import Organisation, User
from valnav.accounts.personas import demo_organisation

type Personas = Mapping[str, User]
type Stored = Callable[[Client, str], object]


@dataclass(frozen=True)
class Target:
    """Where one form is posted, with a valid POST, and how to read back a stored field."""

    url: str
    data: dict[str, Any]
    stored: Stored
    # Models whose rows the form writes (counted before and after a refused post).
    counted: tuple[type[Model], ...]
    # Request headers.
    headers: dict[str, str] = field(default_factory=dict)
    # The form's prefix: its fields are posted as "<prefix>-<name>".
    prefix: str = ""


@dataclass(frozen=True)
class FormSpec:
    id: str
    persona: str | None
    fields: tuple[str, ...]
    setup: Callable[[Personas], Target]
    # The form's name in the page's context.
    form_key: str = "form"
    method: str = "post"
    # Codes of form-wide errors that are a follow-up question, not a refusal of the text (the
    # route finder asks which occupation when several match what was written).
    follow_up: frozenset[str] = frozenset()
    # Fields that may carry the error when the text is blank once stripped: the form then
    # asks for one of several fields (a case needs a model, an occupation or a course).
    when_blank: Mapping[str, frozenset[str]] = field(default_factory=dict)


def newest(model: type[Model], attribute: str | None = None) -> Stored:
    """The stored value of the newest row of `model` (the field's own name unless given)."""

    def read(_client: Client, name: str) -> object:
        row = model._default_manager.order_by("-pk").first()
        return None if row is None else getattr(row, attribute or name)

    return read


def refetched(instance: Model) -> Stored:
    def read(_client: Client, name: str) -> object:
        instance.refresh_from_db()
        return getattr(instance, name)

    return read


def bound_form(response: HttpResponse, spec: FormSpec) -> forms.BaseForm | None:
    """The form the page shows again, when it is one (a redirect has no context)."""
    context = getattr(response, "context", None)
    if context is None:
        return None
    if spec.form_key == "row":  # the casework criteria form: the row that was refused
        rows = context.get("criterion_rows") or []
        return next((row.form for row in rows if row.form is not None and row.form.errors), None)
    found = context.get(spec.form_key)
    return found if isinstance(found, forms.BaseForm) else None


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


# --- public ---------------------------------------------------------------------------------


def _search(personas: Personas) -> Target:
    return Target(
        url=reverse("atlas:search"),
        data={"q": "undersköterska", "municipality": "1980"},
        stored=lambda _client, _name: None,
        counted=(),
    )


def _route(personas: Personas) -> Target:
    def stored(client: Client, _name: str) -> object:
        return client.session.get("valnav_route", {}).get("occupation_text")

    return Target(
        url=reverse("atlas:route"),
        data={"step": "occupation", "occupation_text": "svetsare"},
        stored=stored,
        counted=(),
    )


def _registration(personas: Personas) -> Target:
    from valnav.events.models import Registration
    from valnav.events.tests.factories import EventFactory

    event = EventFactory(capacity=1000)
    return Target(
        url=event.get_absolute_url(),
        data={
            "name": "Anna Andersson",
            "email": "anna@example.org",
            "organisation_name": "Komvux Västerås",
            "organisation_kind": "komvux",
            "county": "",
            "gender": "",
        },
        stored=newest(Registration),
        counted=(Registration,),
    )


def _evaluation(personas: Personas) -> Target:
    from valnav.events.models import EvaluationResponse, Registration, RegistrationToken
    from valnav.events.tests.factories import RegistrationFactory
    from valnav.events.tokens import token_new

    registration = Registration.objects.get(pk=RegistrationFactory(attended=True).pk)
    token, digest = token_new()
    RegistrationToken.objects.create(
        registration=registration, purpose="evaluate", token_hash=digest
    )
    return Target(
        url=reverse("events:evaluation", kwargs={"token": token}),
        data={
            "relevance": "5",
            "knowledge": "4",
            "organisation": "4",
            "recommend": "5",
            "comment": "Bra dag.",
        },
        stored=newest(EvaluationResponse),
        counted=(EvaluationResponse,),
    )


# --- atlas ----------------------------------------------------------------------------------


def _vard() -> Any:
    from valnav.atlas.models import ModelKind
    from valnav.atlas.tests.factories import ValidationModelFactory

    return ValidationModelFactory(
        name="Validering inom vård och omsorg", kind=ModelKind.KOMVUX, ssyk=["5321"]
    )


def _offer(personas: Personas) -> Target:
    from valnav.atlas.models import Offer
    from valnav.places.models import Municipality

    return Target(
        url=reverse("atlas:offer-create"),
        data={
            "model": _vard().pk,
            "provider": demo_organisation("vasteras-komvux").pk,
            "external_id": "VO-2027",
            "municipality": Municipality.objects.get(code="1980").pk,
            "address": "Kopparbergsvägen 1",
            "description": "Validering mot kurserna i vård och omsorg.",
            "on_site": "on",
            "languages": "sv, ar",
            "cost_to_individual": "0",
            "eligibility": "Folkbokförd i Västmanland.",
            "contact_name": "Eva Ek",
            "contact_email": "vux@example.se",
            "contact_phone": "021-39 00 00",
        },
        stored=newest(Offer),
        counted=(Offer,),
    )


def _education(personas: Personas) -> Target:
    from valnav.atlas.models import ComplementaryEducation, EducationForm
    from valnav.places.models import Municipality

    return Target(
        url=reverse("atlas:education-create"),
        data={
            "title": "Vård- och omsorgsarbete 1",
            "provider": demo_organisation("vasteras-komvux").pk,
            "external_id": "KU-1",
            "municipality": Municipality.objects.get(code="1980").pk,
            "form": EducationForm.KOMVUX_COURSE,
            "code": "VÅRVÅR01",
            "description": "Kursen för den som saknar delar av vård- och omsorgsarbete.",
            "pace_percent": "100",
        },
        stored=newest(ComplementaryEducation),
        counted=(ComplementaryEducation,),
    )


# --- casework -------------------------------------------------------------------------------


def _case(personas: Personas, *, assessing: bool = False) -> Any:
    from valnav.casework.services import case_open, case_transition, individual_register
    from valnav.casework.states import CaseState
    from valnav.places.models import Municipality

    assessor = personas["assessor_vasteras_komvux"]
    komvux = demo_organisation("vasteras-komvux")
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={
            "given_name": "Amina",
            "family_name": "Testsson",
            "municipality": Municipality.objects.get(code="1980"),
        },
    )
    model = _vard()
    for position, title in enumerate(["Vård- och omsorgsarbete", "Etik", "Psykiatri"], 1):
        model.criteria.create(position=position, code=f"VO-{position}", title=title)
    case = case_open(
        actor=assessor,
        individual=person,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=30),
        target={"model": model},
    )
    if assessing:
        for state in (
            CaseState.INITIAL_MAPPING,
            CaseState.IN_DEPTH_MAPPING,
            CaseState.ASSESSMENT,
        ):
            case = case_transition(
                case=case,
                actor=assessor,
                to_state=state,
                expected_version=case.version,
                reason=f"till {state}",
                decision="",
            )
    return case


def _individual(personas: Personas) -> Target:
    from valnav.casework.models import Individual
    from valnav.places.models import Municipality

    def stored(client: Client, name: str) -> object:
        person = Individual.objects.order_by("-pk").first()
        if name.endswith("_purpose"):  # kept per item, beside the item
            return person and person.purposes.get(name.removesuffix("_purpose"))
        return getattr(person, name)

    return Target(
        url=reverse("casework:individual-new"),
        data={
            "organisation": demo_organisation("vasteras-komvux").pk,
            "given_name": "Sara",
            "family_name": "Svensson",
            "email": "sara@example.se",
            "phone": "070-123 45 67",
            "municipality": Municipality.objects.get(code="1980").pk,
            "gender": "woman",
            "gender_purpose": "Uppföljning av jämställdhet",
            "languages": "svenska, arabiska",
            "languages_purpose": "Bedömning på modersmålet",
        },
        stored=stored,
        counted=(Individual,),
    )


def _case_new(personas: Personas) -> Target:
    from valnav.casework.models import CaseTransition, ValidationCase

    person = _case(personas).individual

    def stored(client: Client, name: str) -> object:
        case = ValidationCase.objects.order_by("-pk").first()
        if name == "reason":
            transition = CaseTransition.objects.filter(case=case).order_by("pk").first()
            return transition and transition.reason
        if name == "individual":
            return case and case.individual.pseudonym
        return getattr(case, name)

    return Target(
        url=reverse("casework:case-new"),
        data={
            "individual": person.pseudonym,
            "organisation": demo_organisation("vasteras-komvux").pk,
            "komvux_course": "Vård- och omsorgsarbete 1",
            "reason": "Vill validera undersköterskekunskaper",
        },
        stored=stored,
        counted=(ValidationCase, CaseTransition),
    )


def _transition(personas: Personas) -> Target:
    from valnav.casework.models import CaseTransition

    case = _case(personas)
    return Target(
        url=reverse("casework:case-transition", kwargs={"reference": case.reference}),
        data={"to_state": "guidance", "version": case.version, "reason": "Första samtalet"},
        stored=newest(CaseTransition),
        counted=(CaseTransition,),
    )


def _assessment(personas: Personas) -> Target:
    from valnav.casework.models import CriterionAssessment

    case = _case(personas, assessing=True)
    criterion = case.model.criteria.order_by("position").first()
    prefix = f"c{criterion.pk}"
    return Target(
        url=reverse("casework:case-assess", kwargs={"reference": case.reference}),
        data={f"{prefix}-result": "met", f"{prefix}-method": "practical", f"{prefix}-note": "Bra"},
        stored=newest(CriterionAssessment),
        counted=(CriterionAssessment,),
        prefix=prefix,
    )


def _plan_item(personas: Personas) -> Target:
    from valnav.atlas.tests.factories import EducationFactory
    from valnav.casework.models import EducationPlanItem

    case = _case(personas, assessing=True)
    education = EducationFactory(title="Psykiatri 1", closes=[case.model])
    return Target(
        url=reverse("casework:plan-item-add", kwargs={"reference": case.reference}),
        data={
            "criterion": case.model.criteria.order_by("position").last().pk,
            "education": education.pk,
            "status": "planned",
            "note": "Börjar i augusti",
        },
        stored=newest(EducationPlanItem),
        counted=(EducationPlanItem,),
    )


def _referral(personas: Personas) -> Target:
    from valnav.casework.models import Referral, ReferralShare

    case = _case(personas)
    orebro = personas["counsellor_orebro"].memberships.get().organisation
    return Target(
        url=reverse("casework:referral-new", kwargs={"reference": case.reference}),
        data={
            "to_organisation": orebro.pk,
            "shares": [ReferralShare.TARGET],
            "consent_how": "Muntligt vid mötet 2026-11-20",
            "message": "Hej, här kommer en person som vill validera sig.",
        },
        stored=newest(Referral),
        counted=(Referral,),
    )


# --- outreach -------------------------------------------------------------------------------


def _material(personas: Personas) -> Target:
    from valnav.outreach.models import Material

    return Target(
        url=reverse("outreach:material-create"),
        data={
            "kind": "guide",
            "title": "Validering på jobbet",
            "slug": "validering-pa-jobbet",
            "summary": "Kort om validering.",
            "body": "## Så går det till\n\nText.",
            "language": "sv",
            "target_groups": ["employer", "individual"],
            "organisation": demo_organisation("region-vastmanland").pk,
            "review_by": "2027-06-30",
        },
        stored=newest(Material),
        counted=(Material,),
    )


def _translation(personas: Personas) -> Target:
    from valnav.outreach.models import Material
    from valnav.outreach.tests.factories import make_material

    published = make_material(dict(personas), title="Validering för dig", slug="validering")
    return Target(
        url=reverse("outreach:material-translate", kwargs={"pk": published.pk}),
        data={
            "language": "sv-x-lattlast",
            "title": "Lätt text",
            "slug": "latt-text",
            "summary": "Kort.",
            "body": "Enkelt.",
        },
        stored=newest(Material),
        counted=(Material,),
    )


# --- networks -------------------------------------------------------------------------------


def _network(personas: Personas) -> Any:
    from valnav.networks.models import NetworkKind
    from valnav.networks.services import meeting_create, membership_add, network_create

    communicator = personas["communicator_vastmanland"]
    region = demo_organisation("region-vastmanland")
    komvux = demo_organisation("vasteras-komvux")
    network = network_create(
        actor=communicator,
        name="Komvux-nätverket",
        kind=NetworkKind.KOMVUX_VALIDATION,
        convenor=region,
        purpose="Erfarenhetsutbyte",
    )
    membership_add(actor=communicator, network=network, organisation=region, role="chair")
    membership_add(actor=communicator, network=network, organisation=komvux)
    meeting = meeting_create(
        actor=communicator,
        network=network,
        title="Vårmöte",
        starts_at=timezone.now() - timedelta(days=3),
        place="Västerås",
        agenda="1. Inledning",
        minutes="",
        participants=[region, komvux],
    )
    return network, meeting


def _network_new(personas: Personas) -> Target:
    from valnav.networks.models import Network

    return Target(
        url=reverse("networks:network-new"),
        data={
            "name": "Branschnätverk vård",
            "slug": "branschnatverk-vard",
            "kind": "branch",
            "convenor": demo_organisation("region-vastmanland").pk,
            "purpose": "Syfte",
            "is_public": "on",
        },
        stored=newest(Network),
        counted=(Network,),
    )


def _meeting_new(personas: Personas) -> Target:
    from valnav.networks.models import Meeting

    network, _meeting = _network(personas)
    return Target(
        url=reverse("networks:meeting-new", kwargs={"slug": network.slug}),
        data={
            "title": "Erfarenhetsutbyte",
            "kind": "experience_exchange",
            "starts_at": "2026-12-01T09:00",
            "place": "Västerås",
            "agenda": "1. Inledning",
            "minutes": "Vi kom överens.",
            "participants": [demo_organisation("region-vastmanland").pk],
        },
        stored=newest(Meeting),
        counted=(Meeting,),
    )


def _decision(personas: Personas) -> Target:
    from valnav.networks.models import MeetingDecision

    network, meeting = _network(personas)
    return Target(
        url=reverse("networks:decision-add", kwargs={"slug": network.slug, "pk": meeting.pk}),
        data={
            "decision-text": "Skriv en rutin",
            "decision-responsible_organisation": demo_organisation("region-vastmanland").pk,
            "decision-responsible_person": "Eva Ek",
            "decision-due_on": "2027-01-15",
            "decision-status": "open",
        },
        stored=newest(MeetingDecision),
        counted=(MeetingDecision,),
        prefix="decision",
    )


def _membership(personas: Personas) -> Target:
    from valnav.networks.models import NetworkMembership

    network, _meeting = _network(personas)
    return Target(
        url=reverse("networks:membership-add", kwargs={"slug": network.slug}),
        data={
            "organisation": demo_organisation("orebro-vagledning").pk,
            "role": "member",
            "contact_name": "Olle Ögren",
            "contact_role": "Studie- och yrkesvägledare",
        },
        stored=newest(NetworkMembership),
        counted=(NetworkMembership,),
    )


def _effort(personas: Personas) -> Target:
    from valnav.networks.models import KnowledgeEffort

    return Target(
        url=reverse("networks:effort-new"),
        data={
            "title": "Ny insats",
            "description": "Frukostmöte om **validering**.",
            "target_groups": ["employer", "individual"],
            "starts_on": "2026-05-01",
            "status": "planned",
            "reach": "",
        },
        stored=newest(KnowledgeEffort),
        counted=(KnowledgeEffort,),
    )


# --- events (staff) -------------------------------------------------------------------------


def _event(personas: Personas) -> Target:
    from valnav.events.models import Event
    from valnav.places.models import County

    start = (timezone.localtime() + timedelta(days=14)).replace(second=0, microsecond=0)
    return Target(
        url=reverse("events:event-new"),
        data={
            "title": "Kunskapshöjande insats för arbetsgivare",
            "slug": "kunskapshojande-insats",
            "kind": "knowledge_raising",
            "target_groups": ["employer", "decision_maker"],
            "description": "Hur **validering** hjälper vid rekrytering.",
            "organiser": demo_organisation("region-vastmanland").pk,
            "county": County.objects.get(code="19").pk,
            "place": "Västerås",
            "online_url": "",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "registration_closes_at": start.strftime("%Y-%m-%dT%H:%M"),
            "capacity": "30",
        },
        stored=newest(Event),
        counted=(Event,),
    )


# --- governance -----------------------------------------------------------------------------


def _project() -> Any:
    from valnav.demo.governance import DIARIENUMMER, seed_governance
    from valnav.governance.models import Project

    seed_governance()
    return Project.objects.get(diarienummer=DIARIENUMMER)


def _project_new(personas: Personas) -> Target:
    from valnav.governance.models import Project

    project = _project()
    return Target(
        url=reverse("governance:project-new"),
        data={
            "name": "Nytt",
            "diarienummer": "25RS1",
            "owner": project.owner_id,
            "starts_on": "2025-01-01",
            "ends_on": "2026-12-31",
            "overall_goal": "Fler validerade.",
            "project_goal": "Ett fungerande nätverk.",
        },
        stored=newest(Project),
        counted=(Project,),
    )


def _project_edit(personas: Personas) -> Target:
    project = _project()
    return Target(
        url=reverse("governance:project-edit", kwargs={"pk": project.pk}),
        data={
            "name": project.name,
            "starts_on": project.starts_on.isoformat(),
            "ends_on": project.ends_on.isoformat(),
            "indirect_cost_rate": "20",
            "overall_goal": project.overall_goal,
            "project_goal": project.project_goal,
            "gender_equality": "Lika många kvinnor som män.",
            "accessibility": "Lokaler utan trappor.",
            "non_discrimination": "Material på flera språk.",
        },
        stored=refetched(project),
        counted=(),
    )


def _activity(personas: Personas) -> Target:
    from valnav.governance.models import Activity

    project = _project()
    return Target(
        url=reverse("governance:activity-new", kwargs={"pk": project.pk}),
        data={
            "sub_goal": project.sub_goals.get(number=2).pk,
            "title": "Nätverksträff Komvux",
            "target_group": "education_provider",
            "region": "",
            "status": "planned",
            "planned_start": "2024-02-29",
        },
        stored=newest(Activity),
        counted=(Activity,),
    )


def _indicator(personas: Personas) -> Target:
    from valnav.governance.models import Indicator

    project = _project()
    return Target(
        url=reverse("governance:indicator-new", kwargs={"pk": project.pk}),
        data={
            "sub_goal": "",
            "name": "Nöjda deltagare",
            "live_key": "",
            "unit": "%",
            "baseline": "0",
            "target": "80",
        },
        stored=newest(Indicator),
        counted=(Indicator,),
    )


def _risk(personas: Personas) -> Target:
    from valnav.governance.models import Risk

    project = _project()
    return Target(
        url=reverse("governance:risk-list", kwargs={"pk": project.pk}),
        data={
            "description": "Sjukdom",
            "likelihood": "2",
            "impact": "3",
            "mitigation": "Dubbla kontaktpersoner.",
            "owner": "Projektledaren",
        },
        stored=newest(Risk),
        counted=(Risk,),
    )


def _measurement(personas: Personas) -> Target:
    from valnav.governance.models import Indicator, Measurement

    project = _project()
    indicator = Indicator.objects.filter(project=project, live_key="").first()
    assert indicator is not None  # the demo project has one measured by hand
    return Target(
        url=reverse(
            "governance:indicator-detail", kwargs={"pk": project.pk, "indicator": indicator.pk}
        ),
        data={"measured_on": "2024-09-30", "value": "5", "comment": "Enkät i september."},
        stored=newest(Measurement),
        counted=(Measurement,),
    )


# --- insights -------------------------------------------------------------------------------

VALUE_QUERY = {
    "people_validated": "10",
    "weeks_education_avoided": "4",
    "cost_per_study_week": "1000",
    "months_earlier": "18",
    "monthly_wage": "20000",
    "employer_contribution_rate": "0,3",
    "income_tax_rate": "0.3",
    "monthly_benefits_avoided": "5000",
    "cost_per_validation": "10000",
    "complementary_cost": "20000",
    "employment_probability": "0.5",
    "discount_rate": "0.25",
    "horizon_years": "2",
    "employer_surplus_rate": "0.1",
}


def _value(personas: Personas) -> Target:
    from valnav.insights.models import ValueScenario

    return Target(
        url=reverse("insights:value-save"),
        data={"name": "Undersköterskor", "query": urlencode(VALUE_QUERY)},
        stored=newest(ValueScenario),
        counted=(ValueScenario,),
    )


def _focus(personas: Personas) -> Target:
    from valnav.insights.focus import DEFAULT_WEIGHTS
    from valnav.insights.models import FocusScenario

    return Target(
        url=reverse("insights:focus-save"),
        data={**{key: str(value) for key, value in DEFAULT_WEIGHTS.items()}, "name": "S3 först"},
        stored=newest(FocusScenario),
        counted=(FocusScenario,),
    )


ASSESSOR = "assessor_vasteras_komvux"
COMMUNICATOR = "communicator_vastmanland"
MANAGER = "project_manager"

SPECS: tuple[FormSpec, ...] = (
    FormSpec("atlas-search", None, ("q",), _search, method="get"),
    FormSpec(
        "atlas-route",
        None,
        ("occupation_text",),
        _route,
        follow_up=frozenset({"choose_occupation"}),
    ),
    FormSpec("events-registration", None, ("name", "organisation_name"), _registration),
    FormSpec("events-evaluation", None, ("comment",), _evaluation),
    FormSpec(
        "atlas-offer",
        ASSESSOR,
        ("external_id", "address", "description", "eligibility", "contact_name", "contact_phone"),
        _offer,
    ),
    FormSpec(
        "atlas-education", ASSESSOR, ("title", "external_id", "code", "description"), _education
    ),
    FormSpec(
        "casework-individual",
        ASSESSOR,
        ("given_name", "family_name", "phone", "gender_purpose", "languages"),
        _individual,
    ),
    FormSpec(
        "casework-case",
        ASSESSOR,
        ("individual", "komvux_course", "reason"),
        _case_new,
        when_blank={"komvux_course": frozenset({"model"})},
    ),
    FormSpec("casework-transition", ASSESSOR, ("reason",), _transition, form_key="transition_form"),
    FormSpec("casework-assessment", ASSESSOR, ("note",), _assessment, form_key="row"),
    FormSpec("casework-plan", ASSESSOR, ("note",), _plan_item, form_key="plan_form"),
    FormSpec(
        "casework-referral",
        ASSESSOR,
        ("consent_how", "message"),
        _referral,
        form_key="referral_form",
    ),
    FormSpec("outreach-material", COMMUNICATOR, ("title", "summary", "body"), _material),
    FormSpec(
        "outreach-translation",
        COMMUNICATOR,
        ("language", "title", "summary", "body"),
        _translation,
    ),
    FormSpec("networks-network", COMMUNICATOR, ("name", "purpose"), _network_new),
    FormSpec(
        "networks-meeting", COMMUNICATOR, ("title", "place", "agenda", "minutes"), _meeting_new
    ),
    FormSpec(
        "networks-decision",
        COMMUNICATOR,
        ("text", "responsible_person"),
        _decision,
        form_key="decision_form",
    ),
    FormSpec(
        "networks-membership",
        COMMUNICATOR,
        ("contact_name", "contact_role"),
        _membership,
        form_key="membership_form",
    ),
    FormSpec("networks-effort", COMMUNICATOR, ("title", "description"), _effort),
    FormSpec("events-event", COMMUNICATOR, ("title", "description", "place"), _event),
    FormSpec(
        "governance-project",
        MANAGER,
        ("name", "diarienummer", "overall_goal", "project_goal"),
        _project_new,
    ),
    FormSpec(
        "governance-project-edit",
        MANAGER,
        ("gender_equality", "accessibility", "non_discrimination"),
        _project_edit,
    ),
    FormSpec("governance-activity", MANAGER, ("title",), _activity),
    FormSpec("governance-indicator", MANAGER, ("name", "unit"), _indicator),
    FormSpec("governance-risk", MANAGER, ("description", "mitigation", "owner"), _risk),
    FormSpec("governance-measurement", MANAGER, ("comment",), _measurement),
    FormSpec("insights-value", "rua_vastmanland", ("name",), _value, form_key="save_form"),
    FormSpec("insights-focus", "rua_vastmanland", ("name",), _focus, form_key="save_form"),
)
