"""Public pages, no login: public networks with their purpose, member organisations (never
persons) and approved minutes, and the knowledge-raising efforts by target group, focus
branch and county."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from valnav.networks.forms import EffortFilterForm
from valnav.networks.models import Network
from valnav.networks.selectors import (
    EffortFilters,
    effort_reach,
    effort_search,
    member_organisations,
    public_minutes,
    public_network_list,
)

PAGE_SIZE = 20


@require_GET
def public_network_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/public_list.html", {"networks": public_network_list()})


@require_GET
def public_network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(
        Network.objects.public().prefetch_related("counties", "focus_branches"), slug=slug
    )
    return render(
        request,
        "networks/public_detail.html",
        {
            "network": network,
            "organisations": member_organisations(network),
            "meetings": public_minutes(network),
            "efforts": network.efforts.order_by("-starts_on"),
        },
    )


@require_GET
def effort_public_list(request: HttpRequest) -> HttpResponse:
    form = EffortFilterForm(request.GET or None)
    target_group, branch, county = form.filter_values() if form.is_bound else ("", "", "")
    efforts = effort_search(
        filters=EffortFilters(target_group=target_group, branch=branch, county=county)
    )
    page = Paginator(efforts, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    rows = [(effort, effort_reach(effort)) for effort in page.object_list]
    template = "networks/effort_public_list.html"
    if request.headers.get("HX-Request") == "true":
        template += "#results"
    return render(
        request,
        template,
        {"form": form, "page": page, "rows": rows, "query_string": params.urlencode()},
    )


urlpatterns: list[URLPattern] = [
    path(_("networks/"), public_network_list_view, name="public-list"),
    path(_("knowledge-efforts/"), effort_public_list, name="effort-list"),
    path(_("networks/<slug:slug>/"), public_network_detail, name="public-detail"),
]
