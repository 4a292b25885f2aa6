"""Members edit their own organisations' offers and education; reviewers publish.

Every object is fetched through `editable_by(user)`, so another organisation's drafts are
invisible (404) rather than forbidden.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valnav.accounts.models import Organisation, User
from valnav.atlas.forms import ComplementaryEducationForm, OfferForm
from valnav.atlas.models import ComplementaryEducation, Offer, PublicationStatus
from valnav.atlas.services import (
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
from valnav.core.permissions import Perm, user_has_perm


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _providers(user: User) -> QuerySet[Organisation]:
    if user_has_perm(user, Perm.REVIEW_ATLAS):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def _form_errors_from(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
@require_perm(Perm.EDIT_OWN_ATLAS)
def my_offers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
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
    return render(
        request,
        "atlas/my_offers.html",
        {
            "offers": offers[:500],
            "educations": educations[:500],
            "stale_count": offers.stale().count(),
            "can_review": user_has_perm(user, Perm.REVIEW_ATLAS),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    offer = get_object_or_404(Offer.objects.editable_by(user), pk=pk) if pk else None
    form = OfferForm(request.POST or None, instance=offer, providers=_providers(user))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if offer is None:
                offer = offer_create(actor=user, data=data)
                messages.success(request, _t("The offer was saved as a draft."))
            else:
                offer_update(offer=offer, actor=user, data=data)
                messages.success(request, _t("The offer was saved."))
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            return redirect("atlas:my-offers")
    return render(request, "atlas/offer_form.html", {"form": form, "offer": offer})


def _state_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = _user(request)
    offer = get_object_or_404(Offer.objects.editable_by(user), pk=pk)
    try:
        if action == "publish":
            offer_publish(offer=offer, actor=user)
            if offer.status == PublicationStatus.IN_REVIEW:
                messages.success(request, _t("The offer was sent for review."))
            else:
                messages.success(request, _t("The offer is published."))
        elif action == "archive":
            offer_archive(offer=offer, actor=user)
            messages.success(request, _t("The offer was archived."))
        else:
            offer_mark_reviewed(offer=offer, actor=user)
            messages.success(request, _t("The offer is marked as reviewed today."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("atlas:my-offers")


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


def _history(instance: Model) -> list[dict[str, Any]]:
    """Each recorded version with who, when and what changed from the one before."""
    history = instance.history  # type: ignore[attr-defined]  # added by simple-history
    records = list(history.select_related("history_user").order_by("history_date"))
    entries: list[dict[str, Any]] = []
    previous = None
    for record in records:
        changes: list[dict[str, Any]] = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                label = getattr(field, "verbose_name", change.field)
                changes.append({"field": label, "old": change.old, "new": change.new})
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": record.get_history_type_display(),
                "changes": changes,
            }
        )
        previous = record
    return list(reversed(entries))


@require_GET
@require_perm(Perm.EDIT_OWN_ATLAS)
def offer_history(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.editable_by(_user(request)), pk=pk)
    return render(request, "atlas/history.html", {"object": offer, "entries": _history(offer)})


@require_GET
@require_perm(Perm.REVIEW_ATLAS)
def review_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "atlas/review_queue.html",
        {
            "offers": Offer.objects.editable_by(user)
            .filter(status=PublicationStatus.IN_REVIEW)
            .select_related("model", "provider", "municipality"),
            "educations": ComplementaryEducation.objects.editable_by(user)
            .filter(status=PublicationStatus.IN_REVIEW)
            .select_related("provider", "municipality"),
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.EDIT_OWN_ATLAS)
def education_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
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
                messages.success(request, _t("The education was saved as a draft."))
            else:
                education_update(
                    education=education,
                    actor=user,
                    data=data,
                    occupations=form.cleaned_data["occupations"],
                    closes_gaps_of=form.cleaned_data["closes_gaps_of"],
                )
                messages.success(request, _t("The education was saved."))
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            return redirect("atlas:my-offers")
    return render(request, "atlas/education_form.html", {"form": form, "education": education})


@require_POST
@require_perm(Perm.EDIT_OWN_ATLAS)
def education_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    education = get_object_or_404(ComplementaryEducation.objects.editable_by(user), pk=pk)
    try:
        education_publish(education=education, actor=user)
        messages.success(request, _t("The education is published or sent for review."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("atlas:my-offers")


@require_GET
@require_perm(Perm.EDIT_OWN_ATLAS)
def education_history(request: HttpRequest, pk: int) -> HttpResponse:
    education = get_object_or_404(ComplementaryEducation.objects.editable_by(_user(request)), pk=pk)
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
