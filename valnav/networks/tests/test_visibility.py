"""Who reads a network: `Network.objects.visible_to`, and the pages built on it. A member of
another organisation never reads a private network's meetings, minutes or documents."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.accounts.personas import demo_organisation
from valnav.networks.models import Network
from valnav.networks.services import document_add, membership_end, minutes_approve
from valnav.networks.tests.conftest import PDF

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_members_of_member_organisations_see_the_network(network, personas):
    for key in ["communicator_vastmanland", "rua_vastmanland", "assessor_vasteras_komvux"]:
        assert list(Network.objects.visible_to(personas[key])) == [network]


def test_others_do_not_see_a_network(network, personas):
    for key in ["counsellor_orebro", "employer_linkoping", "outsider"]:
        assert not Network.objects.visible_to(personas[key]).exists()


def test_anonymous_visitors_see_no_network_through_visible_to(network):
    from django.contrib.auth.models import AnonymousUser

    assert not Network.objects.visible_to(AnonymousUser()).exists()


def test_an_administrator_sees_every_network(network, personas):
    other = Network.objects.create(
        name="Annat",
        slug="annat",
        kind="other",
        convenor=Organisation.objects.create(name="Region Uppsala", kind="region"),
    )
    assert set(Network.objects.visible_to(personas["admin"])) == {network, other}
    assert not Network.objects.visible_to(personas["rua_vastmanland"]).filter(pk=other.pk).exists()


def test_an_organisation_that_left_no_longer_sees_the_network(
    network, komvux, communicator, personas
):
    membership = network.memberships.get(organisation=komvux)
    membership_end(actor=communicator, membership=membership, left_on=timezone.localdate())
    assert not Network.objects.visible_to(personas["assessor_vasteras_komvux"]).exists()


def test_a_membership_ending_later_still_counts(network, komvux, communicator, personas):
    membership = network.memberships.get(organisation=komvux)
    membership_end(
        actor=communicator,
        membership=membership,
        left_on=timezone.localdate() + timedelta(days=10),
    )
    assert Network.objects.visible_to(personas["assessor_vasteras_komvux"]).exists()


def test_another_organisations_member_cannot_read_minutes_or_documents(
    network, meeting, communicator, personas, storage
):
    document = document_add(
        actor=communicator, meeting=meeting, upload=SimpleUploadedFile("protokoll.pdf", PDF)
    )
    kwargs = {"slug": network.slug, "pk": meeting.pk}
    outsider = client_for(personas["counsellor_orebro"])
    assert (
        outsider.get(reverse("networks:network-detail", kwargs={"slug": network.slug})).status_code
        == 404
    )
    assert outsider.get(reverse("networks:meeting-detail", kwargs=kwargs)).status_code == 404
    file_url = reverse("networks:document-file", kwargs={**kwargs, "document": document.pk})
    assert outsider.get(file_url).status_code == 404
    # Nor through the public pages: the network is private.
    assert (
        Client().get(reverse("networks:public-detail", kwargs={"slug": network.slug})).status_code
        == 404
    )
    assert network.name not in Client().get(reverse("networks:public-list")).content.decode()

    reader = client_for(personas["assessor_vasteras_komvux"])
    page = reader.get(reverse("networks:meeting-detail", kwargs=kwargs)).content.decode()
    assert "<strong>pröva</strong>" in page
    response = reader.get(file_url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_member_without_manage_networks_cannot_write(network, meeting, personas):
    reader = client_for(personas["assessor_vasteras_komvux"])
    kwargs = {"slug": network.slug, "pk": meeting.pk}
    assert reader.post(reverse("networks:minutes-approve", kwargs=kwargs)).status_code == 403
    meeting.refresh_from_db()
    assert not meeting.minutes_approved


def test_the_public_page_shows_only_approved_minutes_and_organisations(
    network, meeting, communicator, personas
):
    network.is_public = True
    network.save()
    public_url = reverse("networks:public-detail", kwargs={"slug": network.slug})
    page = Client().get(public_url).content.decode()
    assert "Vårmöte" not in page  # minutes not approved yet
    minutes_approve(actor=communicator, meeting=meeting)
    page = Client().get(public_url).content.decode()
    assert "<strong>pröva</strong>" in page
    assert "Region Västmanland" in page
    assert "Västerås stad, Vuxenutbildningen (demo)" in page
    # Organisations only: no person, not even a member user's name.
    network.memberships.filter(organisation=demo_organisation("region-vastmanland")).update(
        user=communicator
    )
    page = Client().get(public_url).content.decode()
    assert communicator.full_name not in page
    assert "1. Inledning" not in page  # the agenda is for members
    assert network.name in Client().get(reverse("networks:public-list")).content.decode()


def test_a_role_counts_only_in_the_organisation_that_gave_it(network, komvux):
    """A communicator of another region who is only an employer representative at a member
    organisation reads the network but may not change it, nor name that member as convenor."""
    from valnav.accounts.services import membership_grant, user_create
    from valnav.networks.services import can_manage, convenor_choices

    uppsala = Organisation.objects.create(name="Region Uppsala", kind="region")
    user = user_create(email="dubbel@example.org", full_name="Dubbel Roll", password="x" * 20)
    membership_grant(user=user, organisation=uppsala, role="communicator")
    membership_grant(user=user, organisation=komvux, role="employer_representative")
    assert list(Network.objects.visible_to(user)) == [network]
    assert not can_manage(actor=user, network=network)
    assert not Network.objects.manageable_by(user).exists()
    assert list(convenor_choices(actor=user)) == [uppsala]
    assert (
        client_for(user)
        .get(reverse("networks:network-edit", kwargs={"slug": network.slug}))
        .status_code
        == 403
    )
