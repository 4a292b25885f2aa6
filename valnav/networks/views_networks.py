"""Member pages of networks: the user's networks, one network with its members and meetings,
creating and editing a network, members joining and leaving, and the action list of open
decisions.

Every network is fetched through `Network.objects.visible_to(user)`: another organisations'
network is a 404, not a 403. Writes need MANAGE_NETWORKS as well (services.can_manage).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valnav.accounts.models import User
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.networks.forms import MembershipEndForm, MembershipForm, NetworkForm
from valnav.networks.models import Network
from valnav.networks.selectors import (
    current_memberships,
    meetings_of,
    network_for_user,
    network_list_for_user,
    open_decisions_for_user,
)
from valnav.networks.services import (
    can_manage,
    convenor_choices,
    membership_add,
    membership_end,
    network_create,
    network_update,
)


def network_or_404(request: HttpRequest, slug: str) -> tuple[User, Network]:
    user = member(request)
    network = network_for_user(user=user, slug=slug)
    if network is None:
        raise Http404
    return user, network


def managed_network_or_404(request: HttpRequest, slug: str) -> tuple[User, Network]:
    """A network the user reads (else 404) and may change (else 403)."""
    user, network = network_or_404(request, slug)
    if not can_manage(actor=user, network=network):
        raise PermissionDenied
    return user, network


def denied_message(error: PermissionDenied) -> str:
    return str(error) or gettext("You may not do this.")


@require_GET
@require_perm(Perm.VIEW_STAFF_PAGES)
def network_list(request: HttpRequest) -> HttpResponse:
    user = member(request)
    return render(
        request, "networks/network_list.html", {"networks": network_list_for_user(user=user)}
    )


def _network_arguments(form: NetworkForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "slug": data["slug"],
        "purpose": data["purpose"],
        "counties": data["counties"],
        "focus_branches": data["focus_branches"],
        "is_public": data["is_public"],
    }


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def network_new(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = NetworkForm(request.POST or None, convenors=convenor_choices(actor=user))
    if request.method == "POST" and form.is_valid():
        try:
            network = network_create(
                actor=user, convenor=form.cleaned_data["convenor"], **_network_arguments(form)
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, denied_message(error))
        else:
            messages.success(request, gettext("The network is created."))
            return redirect(network.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "networks/network_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    initial = {
        "name": network.name,
        "slug": network.slug,
        "kind": network.kind,
        "purpose": network.purpose,
        "counties": list(network.counties.all()),
        "focus_branches": list(network.focus_branches.all()),
        "is_public": network.is_public,
    }
    form = NetworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = _network_arguments(form)
        arguments["slug"] = arguments["slug"] or network.slug
        try:
            network_update(actor=user, network=network, **arguments)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The network is saved."))
            return redirect(network.get_absolute_url())
        network.refresh_from_db()
    status = 400 if form.is_bound else 200
    return render(
        request, "networks/network_form.html", {"form": form, "network": network}, status=status
    )


def render_network(
    request: HttpRequest,
    user: User,
    network: Network,
    *,
    membership_form: MembershipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    manages = can_manage(actor=user, network=network)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "memberships": current_memberships(network),
            "former": network.memberships.filter(left_on__lte=timezone.localdate())
            .select_related("organisation")
            .order_by("-left_on"),
            "meetings": meetings_of(network),
            "efforts": network.efforts.order_by("-starts_on"),
            "manages": manages,
            "membership_form": membership_form or (MembershipForm() if manages else None),
            "end_form": MembershipEndForm(),
        },
        status=status,
    )


@require_GET
@require_perm(Perm.VIEW_STAFF_PAGES)
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user, network = network_or_404(request, slug)
    return render_network(request, user, network)


@require_POST
@require_perm(Perm.MANAGE_NETWORKS)
def membership_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    form = MembershipForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership_add(
                actor=user,
                network=network,
                organisation=data["organisation"],
                role=data["role"],
                user=data["user_email"],
                contact_name=data["contact_name"],
                contact_role=data["contact_role"],
                joined_on=data["joined_on"],
            )
        except ValidationError as error:
            form_errors_from(form, error, moved={"user": "user_email"})
        else:
            messages.success(request, gettext("The member is added."))
            return redirect(f"{network.get_absolute_url()}#members")
    return render_network(request, user, network, membership_form=form, status=400)


@require_POST
@require_perm(Perm.MANAGE_NETWORKS)
def membership_end_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user, network = managed_network_or_404(request, slug)
    membership = get_object_or_404(network.memberships.all(), pk=pk)
    form = MembershipEndForm(request.POST)
    error_text = ""
    if form.is_valid():
        try:
            membership_end(actor=user, membership=membership, left_on=form.cleaned_data["left_on"])
        except ValidationError as error:
            error_text = " ".join(error.messages)
        else:
            messages.success(
                request,
                gettext("%(organisation)s has left the network.")
                % {"organisation": membership.organisation.name},
            )
            return redirect(f"{network.get_absolute_url()}#members")
    else:
        error_text = " ".join(str(message) for message in form.errors.get("left_on", []))
    messages.error(request, gettext("The membership was not ended: %(why)s") % {"why": error_text})
    return redirect(f"{network.get_absolute_url()}#members")


@require_GET
@require_perm(Perm.VIEW_STAFF_PAGES)
def decision_list(request: HttpRequest) -> HttpResponse:
    user = member(request)
    return render(
        request,
        "networks/decision_list.html",
        {"decisions": open_decisions_for_user(user=user)},
    )


urlpatterns: list[URLPattern] = [
    path(_("my-networks/"), network_list, name="network-list"),
    path(_("my-networks/new/"), network_new, name="network-new"),
    path(_("my-networks/decisions/"), decision_list, name="decision-list"),
]

# After every fixed path under my-networks/ (the effort pages among them): see urls.py.
network_urlpatterns: list[URLPattern] = [
    path(_("my-networks/<slug:slug>/"), network_detail, name="network-detail"),
    path(_("my-networks/<slug:slug>/edit/"), network_edit, name="network-edit"),
    path(_("my-networks/<slug:slug>/members/"), membership_add_view, name="membership-add"),
    path(
        _("my-networks/<slug:slug>/members/<int:pk>/end/"),
        membership_end_view,
        name="membership-end",
    ),
]
