"""The write services: rules, errors that name their field, permissions, atomicity."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from valnav.accounts.models import Organisation, User
from valnav.core.audiences import TargetGroup
from valnav.networks.models import (
    DecisionStatus,
    KnowledgeEffort,
    MeetingDocument,
    MembershipRole,
    NetworkKind,
)
from valnav.networks.services import (
    DOCUMENT_MAX_BYTES,
    can_manage,
    decision_add,
    decision_update,
    document_add,
    document_remove,
    effort_create,
    effort_update,
    meeting_create,
    meeting_update,
    membership_add,
    membership_end,
    minutes_approve,
    network_create,
    network_update,
)
from valnav.networks.tests.conftest import HTML, PDF, PNG, docx
from valnav.taxonomy.models import Branch

pytestmark = pytest.mark.django_db


def field_of(error) -> set[str]:
    return set(error.value.message_dict)


# --- networks -----------------------------------------------------------------------------------


def test_a_network_gets_a_slug_from_its_name(communicator, region):
    network = network_create(
        actor=communicator, name="Nätverk för bygg", kind=NetworkKind.BRANCH, convenor=region
    )
    assert network.slug == "natverk-for-bygg"


@pytest.mark.parametrize("slug", ["new", "decisions", "efforts"])
def test_a_slug_taken_by_a_fixed_page_is_refused_naming_the_field(communicator, region, slug):
    with pytest.raises(ValidationError) as error:
        network_create(
            actor=communicator, name="X", slug=slug, kind=NetworkKind.OTHER, convenor=region
        )
    assert field_of(error) == {"slug"}


def test_a_duplicate_slug_is_refused_naming_the_field(communicator, region, network):
    with pytest.raises(ValidationError) as error:
        network_create(
            actor=communicator, name="Komvux-nätverket", kind=NetworkKind.OTHER, convenor=region
        )
    assert field_of(error) == {"slug"}


def test_the_convenor_must_be_one_of_the_actors_organisations(communicator, komvux):
    with pytest.raises(ValidationError) as error:
        network_create(actor=communicator, name="X", kind=NetworkKind.OTHER, convenor=komvux)
    assert field_of(error) == {"convenor"}


def test_without_manage_networks_nothing_is_created(personas, komvux):
    with pytest.raises(PermissionDenied):
        network_create(
            actor=personas["assessor_vasteras_komvux"],
            name="X",
            kind=NetworkKind.OTHER,
            convenor=komvux,
        )


def test_a_manager_of_another_organisation_cannot_change_the_network(network):
    other = Organisation.objects.create(name="Region Uppsala", kind="region")
    strategist = User.objects.create_user(email="rua-uppsala@example.se", full_name="Rua")
    strategist.memberships.create(organisation=other, role="regional_strategist")
    assert not can_manage(actor=strategist, network=network)
    with pytest.raises(PermissionDenied):
        network_update(
            actor=strategist,
            network=network,
            name="Kapad",
            kind=network.kind,
            slug=network.slug,
            purpose="",
            counties=[],
            focus_branches=[],
            is_public=True,
        )


def test_a_member_without_manage_networks_reads_but_does_not_manage(network, personas):
    assert not can_manage(actor=personas["assessor_vasteras_komvux"], network=network)
    assert can_manage(actor=personas["communicator_vastmanland"], network=network)


def test_network_update_sets_branches_and_publicity(communicator, network, reference_data):
    branch = Branch.objects.get(key="industri")
    network_update(
        actor=communicator,
        network=network,
        name="Nytt namn",
        kind=NetworkKind.BRANCH,
        slug="nytt-namn",
        purpose="Syfte",
        counties=[],
        focus_branches=[branch],
        is_public=True,
    )
    network.refresh_from_db()
    assert (network.name, network.slug, network.is_public) == ("Nytt namn", "nytt-namn", True)
    assert list(network.focus_branches.all()) == [branch]


# --- memberships --------------------------------------------------------------------------------


def test_a_member_person_must_belong_to_the_organisation(communicator, network, personas):
    other = Organisation.objects.create(name="Annan", kind="other")
    with pytest.raises(ValidationError) as error:
        membership_add(
            actor=communicator,
            network=network,
            organisation=other,
            user=personas["assessor_vasteras_komvux"],
        )
    assert field_of(error) == {"user"}


def test_a_member_is_a_user_or_an_external_contact_not_both(communicator, network, komvux):
    with pytest.raises(ValidationError) as error:
        membership_add(
            actor=communicator,
            network=network,
            organisation=komvux,
            user=communicator,
            contact_name="Anna",
        )
    assert field_of(error) == {"contact_name"}


def test_an_external_contact_is_kept_with_role(communicator, network):
    other = Organisation.objects.create(name="Byggföretagen", kind="branch_organisation")
    membership = membership_add(
        actor=communicator,
        network=network,
        organisation=other,
        contact_name="Anna Andersson",
        contact_role="Utbildningsansvarig",
        role=MembershipRole.MEMBER,
    )
    assert membership.person == "Anna Andersson"


def test_ending_a_membership_keeps_it_as_history_and_only_once(communicator, network, komvux):
    membership = network.memberships.get(organisation=komvux)
    membership_end(actor=communicator, membership=membership)
    membership.refresh_from_db()
    assert membership.left_on == timezone.localdate()
    assert not membership.is_current
    with pytest.raises(ValidationError) as error:
        membership_end(actor=communicator, membership=membership)
    assert field_of(error) == {"left_on"}


def test_leaving_before_joining_is_refused(communicator, network, komvux):
    membership = network.memberships.get(organisation=komvux)
    with pytest.raises(ValidationError) as error:
        membership_end(actor=communicator, membership=membership, left_on=date(2000, 1, 1))
    assert field_of(error) == {"left_on"}


# --- meetings and minutes -----------------------------------------------------------------------


def test_a_meeting_needs_a_place_or_to_be_online(communicator, network):
    with pytest.raises(ValidationError) as error:
        meeting_create(actor=communicator, network=network, title="X", starts_at=timezone.now())
    assert field_of(error) == {"place"}
    online = meeting_create(
        actor=communicator, network=network, title="X", starts_at=timezone.now(), is_online=True
    )
    assert online.pk


def test_only_member_organisations_can_be_present(communicator, network):
    other = Organisation.objects.create(name="Annan", kind="other")
    with pytest.raises(ValidationError) as error:
        meeting_create(
            actor=communicator,
            network=network,
            title="X",
            starts_at=timezone.now(),
            place="Här",
            participants=[other],
        )
    assert field_of(error) == {"participants"}


def test_approving_minutes_records_who_and_when(communicator, meeting):
    minutes_approve(actor=communicator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_approved
    assert meeting.minutes_approved_by == communicator
    assert meeting.minutes_approved_at is not None
    with pytest.raises(ValidationError) as error:
        minutes_approve(actor=communicator, meeting=meeting)
    assert field_of(error) == {"minutes"}


def test_empty_minutes_cannot_be_approved(communicator, network):
    meeting = meeting_create(
        actor=communicator, network=network, title="X", starts_at=timezone.now(), place="Här"
    )
    with pytest.raises(ValidationError) as error:
        minutes_approve(actor=communicator, meeting=meeting)
    assert field_of(error) == {"minutes"}


def test_changed_minutes_lose_their_approval(communicator, meeting):
    minutes_approve(actor=communicator, meeting=meeting)
    arguments = {
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "kind": meeting.kind,
        "place": meeting.place,
        "is_online": False,
        "agenda": "Ny dagordning",
        "participants": list(meeting.participants.all()),
    }
    meeting_update(actor=communicator, meeting=meeting, minutes=meeting.minutes, **arguments)
    meeting.refresh_from_db()
    assert meeting.minutes_approved  # the agenda changed, the minutes did not
    meeting_update(actor=communicator, meeting=meeting, minutes="Ändrat protokoll", **arguments)
    meeting.refresh_from_db()
    assert not meeting.minutes_approved
    assert meeting.minutes_approved_by is None


def test_a_member_without_manage_networks_cannot_approve(meeting, personas):
    with pytest.raises(PermissionDenied):
        minutes_approve(actor=personas["assessor_vasteras_komvux"], meeting=meeting)


# --- documents ----------------------------------------------------------------------------------


def test_a_pdf_is_stored_under_an_unguessable_name(communicator, meeting, storage):
    document = document_add(
        actor=communicator,
        meeting=meeting,
        upload=SimpleUploadedFile("Protokoll vår.pdf", PDF, "application/pdf"),
    )
    assert document.content_type == "application/pdf"
    assert document.title == "Protokoll vår"
    assert document.original_name == "Protokoll vår.pdf"
    name = document.file.name or ""
    assert "Protokoll" not in name
    assert len(name.rsplit("/", 1)[-1]) == 32
    assert (storage / name).read_bytes() == PDF


def test_a_docx_is_recognised_from_its_content_whatever_its_name(communicator, meeting, storage):
    document = document_add(
        actor=communicator, meeting=meeting, upload=SimpleUploadedFile("underlag.bin", docx())
    )
    assert document.original_name == "underlag.docx"


@pytest.mark.parametrize(
    "content", [HTML, PNG, b"just text"], ids=["html-named-pdf", "png", "text"]
)
def test_a_document_whose_bytes_are_not_an_allowed_type_is_refused(
    communicator, meeting, storage, content
):
    with pytest.raises(ValidationError) as error:
        document_add(
            actor=communicator,
            meeting=meeting,
            upload=SimpleUploadedFile("protokoll.pdf", content, "application/pdf"),
        )
    assert field_of(error) == {"file"}
    assert not MeetingDocument.objects.exists()
    assert not [path for path in storage.rglob("*") if path.is_file()]


def test_an_empty_or_too_large_document_is_refused(communicator, meeting, storage):
    for content in [b"", PDF + b"0" * DOCUMENT_MAX_BYTES]:
        with pytest.raises(ValidationError) as error:
            document_add(
                actor=communicator, meeting=meeting, upload=SimpleUploadedFile("x.pdf", content)
            )
        assert field_of(error) == {"file"}


def test_removing_a_document_deletes_its_file(
    communicator, meeting, storage, django_capture_on_commit_callbacks
):
    document = document_add(
        actor=communicator, meeting=meeting, upload=SimpleUploadedFile("x.pdf", PDF)
    )
    path = storage / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=communicator, document=document)
    assert not MeetingDocument.objects.exists()
    assert not path.exists()


# --- decisions ----------------------------------------------------------------------------------


def test_a_decision_needs_someone_responsible(communicator, meeting, komvux):
    with pytest.raises(ValidationError) as error:
        decision_add(actor=communicator, meeting=meeting, text="Gör något")
    assert field_of(error) == {"responsible_organisation"}
    decision = decision_add(
        actor=communicator,
        meeting=meeting,
        text="Gör något",
        responsible_organisation=komvux,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    assert decision.is_overdue
    decision_update(
        actor=communicator,
        decision=decision,
        text=decision.text,
        responsible_organisation=komvux,
        responsible_person="",
        due_on=decision.due_on,
        status=DecisionStatus.DONE,
    )
    assert not decision.is_overdue


def test_a_decision_without_text_names_the_field(communicator, meeting):
    with pytest.raises(ValidationError) as error:
        decision_add(actor=communicator, meeting=meeting, text="  ", responsible_person="A")
    assert field_of(error) == {"text"}


# --- knowledge-raising efforts ------------------------------------------------------------------


def effort_arguments(**changes):
    return {
        "title": "Seminarium",
        "starts_on": date(2026, 3, 1),
        "target_groups": [TargetGroup.EMPLOYER],
        **changes,
    }


def test_an_effort_needs_a_target_group(communicator):
    with pytest.raises(ValidationError) as error:
        effort_create(actor=communicator, **effort_arguments(target_groups=[]))
    assert field_of(error) == {"target_groups"}


def test_an_effort_cannot_end_before_it_starts(communicator):
    with pytest.raises(ValidationError) as error:
        effort_create(actor=communicator, **effort_arguments(ends_on=date(2026, 1, 1)))
    assert field_of(error) == {"ends_on"}


def test_an_effort_can_only_be_tied_to_a_network_one_manages(network, personas):
    other_manager = personas["communicator_vastmanland"]
    effort = effort_create(actor=other_manager, **effort_arguments(network=network))
    assert effort.network == network
    employer = personas["employer_linkoping"]
    with pytest.raises(PermissionDenied):
        effort_create(actor=employer, **effort_arguments())


def test_updating_an_effort_replaces_its_target_groups(communicator, reference_data):
    effort = effort_create(
        actor=communicator,
        **effort_arguments(target_groups=[TargetGroup.EMPLOYER, TargetGroup.INDIVIDUAL]),
    )
    effort_update(
        actor=communicator,
        effort=effort,
        description="",
        focus_branches=[Branch.objects.get(key="bygg")],
        counties=[],
        network=None,
        ends_on=None,
        status="ongoing",
        reach=12,
        **effort_arguments(target_groups=[TargetGroup.INDIVIDUAL, TargetGroup.DECISION_MAKER]),
    )
    effort = KnowledgeEffort.objects.get()
    assert sorted(effort.target_group_values) == ["decision_maker", "individual"]
    assert effort.reach == 12
