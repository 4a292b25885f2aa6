"""Writes to information material: drafts, review, publishing, archiving, translations and
review reminders.

Members with EDIT_MATERIALS in an organisation write its drafts and send them for review;
those with PUBLISH_MATERIALS there publish and archive. A change to a published text by
someone who may not publish sends it back to review (the public sees it again once published).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.core.audiences import TargetGroup
from valnav.core.permissions import Perm
from valnav.outreach.models import (
    Material,
    MaterialState,
    MaterialTargetGroup,
    MaterialTransition,
    MaterialVersion,
)
from valnav.places.models import County
from valnav.taxonomy.models import Branch, Occupation

DEFAULT_REVIEW_AFTER = datetime.timedelta(days=365)
REMINDER_WINDOW = datetime.timedelta(days=14)


@dataclass
class MaterialData:
    """What a writer fills in for one text."""

    kind: str
    title: str
    slug: str
    summary: str
    body: str
    language: str
    target_groups: list[str]
    branch: Branch | None = None
    occupations: Iterable[Occupation] = field(default_factory=list)
    counties: Iterable[County] = field(default_factory=list)
    review_by: datetime.date | None = None


def material_may(*, user: User, material: Material, perm: Perm) -> bool:
    """Whether `user` holds `perm` in the material's organisation."""
    return (
        organisations_with_perm(user=user, perm=perm).filter(pk=material.organisation_id).exists()
    )


def _require(*, user: User, organisation_id: int, perm: Perm) -> None:
    if not organisations_with_perm(user=user, perm=perm).filter(pk=organisation_id).exists():
        raise PermissionDenied(_("You may not do this for this organisation's material."))


def _check_target_groups(target_groups: list[str]) -> list[str]:
    known = set(TargetGroup.values)
    chosen = list(dict.fromkeys(target_groups))
    if not chosen:
        raise ValidationError(
            {"target_groups": _("Choose at least one target group.")}, code="required"
        )
    unknown = [group for group in chosen if group not in known]
    if unknown:
        raise ValidationError(
            {"target_groups": _("Unknown target group: %(value)s") % {"value": unknown[0]}},
            code="invalid",
        )
    return chosen


def _apply(material: Material, data: MaterialData) -> list[str]:
    material.kind = data.kind
    material.title = data.title.strip()
    material.slug = data.slug.strip()
    material.summary = data.summary.strip()
    material.body = data.body
    material.language = data.language.strip()
    material.branch = data.branch
    material.review_by = data.review_by
    return _check_target_groups(data.target_groups)


def _save_relations(material: Material, data: MaterialData, target_groups: list[str]) -> None:
    material.occupations.set(list(data.occupations))
    material.counties.set(list(data.counties))
    material.audiences.exclude(target_group__in=target_groups).delete()
    existing = set(material.audiences.values_list("target_group", flat=True))
    MaterialTargetGroup.objects.bulk_create(
        MaterialTargetGroup(material=material, target_group=group)
        for group in target_groups
        if group not in existing
    )


def _version(material: Material, actor: User) -> MaterialVersion:
    last = material.versions.order_by("-number").first()
    if last and (last.title, last.summary, last.body) == (
        material.title,
        material.summary,
        material.body,
    ):
        return last
    return MaterialVersion.objects.create(
        material=material,
        number=(last.number + 1) if last else 1,
        title=material.title,
        summary=material.summary,
        body=material.body,
        created_by=actor,
    )


def _move(material: Material, *, to: MaterialState, actor: User) -> None:
    MaterialTransition.objects.create(
        material=material, from_state=material.state, to_state=to, actor=actor
    )
    material.state = to


def material_create(
    *, actor: User, organisation: Organisation, data: MaterialData, is_demo: bool = False
) -> Material:
    """A new draft of `organisation`, with its first version."""
    _require(user=actor, organisation_id=organisation.pk, perm=Perm.EDIT_MATERIALS)
    material = Material(owner=actor, organisation=organisation, is_demo=is_demo)
    target_groups = _apply(material, data)
    with transaction.atomic():
        material.full_clean()
        material.save()
        _save_relations(material, data, target_groups)
        _version(material, actor)
    return material


def material_update(*, material: Material, actor: User, data: MaterialData) -> Material:
    """Save a change; a new version when title, summary or body changed."""
    _require(user=actor, organisation_id=material.organisation_id, perm=Perm.EDIT_MATERIALS)
    if material.state == MaterialState.ARCHIVED:
        raise ValidationError(_("Archived material cannot be changed."), code="archived")
    target_groups = _apply(material, data)
    with transaction.atomic():
        material.full_clean()
        if material.state == MaterialState.PUBLISHED and not material_may(
            user=actor, material=material, perm=Perm.PUBLISH_MATERIALS
        ):
            _move(material, to=MaterialState.REVIEW, actor=actor)
        material.save()
        _save_relations(material, data, target_groups)
        _version(material, actor)
    return material


def material_submit(*, material: Material, actor: User) -> Material:
    """Draft → review."""
    _require(user=actor, organisation_id=material.organisation_id, perm=Perm.EDIT_MATERIALS)
    if material.state != MaterialState.DRAFT:
        raise ValidationError(_("Only a draft can be sent for review."), code="state")
    with transaction.atomic():
        _move(material, to=MaterialState.REVIEW, actor=actor)
        material.save(update_fields=["state", "updated_at"])
    return material


def material_publish(
    *, material: Material, actor: User, today: datetime.date | None = None
) -> Material:
    """Draft or review → published. Without a review-by date, one year from today."""
    _require(user=actor, organisation_id=material.organisation_id, perm=Perm.PUBLISH_MATERIALS)
    if material.state not in {MaterialState.DRAFT, MaterialState.REVIEW}:
        raise ValidationError(_("Only a draft or a text in review can be published."), "state")
    today = today or timezone.localdate()
    with transaction.atomic():
        _move(material, to=MaterialState.PUBLISHED, actor=actor)
        material.published_at = timezone.now()
        if material.review_by is None:
            material.review_by = today + DEFAULT_REVIEW_AFTER
        material.save(update_fields=["state", "published_at", "review_by", "updated_at"])
    return material


def material_archive(*, material: Material, actor: User) -> Material:
    """Any state but archived → archived: gone from the public pages, kept for the record."""
    _require(user=actor, organisation_id=material.organisation_id, perm=Perm.PUBLISH_MATERIALS)
    if material.state == MaterialState.ARCHIVED:
        raise ValidationError(_("The material is already archived."), code="state")
    with transaction.atomic():
        _move(material, to=MaterialState.ARCHIVED, actor=actor)
        material.save(update_fields=["state", "updated_at"])
    return material


def material_translate(
    *,
    material: Material,
    actor: User,
    language: str,
    title: str,
    summary: str,
    body: str,
    slug: str,
) -> Material:
    """A new draft in another language in the same translation group, with the original's
    kind, target groups, branch, occupations, counties and review-by date."""
    if Material.objects.filter(
        translation_group=material.translation_group, language=language.strip()
    ).exists():
        raise ValidationError(
            {"language": _("This text already has a version in that language.")}, code="unique"
        )
    data = MaterialData(
        kind=material.kind,
        title=title,
        slug=slug,
        summary=summary,
        body=body,
        language=language,
        target_groups=list(material.audiences.values_list("target_group", flat=True)),
        branch=material.branch,
        occupations=list(material.occupations.all()),
        counties=list(material.counties.all()),
        review_by=material.review_by,
    )
    _require(user=actor, organisation_id=material.organisation_id, perm=Perm.EDIT_MATERIALS)
    variant = Material(
        owner=actor,
        organisation=material.organisation,
        translation_group=material.translation_group,
        is_demo=material.is_demo,
    )
    target_groups = _apply(variant, data)
    with transaction.atomic():
        variant.full_clean()
        variant.save()
        _save_relations(variant, data, target_groups)
        _version(variant, actor)
    return variant


# --- review reminders ---------------------------------------------------------------------------


def materials_due_for_review(*, today: datetime.date) -> QuerySet[Material]:
    """Published material whose review-by date is past or within 14 days and whose owner has
    not yet been reminded of that date."""
    from django.db.models import F, Q

    return (
        Material.objects.published()
        .filter(review_by__lte=today + REMINDER_WINDOW, owner__is_active=True)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("review_by")))
        .order_by("review_by", "pk")
    )


def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """Mark what is due as reminded and queue one e-mail per owner; the number of owners."""
    from valnav.outreach.tasks import send_review_reminder

    today = today or timezone.localdate()
    by_owner: defaultdict[int, list[int]] = defaultdict(list)
    with transaction.atomic():
        due = list(materials_due_for_review(today=today).select_for_update())
        now = timezone.now()
        for material in due:
            by_owner[material.owner_id].append(material.pk)
            material.reminded_for = material.review_by
            material.reminded_at = now
        Material.objects.bulk_update(due, ["reminded_for", "reminded_at"])
    for owner_id, material_ids in by_owner.items():
        send_review_reminder.enqueue(owner_id=owner_id, material_ids=material_ids)
    return len(by_owner)
