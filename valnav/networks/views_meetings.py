"""Meetings of a network: agenda, minutes and their approval, documents and decisions.

Readers are the signed-in members of the network's organisations (`visible_to`); writers need
MANAGE_NETWORKS too. Documents are served only here, as attachments, after the same check.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valnav.accounts.models import User
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from
from valnav.core.permissions import Perm
from valnav.networks.forms import DecisionForm, DocumentForm, MeetingForm
from valnav.networks.models import Meeting, Network
from valnav.networks.selectors import meeting_for_network, member_organisations
from valnav.networks.services import (
    can_manage,
    decision_add,
    decision_update,
    document_add,
    document_remove,
    meeting_create,
    meeting_update,
    minutes_approve,
)
from valnav.networks.views_networks import managed_network_or_404, network_or_404


def _meeting_or_404(network: Network, pk: int) -> Meeting:
    meeting = meeting_for_network(network=network, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


def _meeting_arguments(form: MeetingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "kind": data["kind"],
        "starts_at": data["starts_at"],
        "place": data["place"],
        "is_online": data["is_online"],
        "agenda": data["agenda"],
        "minutes": data["minutes"],
        "participants": data["participants"],
    }


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    form = MeetingForm(request.POST or None, members=member_organisations(network))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(actor=user, network=network, **_meeting_arguments(form))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The meeting is created."))
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "networks/meeting_form.html",
        {"form": form, "network": network},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    initial = {
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at,
        "place": meeting.place,
        "is_online": meeting.is_online,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "participants": list(meeting.participants.all()),
    }
    form = MeetingForm(request.POST or None, initial=initial, members=member_organisations(network))
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(actor=user, meeting=meeting, **_meeting_arguments(form))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The meeting is saved."))
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "networks/meeting_form.html",
        {"form": form, "network": network, "meeting": meeting},
        status=400 if form.is_bound else 200,
    )


def _render_meeting(
    request: HttpRequest,
    user: User,
    network: Network,
    meeting: Meeting,
    *,
    document_form: DocumentForm | None = None,
    decision_form: DecisionForm | None = None,
    approve_error: str = "",
    status: int = 200,
) -> HttpResponse:
    manages = can_manage(actor=user, network=network)
    members = member_organisations(network)
    return render(
        request,
        "networks/meeting_detail.html",
        {
            "network": network,
            "meeting": meeting,
            "manages": manages,
            "document_form": document_form or (DocumentForm() if manages else None),
            "decision_form": decision_form
            or (DecisionForm(members=members, prefix="decision") if manages else None),
            "approve_error": approve_error,
        },
        status=status,
    )


@require_GET
@require_perm(Perm.VIEW_STAFF_PAGES)
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network = network_or_404(request, slug)
    return _render_meeting(request, user, network, _meeting_or_404(network, pk))


@require_POST
@require_perm(Perm.MANAGE_NETWORKS)
def minutes_approve_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    try:
        minutes_approve(actor=user, meeting=meeting)
    except ValidationError as error:
        return _render_meeting(
            request, user, network, meeting, approve_error=" ".join(error.messages), status=400
        )
    messages.success(request, gettext("The minutes are approved."))
    return redirect(f"{meeting.get_absolute_url()}#minutes")


@require_POST
@require_perm(Perm.MANAGE_NETWORKS)
def document_add_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document_add(
                actor=user,
                meeting=meeting,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The document is added."))
            return redirect(f"{meeting.get_absolute_url()}#documents")
    return _render_meeting(request, user, network, meeting, document_form=form, status=400)


@require_GET
@require_perm(Perm.VIEW_STAFF_PAGES)
def document_file(request: HttpRequest, slug: str, pk: int, document: int) -> HttpResponse:
    """The stored file as an attachment with the type recognised at upload: never rendered by
    the browser as a page of this site."""
    _user, network = network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    found = get_object_or_404(meeting.documents.all(), pk=document)
    try:
        with found.file.open("rb") as handle:
            content = handle.read()  # at most DOCUMENT_MAX_BYTES
    except (FileNotFoundError, ValueError) as missing:  # lost, or never stored
        raise Http404 from missing
    response = HttpResponse(content, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@require_perm(Perm.MANAGE_NETWORKS)
def document_remove_view(request: HttpRequest, slug: str, pk: int, document: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    found = get_object_or_404(meeting.documents.all(), pk=document)
    document_remove(actor=user, document=found)
    messages.success(request, gettext("The document is removed."))
    return redirect(f"{meeting.get_absolute_url()}#documents")


def _decision_arguments(form: DecisionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "text": data["text"],
        "responsible_organisation": data["responsible_organisation"],
        "responsible_person": data["responsible_person"],
        "due_on": data["due_on"],
        "status": data["status"],
    }


@require_POST
@require_perm(Perm.MANAGE_NETWORKS)
def decision_add_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    form = DecisionForm(request.POST, members=member_organisations(network), prefix="decision")
    if form.is_valid():
        try:
            decision_add(actor=user, meeting=meeting, **_decision_arguments(form))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The decision is recorded."))
            return redirect(f"{meeting.get_absolute_url()}#decisions")
    return _render_meeting(request, user, network, meeting, decision_form=form, status=400)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def decision_edit(request: HttpRequest, slug: str, pk: int, decision: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    meeting = _meeting_or_404(network, pk)
    found = get_object_or_404(meeting.decisions.all(), pk=decision)
    form = DecisionForm(
        request.POST or None,
        members=member_organisations(network),
        initial={
            "text": found.text,
            "responsible_organisation": found.responsible_organisation,
            "responsible_person": found.responsible_person,
            "due_on": found.due_on,
            "status": found.status,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision_update(actor=user, decision=found, **_decision_arguments(form))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The decision is saved."))
            return redirect(f"{meeting.get_absolute_url()}#decisions")
    return render(
        request,
        "networks/decision_form.html",
        {"form": form, "network": network, "meeting": meeting, "decision": found},
        status=400 if form.is_bound else 200,
    )


urlpatterns: list[URLPattern] = [
    path(_("my-networks/<slug:slug>/meetings/new/"), meeting_new, name="meeting-new"),
    path(_("my-networks/<slug:slug>/meetings/<int:pk>/"), meeting_detail, name="meeting-detail"),
    path(_("my-networks/<slug:slug>/meetings/<int:pk>/edit/"), meeting_edit, name="meeting-edit"),
    path(
        _("my-networks/<slug:slug>/meetings/<int:pk>/approve/"),
        minutes_approve_view,
        name="minutes-approve",
    ),
    path(
        _("my-networks/<slug:slug>/meetings/<int:pk>/documents/"),
        document_add_view,
        name="document-add",
    ),
    path(
        _("my-networks/<slug:slug>/meetings/<int:pk>/documents/<int:document>/"),
        document_file,
        name="document-file",
    ),
    path(
        _("my-networks/<slug:slug>/meetings/<int:pk>/documents/<int:document>/remove/"),
        document_remove_view,
        name="document-remove",
    ),
    path(
        _("my-networks/<slug:slug>/meetings/<int:pk>/decisions/"),
        decision_add_view,
        name="decision-add",
    ),
    path(
        _("my-networks/<slug:slug>/meetings/<int:pk>/decisions/<int:decision>/"),
        decision_edit,
        name="decision-edit",
    ),
]
