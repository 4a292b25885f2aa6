"""Writes for the atlas. Every write checks who may make it, validates, keeps the search stems
and records the change (who, when, what) in the history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.atlas.models import (
    ComplementaryEducation,
    Offer,
    PublicationStatus,
    RegionPolicy,
    ValidationModel,
)
from valnav.core.permissions import Perm, user_has_perm
from valnav.lib.stemming import stem_text

if TYPE_CHECKING:
    from valnav.accounts.models import Organisation, User


def offer_stems(offer: Offer) -> str:
    """The search text of an offer: its model, occupations, branch, provider and place."""
    model = offer.model
    occupation_names = [
        f"{occupation.name_sv} {occupation.name_en}" for occupation in model.occupations.all()
    ]
    branch = model.branch
    return stem_text(
        model.name,
        model.summary,
        " ".join(occupation_names),
        f"{branch.name_sv} {branch.name_en}" if branch else "",
        " ".join(model.outcome_labels()),
        offer.provider.name,
        offer.municipality.name,
        offer.municipality.county.name,
        offer.description,
    )


def education_stems(education: ComplementaryEducation) -> str:
    occupation_names = [
        f"{occupation.name_sv} {occupation.name_en}" for occupation in education.occupations.all()
    ]
    return stem_text(
        education.title,
        education.code,
        education.get_form_display(),
        " ".join(occupation_names),
        education.provider.name,
        education.municipality.name,
        education.municipality.county.name,
        education.description,
    )


def _require_editable(actor: User, provider: Organisation) -> None:
    """Members edit their own organisations' entries; reviewers edit everyone's."""
    if user_has_perm(actor, Perm.REVIEW_ATLAS):
        return
    if (
        not user_has_perm(actor, Perm.EDIT_OWN_ATLAS)
        or not actor.memberships.filter(organisation=provider).exists()
    ):
        raise PermissionDenied(_("You can only change entries of your own organisation."))


def _apply(instance: Any, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        setattr(instance, name, value)


def offer_create(*, actor: User, data: Mapping[str, Any]) -> Offer:
    """Create a draft offer for one of the actor's organisations."""
    offer = Offer()
    _apply(offer, data)
    _require_editable(actor, offer.provider)
    offer.status = PublicationStatus.DRAFT
    with transaction.atomic():
        offer.full_clean()
        offer.search_stems = offer_stems(offer)
        offer._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        offer.save()
    return offer


def offer_update(*, offer: Offer, actor: User, data: Mapping[str, Any]) -> Offer:
    _require_editable(actor, offer.provider)
    if "provider" in data:
        _require_editable(actor, data["provider"])
    _apply(offer, data)
    with transaction.atomic():
        offer.full_clean()
        offer.search_stems = offer_stems(offer)
        offer._history_user = actor  # type: ignore[attr-defined]
        offer.save()
    return offer


def review_required(*, county_id: int) -> bool:
    return RegionPolicy.objects.filter(county_id=county_id, review_required=True).exists()


def _publish(instance: Offer | ComplementaryEducation, actor: User) -> None:
    _require_editable(actor, instance.provider)
    if instance.status == PublicationStatus.ARCHIVED:
        raise ValidationError(_("An archived entry cannot be published; make a new one."))
    if review_required(county_id=instance.municipality.county_id) and not user_has_perm(
        actor, Perm.REVIEW_ATLAS
    ):
        instance.status = PublicationStatus.IN_REVIEW
    else:
        instance.status = PublicationStatus.PUBLISHED
        instance.last_reviewed = timezone.localdate()
    with transaction.atomic():
        instance._history_user = actor  # type: ignore[union-attr]
        instance.save()


def offer_publish(*, offer: Offer, actor: User) -> Offer:
    """Publish, or send for review where the county's region wants publications reviewed."""
    _publish(offer, actor)
    return offer


def offer_archive(*, offer: Offer, actor: User) -> Offer:
    _require_editable(actor, offer.provider)
    offer.status = PublicationStatus.ARCHIVED
    with transaction.atomic():
        offer._history_user = actor  # type: ignore[attr-defined]
        offer.save()
    return offer


def offer_mark_reviewed(*, offer: Offer, actor: User) -> Offer:
    """Confirm the facts are still right, so the offer is no longer stale."""
    _require_editable(actor, offer.provider)
    offer.last_reviewed = timezone.localdate()
    with transaction.atomic():
        offer._history_user = actor  # type: ignore[attr-defined]
        offer.save()
    return offer


def education_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    occupations: Iterable[Any] = (),
    closes_gaps_of: Iterable[ValidationModel] = (),
) -> ComplementaryEducation:
    education = ComplementaryEducation()
    _apply(education, data)
    _require_editable(actor, education.provider)
    education.status = PublicationStatus.DRAFT
    with transaction.atomic():
        education.full_clean()
        education._history_user = actor  # type: ignore[attr-defined]
        education.save()
        education.occupations.set(occupations)
        education.closes_gaps_of.set(closes_gaps_of)
        education.search_stems = education_stems(education)
        education.save(update_fields=["search_stems"])
    return education


def education_update(
    *,
    education: ComplementaryEducation,
    actor: User,
    data: Mapping[str, Any],
    occupations: Iterable[Any] | None = None,
    closes_gaps_of: Iterable[ValidationModel] | None = None,
) -> ComplementaryEducation:
    _require_editable(actor, education.provider)
    _apply(education, data)
    with transaction.atomic():
        education.full_clean()
        if occupations is not None:
            education.occupations.set(occupations)
        if closes_gaps_of is not None:
            education.closes_gaps_of.set(closes_gaps_of)
        education.search_stems = education_stems(education)
        education._history_user = actor  # type: ignore[attr-defined]
        education.save()
    return education


def education_publish(*, education: ComplementaryEducation, actor: User) -> ComplementaryEducation:
    _publish(education, actor)
    return education


def search_stems_refresh(*, model_ids: Iterable[int] | None = None) -> int:
    """Recompute the stems of offers (of the given models) and education; returns rows changed.

    Called after a catalogue import, since a model's name and occupations are part of its
    offers' search text.
    """
    offers = Offer.objects.select_related("model__branch", "provider", "municipality__county")
    offers = offers.prefetch_related("model__occupations")
    if model_ids is not None:
        offers = offers.filter(model_id__in=list(model_ids))
    changed: list[Offer] = []
    for offer in offers.iterator(chunk_size=2000):
        text = offer_stems(offer)
        if text != offer.search_stems:
            offer.search_stems = text
            changed.append(offer)
    Offer.objects.bulk_update(changed, ["search_stems"], batch_size=1000)
    educations = ComplementaryEducation.objects.select_related(
        "provider", "municipality__county"
    ).prefetch_related("occupations")
    changed_education: list[ComplementaryEducation] = []
    for education in educations.iterator(chunk_size=2000):
        text = education_stems(education)
        if text != education.search_stems:
            education.search_stems = text
            changed_education.append(education)
    ComplementaryEducation.objects.bulk_update(changed_education, ["search_stems"], batch_size=1000)
    return len(changed) + len(changed_education)
