"""Every write to networks, meetings and knowledge-raising efforts.

Each service is keyword-only, checks who acts (`actor`), validates with `full_clean()` and
writes inside `transaction.atomic()`. A ValidationError names the field it is about, so views
show it next to that field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.core.audiences import TargetGroup
from valnav.core.permissions import Perm, Role, user_has_perm
from valnav.core.uploads import type_names, upload_check, upload_store
from valnav.networks.models import (
    DecisionStatus,
    EffortStatus,
    KnowledgeEffort,
    KnowledgeEffortTargetGroup,
    Meeting,
    MeetingDecision,
    MeetingDocument,
    MeetingKind,
    MembershipRole,
    Network,
    NetworkKind,
    NetworkMembership,
)
from valnav.places.models import County
from valnav.taxonomy.models import Branch

# What a meeting document may be, decided by the file's content (never its name or the
# browser's word): documents anyone in a network opens without special software.
DOCUMENT_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def document_type_names() -> str:
    return type_names(DOCUMENT_TYPES)


# --- who may write ------------------------------------------------------------------------------


def is_administrator(user: User) -> bool:
    return Role.ADMINISTRATOR in user.role_set()


def _require_manager(actor: User) -> None:
    if not user_has_perm(actor, Perm.MANAGE_NETWORKS):
        raise PermissionDenied(_("You may not manage networks."))


def can_manage(*, actor: User, network: Network) -> bool:
    """MANAGE_NETWORKS in an organisation that convenes the network or is a current member."""
    return Network.objects.manageable_by(actor).filter(pk=network.pk).exists()


def _require_network_manager(actor: User, network: Network) -> None:
    if not can_manage(actor=actor, network=network):
        raise PermissionDenied(_("You may not change this network."))


def convenor_choices(*, actor: User) -> QuerySet[Organisation]:
    """The organisations the user may name as a network's convenor: those where they may
    manage networks."""
    if is_administrator(actor):
        return Organisation.objects.all()
    return organisations_with_perm(user=actor, perm=Perm.MANAGE_NETWORKS)


def _full_clean(instance: Any, **kwargs: Any) -> None:
    instance.full_clean(**kwargs)


def _strip(value: str) -> str:
    return value.strip()


# --- networks -----------------------------------------------------------------------------------


def _shadowed(slug: str) -> bool:
    """Whether a fixed path under my-networks/ (new/, decisions/, efforts/ in any language)
    would answer in place of the network's own page."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            path = reverse("networks:network-detail", kwargs={"slug": slug})
            try:
                match = resolve(path)
            except Resolver404:
                return True
            if match.view_name != "networks:network-detail":
                return True
    return False


def _check_slug(slug: str) -> str:
    slug = slugify(slug)
    if not slug:
        raise ValidationError(
            {"slug": _("Give a short name of letters, digits and hyphens.")}, code="empty"
        )
    if _shadowed(slug):
        raise ValidationError(
            {
                "slug": _("“%(slug)s” is a reserved word; choose another short name.")
                % {"slug": slug}
            },
            code="reserved",
        )
    return slug


def network_create(
    *,
    actor: User,
    name: str,
    kind: NetworkKind | str,
    convenor: Organisation,
    slug: str = "",
    purpose: str = "",
    counties: Iterable[County] = (),
    focus_branches: Iterable[Branch] = (),
    is_public: bool = False,
    is_demo: bool = False,
) -> Network:
    """A new network. The convenor must be one of the actor's organisations (any for an
    administrator); the convenor reads and manages the network from then on."""
    _require_manager(actor)
    if not convenor_choices(actor=actor).filter(pk=convenor.pk).exists():
        raise ValidationError(
            {"convenor": _("The convenor must be one of your own organisations.")},
            code="foreign_convenor",
        )
    network = Network(
        name=_strip(name),
        slug=_check_slug(slug or name),
        kind=kind,
        convenor=convenor,
        purpose=purpose,
        is_public=is_public,
        is_demo=is_demo,
    )
    with transaction.atomic():
        _full_clean(network)
        network.save()
        network.counties.set(counties)
        network.focus_branches.set(focus_branches)
    return network


def network_update(
    *,
    actor: User,
    network: Network,
    name: str,
    kind: NetworkKind | str,
    slug: str,
    purpose: str,
    counties: Iterable[County],
    focus_branches: Iterable[Branch],
    is_public: bool,
) -> Network:
    _require_network_manager(actor, network)
    network.name = _strip(name)
    network.slug = _check_slug(slug)
    network.kind = kind
    network.purpose = purpose
    network.is_public = is_public
    with transaction.atomic():
        _full_clean(network)
        network.save()
        network.counties.set(counties)
        network.focus_branches.set(focus_branches)
    return network


# --- memberships --------------------------------------------------------------------------------


def membership_add(
    *,
    actor: User,
    network: Network,
    organisation: Organisation,
    role: MembershipRole | str = MembershipRole.MEMBER,
    user: User | None = None,
    contact_name: str = "",
    contact_role: str = "",
    joined_on: date | None = None,
) -> NetworkMembership:
    """An organisation joins, optionally through a person: a user of that organisation or an
    external contact (name and role)."""
    _require_network_manager(actor, network)
    contact_name, contact_role = _strip(contact_name), _strip(contact_role)
    if user is not None and contact_name:
        raise ValidationError(
            {"contact_name": _("Name either a user or an external contact, not both.")},
            code="user_and_contact",
        )
    if user is not None and not user.memberships.filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "user": _("The person is not a member of %(organisation)s.")
                % {"organisation": organisation.name}
            },
            code="user_not_in_organisation",
        )
    if contact_role and not contact_name:
        raise ValidationError(
            {"contact_name": _("Give the contact's name with their role.")}, code="no_name"
        )
    membership = NetworkMembership(
        network=network,
        organisation=organisation,
        user=user,
        contact_name=contact_name,
        contact_role=contact_role,
        role=role,
        joined_on=joined_on or timezone.localdate(),
    )
    with transaction.atomic():
        _full_clean(membership)
        membership.save()
    return membership


def membership_end(
    *, actor: User, membership: NetworkMembership, left_on: date | None = None
) -> NetworkMembership:
    """The organisation (or person) leaves the network; the row stays as its history."""
    _require_network_manager(actor, membership.network)
    if membership.left_on is not None:
        raise ValidationError(
            {"left_on": _("This membership has already ended.")}, code="already_ended"
        )
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError(
            {"left_on": _("The date left is before the date joined.")}, code="left_before_joined"
        )
    membership.left_on = left_on
    with transaction.atomic():
        _full_clean(membership)
        membership.save(update_fields=["left_on", "updated_at"])
    return membership


def _current_member_ids(network: Network) -> set[int]:
    today = timezone.localdate()
    return {
        row.organisation_id
        for row in network.memberships.all()
        if row.left_on is None or row.left_on > today
    } | {network.convenor_id}


# --- meetings -----------------------------------------------------------------------------------


def _check_participants(network: Network, participants: Iterable[Organisation]) -> list[int]:
    members = _current_member_ids(network)
    chosen = [organisation.pk for organisation in participants]
    strangers = [pk for pk in chosen if pk not in members]
    if strangers:
        raise ValidationError(
            {"participants": _("Only member organisations of the network can be present.")},
            code="not_members",
        )
    return chosen


def _check_place(place: str, is_online: bool) -> None:
    if not place.strip() and not is_online:
        raise ValidationError(
            {"place": _("Give a place or mark the meeting as online.")}, code="no_place"
        )


def meeting_create(
    *,
    actor: User,
    network: Network,
    title: str,
    starts_at: datetime,
    kind: MeetingKind | str = MeetingKind.MEETING,
    place: str = "",
    is_online: bool = False,
    agenda: str = "",
    minutes: str = "",
    participants: Iterable[Organisation] = (),
) -> Meeting:
    _require_network_manager(actor, network)
    _check_place(place, is_online)
    chosen = _check_participants(network, participants)
    meeting = Meeting(
        network=network,
        kind=kind,
        title=_strip(title),
        starts_at=starts_at,
        place=_strip(place),
        is_online=is_online,
        agenda=agenda,
        minutes=minutes,
    )
    with transaction.atomic():
        _full_clean(meeting)
        meeting.save()
        meeting.participants.set(chosen)
    return meeting


def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    kind: MeetingKind | str,
    place: str,
    is_online: bool,
    agenda: str,
    minutes: str,
    participants: Iterable[Organisation],
) -> Meeting:
    """Change a meeting. Changed minutes lose their approval: the public pages only ever show
    minutes as they were approved."""
    _require_network_manager(actor, meeting.network)
    _check_place(place, is_online)
    chosen = _check_participants(meeting.network, participants)
    if minutes != meeting.minutes and meeting.minutes_approved:
        meeting.minutes_approved = False
        meeting.minutes_approved_at = None
        meeting.minutes_approved_by = None
    meeting.title = _strip(title)
    meeting.starts_at = starts_at
    meeting.kind = kind
    meeting.place = _strip(place)
    meeting.is_online = is_online
    meeting.agenda = agenda
    meeting.minutes = minutes
    with transaction.atomic():
        _full_clean(meeting)
        meeting.save()
        meeting.participants.set(chosen)
    return meeting


def minutes_approve(*, actor: User, meeting: Meeting) -> Meeting:
    _require_network_manager(actor, meeting.network)
    if not meeting.minutes.strip():
        raise ValidationError(
            {"minutes": _("There are no minutes to approve yet.")}, code="no_minutes"
        )
    if meeting.minutes_approved:
        raise ValidationError(
            {"minutes": _("The minutes are already approved.")}, code="already_approved"
        )
    meeting.minutes_approved = True
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = actor
    with transaction.atomic():
        meeting.save(
            update_fields=[
                "minutes_approved",
                "minutes_approved_at",
                "minutes_approved_by",
                "updated_at",
            ]
        )
    return meeting


# --- documents ----------------------------------------------------------------------------------


def document_add(
    *, actor: User, meeting: Meeting, upload: UploadedFile[bytes], title: str = ""
) -> MeetingDocument:
    """Store a meeting document under an unguessable name. Its type is recognised from its
    content; if the database write fails, the stored file is removed again."""
    _require_network_manager(actor, meeting.network)
    checked = upload_check(
        upload, allowed=DOCUMENT_TYPES, max_bytes=DOCUMENT_MAX_BYTES, default_stem="dokument"
    )
    document = MeetingDocument(
        meeting=meeting,
        title=_strip(title) or checked.display_name.rsplit(".", 1)[0],
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    _full_clean(document, exclude=["file"])
    upload_store(document.file, upload)
    try:
        with transaction.atomic():
            _full_clean(document)
            document.save()
    except BaseException:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return document


def document_remove(*, actor: User, document: MeetingDocument) -> None:
    """Delete the row, then the stored file once the deletion is committed."""
    _require_network_manager(actor, document.meeting.network)
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        document.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


# --- decisions ----------------------------------------------------------------------------------


def decision_add(
    *,
    actor: User,
    meeting: Meeting,
    text: str,
    responsible_organisation: Organisation | None = None,
    responsible_person: str = "",
    due_on: date | None = None,
    status: DecisionStatus | str = DecisionStatus.OPEN,
) -> MeetingDecision:
    _require_network_manager(actor, meeting.network)
    decision = MeetingDecision(meeting=meeting, status=status)
    return _decision_save(
        decision,
        text=text,
        responsible_organisation=responsible_organisation,
        responsible_person=responsible_person,
        due_on=due_on,
    )


def decision_update(
    *,
    actor: User,
    decision: MeetingDecision,
    text: str,
    responsible_organisation: Organisation | None,
    responsible_person: str,
    due_on: date | None,
    status: DecisionStatus | str,
) -> MeetingDecision:
    _require_network_manager(actor, decision.meeting.network)
    decision.status = status
    return _decision_save(
        decision,
        text=text,
        responsible_organisation=responsible_organisation,
        responsible_person=responsible_person,
        due_on=due_on,
    )


def _decision_save(
    decision: MeetingDecision,
    *,
    text: str,
    responsible_organisation: Organisation | None,
    responsible_person: str,
    due_on: date | None,
) -> MeetingDecision:
    decision.text = text.strip()
    decision.responsible_organisation = responsible_organisation
    decision.responsible_person = _strip(responsible_person)
    decision.due_on = due_on
    if responsible_organisation is None and not decision.responsible_person:
        raise ValidationError(
            {"responsible_organisation": _("Name a responsible organisation or person.")},
            code="no_responsible",
        )
    with transaction.atomic():
        _full_clean(decision)
        decision.save()
    return decision


# --- knowledge-raising efforts ------------------------------------------------------------------


def can_manage_effort(*, actor: User, effort: KnowledgeEffort) -> bool:
    """An effort of a network is managed by those who manage the network; one without a network
    by anyone with MANAGE_NETWORKS."""
    if not user_has_perm(actor, Perm.MANAGE_NETWORKS):
        return False
    return effort.network is None or can_manage(actor=actor, network=effort.network)


def _check_target_groups(target_groups: Iterable[str]) -> list[str]:
    groups = sorted(set(target_groups))
    unknown = [group for group in groups if group not in TargetGroup.values]
    if unknown:
        raise ValidationError(
            {"target_groups": _("Unknown target group: %(value)s.") % {"value": unknown[0]}},
            code="unknown_target_group",
        )
    if not groups:
        raise ValidationError(
            {"target_groups": _("Choose at least one target group.")}, code="no_target_group"
        )
    return groups


def _effort_save(
    effort: KnowledgeEffort,
    *,
    actor: User,
    title: str,
    description: str,
    target_groups: Iterable[str],
    focus_branches: Iterable[Branch],
    counties: Iterable[County],
    network: Network | None,
    starts_on: date,
    ends_on: date | None,
    status: EffortStatus | str,
    reach: int | None,
) -> KnowledgeEffort:
    if network is not None and not can_manage(actor=actor, network=network):
        raise ValidationError(
            {"network": _("You can only tie an effort to a network you manage.")},
            code="foreign_network",
        )
    groups = _check_target_groups(target_groups)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": _("The end date is before the start date.")}, code="ends_before_start"
        )
    effort.title = _strip(title)
    effort.description = description
    effort.network = network
    effort.starts_on = starts_on
    effort.ends_on = ends_on
    effort.status = status
    effort.reach = reach
    with transaction.atomic():
        _full_clean(effort)
        effort.save()
        effort.focus_branches.set(focus_branches)
        effort.counties.set(counties)
        effort.target_groups.exclude(target_group__in=groups).delete()
        existing = set(effort.target_groups.values_list("target_group", flat=True))
        KnowledgeEffortTargetGroup.objects.bulk_create(
            KnowledgeEffortTargetGroup(effort=effort, target_group=group)
            for group in groups
            if group not in existing
        )
    return effort


def effort_create(
    *,
    actor: User,
    title: str,
    starts_on: date,
    target_groups: Iterable[str],
    description: str = "",
    focus_branches: Iterable[Branch] = (),
    counties: Iterable[County] = (),
    network: Network | None = None,
    ends_on: date | None = None,
    status: EffortStatus | str = EffortStatus.PLANNED,
    reach: int | None = None,
    is_demo: bool = False,
) -> KnowledgeEffort:
    _require_manager(actor)
    return _effort_save(
        KnowledgeEffort(is_demo=is_demo),
        actor=actor,
        title=title,
        description=description,
        target_groups=target_groups,
        focus_branches=focus_branches,
        counties=counties,
        network=network,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        reach=reach,
    )


def effort_update(
    *,
    actor: User,
    effort: KnowledgeEffort,
    title: str,
    starts_on: date,
    target_groups: Iterable[str],
    description: str,
    focus_branches: Iterable[Branch],
    counties: Iterable[County],
    network: Network | None,
    ends_on: date | None,
    status: EffortStatus | str,
    reach: int | None,
) -> KnowledgeEffort:
    if not can_manage_effort(actor=actor, effort=effort):
        raise PermissionDenied(_("You may not change this effort."))
    return _effort_save(
        effort,
        actor=actor,
        title=title,
        description=description,
        target_groups=target_groups,
        focus_branches=focus_branches,
        counties=counties,
        network=network,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        reach=reach,
    )
