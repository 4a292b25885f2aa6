"""Casework in figures for regional strategists: aggregates only, small counts suppressed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from valnav.casework.facts import SUPPRESS_BELOW
from valnav.casework.statistics import case_counts_by_municipality
from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm
from valnav.places.models import County


@require_GET
@require_perm(Perm.VIEW_CASE_STATISTICS)
def case_statistics(request: HttpRequest) -> HttpResponse:
    counties = County.objects.order_by("code")
    county_code = request.GET.get("county", "")
    if county_code not in {county.code for county in counties}:
        county_code = ""
    return render(
        request,
        "casework/statistics.html",
        {
            "rows": case_counts_by_municipality(county_code=county_code),
            "counties": counties,
            "county_code": county_code,
            "suppress_below": SUPPRESS_BELOW,
        },
    )


urlpatterns: list[URLPattern] = [
    path(_("cases/statistics/"), case_statistics, name="statistics"),
]
