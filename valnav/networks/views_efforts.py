"""Managing knowledge-raising efforts (kunskapshöjande insatser): a list of those the user may
change, and a form to create or change one. The public list is in views_public."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from valnav.accounts.models import User
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.networks.forms import EffortForm
from valnav.networks.models import Network
from valnav.networks.selectors import effort_reach, efforts_for_manager
from valnav.networks.services import effort_create, effort_update


def _networks(user: User) -> Any:
    return Network.objects.manageable_by(user).order_by("name")


def _arguments(form: EffortForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "target_groups": data["target_groups"],
        "focus_branches": data["focus_branches"],
        "counties": data["counties"],
        "network": data["network"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "status": data["status"],
        "reach": data["reach"],
    }


@require_GET
@require_perm(Perm.MANAGE_NETWORKS)
def effort_manage_list(request: HttpRequest) -> HttpResponse:
    user = member(request)
    rows = [(effort, effort_reach(effort)) for effort in efforts_for_manager(user=user)]
    return render(request, "networks/effort_manage_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def effort_new(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = EffortForm(request.POST or None, networks=_networks(user))
    if request.method == "POST" and form.is_valid():
        try:
            effort_create(actor=user, **_arguments(form))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The effort is created."))
            return redirect(reverse("networks:effort-manage"))
    return render(
        request, "networks/effort_form.html", {"form": form}, status=400 if form.is_bound else 200
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_NETWORKS)
def effort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = member(request)
    effort = get_object_or_404(efforts_for_manager(user=user), pk=pk)
    initial = {
        "title": effort.title,
        "description": effort.description,
        "target_groups": effort.target_group_values,
        "focus_branches": list(effort.focus_branches.all()),
        "counties": list(effort.counties.all()),
        "network": effort.network,
        "starts_on": effort.starts_on,
        "ends_on": effort.ends_on,
        "status": effort.status,
        "reach": effort.reach,
    }
    form = EffortForm(request.POST or None, initial=initial, networks=_networks(user))
    if request.method == "POST" and form.is_valid():
        try:
            effort_update(actor=user, effort=effort, **_arguments(form))
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("The effort is saved."))
            return redirect(reverse("networks:effort-manage"))
    return render(
        request,
        "networks/effort_form.html",
        {"form": form, "effort": effort},
        status=400 if form.is_bound else 200,
    )


urlpatterns: list[URLPattern] = [
    path(_("my-networks/efforts/"), effort_manage_list, name="effort-manage"),
    path(_("my-networks/efforts/new/"), effort_new, name="effort-new"),
    path(_("my-networks/efforts/<int:pk>/"), effort_edit, name="effort-edit"),
]
