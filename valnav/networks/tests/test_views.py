"""The member and public pages end to end through the client: status and database state."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from valnav.core.audiences import TargetGroup
from valnav.networks.models import (
    DecisionStatus,
    KnowledgeEffort,
    Meeting,
    MeetingDecision,
    MeetingDocument,
    Network,
)
from valnav.networks.services import decision_add, effort_create
from valnav.networks.tests.conftest import HTML, PDF
from valnav.places.models import County
from valnav.taxonomy.models import Branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(communicator) -> Client:
    client = Client()
    client.force_login(communicator)
    return client


def test_a_communicator_creates_a_network(client, region):
    response = client.post(
        reverse("networks:network-new"),
        {
            "name": "Branschnätverk vård",
            "kind": "branch",
            "convenor": region.pk,
            "purpose": "Syfte",
            "is_public": "on",
        },
    )
    network = Network.objects.get()
    assert response.status_code == 302
    assert response["Location"] == network.get_absolute_url()
    assert (network.slug, network.is_public, network.convenor) == (
        "branschnatverk-vard",
        True,
        region,
    )


def test_a_bad_network_form_is_shown_again_with_the_error_at_its_field(client, komvux):
    response = client.post(
        reverse("networks:network-new"), {"name": "X", "kind": "other", "convenor": komvux.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="message message-error error-summary"' in page
    assert 'href="#id_convenor"' in page
    assert not Network.objects.exists()


def test_a_meeting_is_created_edited_approved_and_given_a_decision(client, network, region):
    response = client.post(
        reverse("networks:meeting-new", kwargs={"slug": network.slug}),
        {
            "title": "Erfarenhetsutbyte",
            "kind": "experience_exchange",
            "starts_at": "2026-12-01T09:00",
            "place": "",
            "is_online": "on",
            "agenda": "1. Inledning",
            "participants": [region.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.is_online
    assert list(meeting.participants.all()) == [region]
    kwargs = {"slug": network.slug, "pk": meeting.pk}
    response = client.post(
        reverse("networks:meeting-edit", kwargs=kwargs),
        {
            "title": meeting.title,
            "kind": meeting.kind,
            "starts_at": "2026-12-01T09:00",
            "is_online": "on",
            "agenda": meeting.agenda,
            "minutes": "Vi kom överens.",
            "participants": [region.pk],
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("networks:decision-add", kwargs=kwargs),
        {
            "decision-text": "Skriv en rutin",
            "decision-responsible_organisation": region.pk,
            "decision-due_on": "2027-01-15",
            "decision-status": "open",
        },
    )
    assert response.status_code == 302
    assert MeetingDecision.objects.get().responsible_organisation == region
    response = client.post(reverse("networks:minutes-approve", kwargs=kwargs))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi kom överens."
    assert meeting.minutes_approved


def test_a_decision_without_anyone_responsible_is_refused_on_the_meeting_page(
    client, network, meeting
):
    response = client.post(
        reverse("networks:decision-add", kwargs={"slug": network.slug, "pk": meeting.pk}),
        {"decision-text": "Gör något", "decision-status": "open"},
    )
    assert response.status_code == 400
    assert 'href="#id_decision-responsible_organisation"' in response.content.decode()
    assert not MeetingDecision.objects.exists()


def test_a_decision_is_marked_done_on_its_own_page(client, network, meeting, region, communicator):
    decision = decision_add(
        actor=communicator,
        meeting=meeting,
        text="Gör något",
        responsible_organisation=region,
    )
    url = reverse(
        "networks:decision-edit",
        kwargs={"slug": network.slug, "pk": meeting.pk, "decision": decision.pk},
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"text": "Gör något", "responsible_organisation": region.pk, "status": "done"}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE


def test_an_upload_whose_bytes_are_not_allowed_is_refused_with_a_message(
    client, network, meeting, storage
):
    url = reverse("networks:document-add", kwargs={"slug": network.slug, "pk": meeting.pk})
    response = client.post(url, {"title": "Protokoll", "file": SimpleUploadedFile("p.pdf", HTML)})
    assert response.status_code == 400
    assert "(DOCX, ODT, PDF, XLSX)" in response.content.decode()  # the error names the types
    assert not MeetingDocument.objects.exists()
    response = client.post(url, {"title": "Protokoll", "file": SimpleUploadedFile("p.pdf", PDF)})
    assert response.status_code == 302
    document = MeetingDocument.objects.get()
    remove = reverse(
        "networks:document-remove",
        kwargs={"slug": network.slug, "pk": meeting.pk, "document": document.pk},
    )
    assert client.post(remove).status_code == 302
    assert not MeetingDocument.objects.exists()


def test_members_join_and_leave(client, network, personas):
    from valnav.accounts.models import Organisation

    orebro = Organisation.objects.get(name="Örebro kommun, Vuxenutbildning och vägledning (demo)")
    url = reverse("networks:membership-add", kwargs={"slug": network.slug})
    response = client.post(
        url,
        {
            "organisation": orebro.pk,
            "role": "member",
            "user_email": "counsellor_orebro@valnav.example",
        },
    )
    assert response.status_code == 302
    membership = network.memberships.get(organisation=orebro)
    assert membership.user == personas["counsellor_orebro"]
    # Now the counsellor reads the network.
    reader = Client()
    reader.force_login(personas["counsellor_orebro"])
    assert reader.get(network.get_absolute_url()).status_code == 200
    end = reverse("networks:membership-end", kwargs={"slug": network.slug, "pk": membership.pk})
    assert client.post(end, {"left_on": ""}).status_code == 302
    assert reader.get(network.get_absolute_url()).status_code == 404


def test_a_user_of_another_organisation_is_refused_as_member_person(client, network, komvux):
    response = client.post(
        reverse("networks:membership-add", kwargs={"slug": network.slug}),
        {
            "organisation": komvux.pk,
            "role": "member",
            "user_email": "counsellor_orebro@valnav.example",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_user_email"' in response.content.decode()


def test_the_action_list_marks_overdue_decisions_in_text(
    client, network, meeting, region, communicator, personas
):
    decision_add(
        actor=communicator,
        meeting=meeting,
        text="Försenat beslut",
        responsible_organisation=region,
        due_on=timezone.localdate() - timedelta(days=2),
    )
    decision_add(
        actor=communicator,
        meeting=meeting,
        text="Kommande beslut",
        responsible_person="Anna",
        due_on=timezone.localdate() + timedelta(days=20),
    )
    decision_add(
        actor=communicator,
        meeting=meeting,
        text="Klart beslut",
        responsible_person="Anna",
        status=DecisionStatus.DONE,
    )
    page = client.get(reverse("networks:decision-list")).content.decode()
    assert "Försenat beslut" in page
    assert "Kommande beslut" in page
    assert "Klart beslut" not in page
    with translation.override("sv"):  # the language the page is in
        assert page.count(f"({gettext('overdue')})") == 1
    assert page.index("Försenat beslut") < page.index("Kommande beslut")
    # Someone outside the network's organisations sees none of it.
    other = Client()
    other.force_login(personas["counsellor_orebro"])
    assert "Försenat beslut" not in other.get(reverse("networks:decision-list")).content.decode()


@pytest.fixture
def efforts(communicator, network, reference_data):
    network.is_public = True
    network.save()
    vastmanland, orebro = County.objects.get(code="19"), County.objects.get(code="18")
    effort_create(
        actor=communicator,
        title="Arbetsgivarseminarium",
        starts_on=date(2026, 2, 1),
        target_groups=[TargetGroup.EMPLOYER],
        focus_branches=[Branch.objects.get(key="vard-omsorg")],
        counties=[vastmanland],
        reach=3,
        network=network,
    )
    effort_create(
        actor=communicator,
        title="Vägledarutbildning",
        starts_on=date(2026, 3, 1),
        target_groups=[TargetGroup.GUIDANCE_COUNSELLOR],
        focus_branches=[Branch.objects.get(key="industri")],
        counties=[orebro],
        reach=27,
    )
    return KnowledgeEffort.objects.all()


def test_the_public_effort_list_filters_and_suppresses_small_reach(efforts):
    url = reverse("networks:effort-list")
    page = Client().get(url).content.decode()
    assert "Arbetsgivarseminarium" in page
    assert "Vägledarutbildning" in page
    assert "&lt;5" in page
    assert "27" in page
    assert ">3<" not in page
    for query in [{"target_group": "employer"}, {"branch": "vard-omsorg"}, {"county": "19"}]:
        page = Client().get(url, query).content.decode()
        assert "Arbetsgivarseminarium" in page, query
        assert "Vägledarutbildning" not in page, query


def test_the_effort_list_answers_htmx_with_the_results_only(efforts):
    response = Client().get(
        reverse("networks:effort-list"), {"county": "18"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "Vägledarutbildning" in page
    assert "Arbetsgivarseminarium" not in page


def test_efforts_of_a_private_network_are_not_public(efforts, network):
    network.is_public = False
    network.save()
    page = Client().get(reverse("networks:effort-list")).content.decode()
    assert "Arbetsgivarseminarium" not in page


def test_an_effort_is_created_and_edited_through_the_form(client, reference_data):
    response = client.post(
        reverse("networks:effort-new"),
        {
            "title": "Ny insats",
            "target_groups": ["employer", "individual"],
            "starts_on": "2026-05-01",
            "status": "planned",
            "reach": "",
        },
    )
    assert response.status_code == 302
    effort = KnowledgeEffort.objects.get()
    assert sorted(effort.target_group_values) == ["employer", "individual"]
    url = reverse("networks:effort-edit", kwargs={"pk": effort.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Ny insats",
            "target_groups": ["employer"],
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert 'href="#id_ends_on"' in response.content.decode()


def test_the_public_network_list_takes_a_fixed_number_of_queries(
    network, communicator, django_assert_max_num_queries
):
    from valnav.networks.services import network_create

    for number in range(5):
        network_create(
            actor=communicator,
            name=f"Nätverk {number}",
            kind="other",
            convenor=network.convenor,
            is_public=True,
        )
    with django_assert_max_num_queries(6):
        response = Client().get(reverse("networks:public-list"))
    assert response.status_code == 200


def test_the_pages_work_in_english(network, meeting, communicator):
    client = Client()
    client.force_login(communicator)
    from django.utils import translation

    with translation.override("en"):
        url = reverse("networks:meeting-detail", kwargs={"slug": network.slug, "pk": meeting.pk})
    assert url.startswith("/en/")
    assert client.get(url).status_code == 200


def test_the_effort_management_list_takes_a_fixed_number_of_queries(efforts, communicator):
    client = Client()
    client.force_login(communicator)
    url = reverse("networks:effort-manage")
    client.get(url)  # the session and the language settle on the first request

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert "Arbetsgivarseminarium" in response.content.decode()
        return len(captured)

    few = queries()
    for number in range(4):
        effort = efforts.first()
        effort_create(
            actor=communicator,
            title=f"Insats {number}",
            starts_on=date(2026, 4, 1),
            target_groups=[TargetGroup.EMPLOYER],
            focus_branches=list(effort.focus_branches.all()),
            counties=list(effort.counties.all()),
            reach=10,
            network=effort.network,
        )
    assert queries() == few
