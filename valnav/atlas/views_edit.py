"""Members edit their own organisations' offers and education; reviewers publish.

Every object is fetched through `editable_by(user)`, so another organisation's drafts are
invisible (404) rather than forbidden.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import yesno
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from simple_history.utils import get_m2m_reverse_field_name

from valnav.accounts.models import Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.atlas.forms import ComplementaryEducationForm, OfferForm
from valnav.atlas.models import ComplementaryEducation, Offer, PublicationStatus
from valnav.atlas.services import (
    Action,
    AtlasRights,
    allowed_actions,
    atlas_rights,
    education_create,
    education_publish,
    education_update,
    offer_archive,
    offer_create,
    offer_mark_reviewed,
    offer_publish,
    offer_update,
)
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member, safe_next
from valnav.core.permissions import Perm


def _providers(user: User) -> QuerySet[Organisation]:
    """The organisations the user may choose as provider: where their role edits the atlas."""
    return organisations_with_perm(user=user, perm=Perm.EDIT_OWN_ATLAS).order_by("name")


@dataclass(frozen=True)
class EntryRow[E: (Offer, ComplementaryEducation)]:
    """An entry and the actions its row offers (decided by services.allowed_actions)."""

    entry: E
    actions: frozenset[Action]


def _rows[E: (Offer, ComplementaryEducation)](
    entries: Iterable[E], rights: AtlasRights
) -> list[EntryRow[E]]:
    return [EntryRow(entry, allowed_actions(entry, rights)) for entry in entries]


def _next_or_my_offers(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request, "atlas:my-offers"))


@require_GET
@require_perm(Perm.EDIT_OWN_ATLAS)
def my_offers(request: HttpRequest) -> HttpResponse:
    user = member(request)
    offers = (
        Offer.objects.editable_by(user)
        .select_related("model", "provider", "municipality")
        .order_by("status", "municipality__name", "model__name")
    )
    educations = (
        ComplementaryEducation.objects.editable_by(user)
        .select_related("provider", "municipality")
        .order_by("status", "title")
    )
    rights = atlas_rights(user=user)
    return render(
        request,
        "atlas/my_offers.html",
        {
            "offers": _rows(offers[:500], rights),
            "educations": _rows(educations[:500], rights),
            "stale_count": offers.stale().count(),
            "can_review": rights.reviews,
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = member(request)
    offer = get_object_or_404(Offer.objects.editable_by(user), pk=pk) if pk else None
    form = OfferForm(request.POST or None, instance=offer, providers=_providers(user))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if offer is None:
                offer = offer_create(actor=user, data=data)
                messages.success(request, gettext("The offer was saved as a draft."))
            else:
                was_published = offer.status == PublicationStatus.PUBLISHED
                offer_update(offer=offer, actor=user, data=data)
                if was_published and offer.status == PublicationStatus.IN_REVIEW:
                    messages.success(
                        request,
                        gettext(
                            "The offer was saved and sent for review: the region reviews "
                            "changes to published offers before the public sees them."
                        ),
                    )
                else:
                    messages.success(request, gettext("The offer was saved."))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("atlas:my-offers")
    return render(request, "atlas/offer_form.html", {"form": form, "offer": offer})


def _state_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = member(request)
    offer = get_object_or_404(Offer.objects.editable_by(user), pk=pk)
    try:
        if action == "publish":
            offer_publish(offer=offer, actor=user)
            if offer.status == PublicationStatus.IN_REVIEW:
                messages.success(request, gettext("The offer was sent for review."))
            else:
                messages.success(request, gettext("The offer is published."))
        elif action == "archive":
            offer_archive(offer=offer, actor=user)
            messages.success(request, gettext("The offer was archived."))
        else:
            offer_mark_reviewed(offer=offer, actor=user)
            messages.success(request, gettext("The offer is marked as reviewed today."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _next_or_my_offers(request)


@require_POST
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, "publish")


@require_POST
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, "archive")


@require_POST
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_reviewed_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _state_change(request, pk, "reviewed")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: User | None
    kind: str
    changes: list[FieldChange] = field(default_factory=list)


def _history(instance: Offer | ComplementaryEducation) -> list[HistoryEntry]:
    """Each recorded version, newest first, with who, when and what changed from the one
    before. Related objects are shown by name, looked up together: a fixed number of queries
    (one per related model and per many-to-many field), however long the history."""
    history = instance.history
    history_model = history.model
    records = list(history.select_related("history_user").order_by("history_date", "history_id"))
    fields = [
        model_field
        for model_field in history_model.tracked_fields
        if model_field.editable and not model_field.primary_key
    ]
    m2m_fields: list[ManyToManyField[Any, Any]] = list(history_model._history_m2m_fields)
    # The related ids each version had, by many-to-many field and history id.
    m2m_ids: dict[str, dict[int, frozenset[int]]] = {}
    for m2m_field in m2m_fields:
        target = get_m2m_reverse_field_name(m2m_field)
        found: defaultdict[int, set[int]] = defaultdict(set)
        rows = getattr(history_model, m2m_field.name).model.objects.filter(
            history_id__in=[record.history_id for record in records]
        )
        for history_id, related_id in rows.values_list("history_id", f"{target}_id"):
            found[history_id].add(related_id)
        m2m_ids[m2m_field.name] = {key: frozenset(ids) for key, ids in found.items()}

    raw: list[tuple[Any, list[tuple[Any, Any, Any]]]] = []
    wanted: defaultdict[type[Model], set[Any]] = defaultdict(set)
    previous = None
    for record in records:
        changes: list[tuple[Any, Any, Any]] = []
        if previous is not None:
            for model_field in fields:
                old = getattr(previous, model_field.attname)
                new = getattr(record, model_field.attname)
                if old != new:
                    changes.append((model_field, old, new))
                    if isinstance(model_field, ForeignKey):
                        wanted[model_field.related_model].update({old, new} - {None})
            for m2m_field in m2m_fields:
                by_history = m2m_ids[m2m_field.name]
                old = by_history.get(previous.history_id, frozenset())
                new = by_history.get(record.history_id, frozenset())
                if old != new:
                    changes.append((m2m_field, old, new))
                    wanted[m2m_field.related_model].update(old | new)
        raw.append((record, changes))
        previous = record

    names = {
        model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(ids).items()}
        for model, ids in wanted.items()
    }

    def shown(model_field: Any, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(model_field, ManyToManyField):
            related = names[model_field.related_model]
            return ", ".join(sorted(related.get(pk, str(pk)) for pk in value))
        if isinstance(model_field, ForeignKey):
            return names[model_field.related_model].get(value, str(value))
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(yesno(value))
        return str(value)

    entries = [
        HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=record.get_history_type_display(),
            changes=[
                FieldChange(
                    label=str(getattr(model_field, "verbose_name", model_field.name)),
                    old=shown(model_field, old),
                    new=shown(model_field, new),
                )
                for model_field, old, new in changes
            ],
        )
        for record, changes in raw
    ]
    return list(reversed(entries))


@require_GET
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_history(request: HttpRequest, pk: int) -> HttpResponse:
    offers = Offer.objects.editable_by(member(request)).select_related("model", "municipality")
    offer = get_object_or_404(offers, pk=pk)
    return render(request, "atlas/history.html", {"object": offer, "entries": _history(offer)})


@require_GET
@require_perm(Perm.REVIEW_ATLAS)
def review_queue(request: HttpRequest) -> HttpResponse:
    user = member(request)
    rights = atlas_rights(user=user)
    offers = (
        Offer.objects.editable_by(user)
        .filter(status=PublicationStatus.IN_REVIEW)
        .select_related("model", "provider", "municipality")
    )
    educations = (
        ComplementaryEducation.objects.editable_by(user)
        .filter(status=PublicationStatus.IN_REVIEW)
        .select_related("provider", "municipality")
    )
    return render(
        request,
        "atlas/review_queue.html",
        {"offers": _rows(offers, rights), "educations": _rows(educations, rights)},
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.EDIT_OWN_ATLAS)
def education_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = member(request)
    education = (
        get_object_or_404(ComplementaryEducation.objects.editable_by(user), pk=pk) if pk else None
    )
    form = ComplementaryEducationForm(
        request.POST or None, instance=education, providers=_providers(user)
    )
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in form.Meta.fields
            if name not in {"occupations", "closes_gaps_of"}
        }
        data["start_dates"] = form.cleaned_data["start_dates_text"]
        try:
            if education is None:
                education_create(
                    actor=user,
                    data=data,
                    occupations=form.cleaned_data["occupations"],
                    closes_gaps_of=form.cleaned_data["closes_gaps_of"],
                )
                messages.success(request, gettext("The education was saved as a draft."))
            else:
                was_published = education.status == PublicationStatus.PUBLISHED
                education_update(
                    education=education,
                    actor=user,
                    data=data,
                    occupations=form.cleaned_data["occupations"],
                    closes_gaps_of=form.cleaned_data["closes_gaps_of"],
                )
                if was_published and education.status == PublicationStatus.IN_REVIEW:
                    messages.success(
                        request,
                        gettext(
                            "The education was saved and sent for review: the region reviews "
                            "changes to published education before the public sees them."
                        ),
                    )
                else:
                    messages.success(request, gettext("The education was saved."))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("atlas:my-offers")
    return render(request, "atlas/education_form.html", {"form": form, "education": education})


@require_POST
@require_perm(Perm.EDIT_OWN_ATLAS)
def education_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    education = get_object_or_404(ComplementaryEducation.objects.editable_by(user), pk=pk)
    try:
        education_publish(education=education, actor=user)
        if education.status == PublicationStatus.IN_REVIEW:
            messages.success(request, gettext("The education was sent for review."))
        else:
            messages.success(request, gettext("The education is published."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _next_or_my_offers(request)


@require_GET
@require_perm(Perm.EDIT_OWN_ATLAS)
def education_history(request: HttpRequest, pk: int) -> HttpResponse:
    educations = ComplementaryEducation.objects.editable_by(member(request))
    education = get_object_or_404(educations.select_related("municipality"), pk=pk)
    return render(
        request, "atlas/history.html", {"object": education, "entries": _history(education)}
    )


urlpatterns: list[URLPattern] = [
    path(_("my-atlas/"), my_offers, name="my-offers"),
    path(_("my-atlas/review/"), review_queue, name="review-queue"),
    path(_("my-atlas/offers/new/"), offer_edit, name="offer-create"),
    path(_("my-atlas/offers/<int:pk>/edit/"), offer_edit, name="offer-edit"),
    path(_("my-atlas/offers/<int:pk>/publish/"), offer_publish_view, name="offer-publish"),
    path(_("my-atlas/offers/<int:pk>/archive/"), offer_archive_view, name="offer-archive"),
    path(_("my-atlas/offers/<int:pk>/reviewed/"), offer_reviewed_view, name="offer-reviewed"),
    path(_("my-atlas/offers/<int:pk>/history/"), offer_history, name="offer-history"),
    path(_("my-atlas/education/new/"), education_edit, name="education-create"),
    path(_("my-atlas/education/<int:pk>/edit/"), education_edit, name="education-edit"),
    path(
        _("my-atlas/education/<int:pk>/publish/"),
        education_publish_view,
        name="education-publish",
    ),
    path(_("my-atlas/education/<int:pk>/history/"), education_history, name="education-history"),
]
