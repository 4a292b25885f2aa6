"""Gap analysis pages: where labour demand outruns validation supply, per county, on a map and
in a table, and as CSV. Counts of people are suppressed before they reach these views."""

from __future__ import annotations

import csv

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from valnav.accounts.models import User
from valnav.casework.facts import SUPPRESS_BELOW
from valnav.core.decorators import require_perm
from valnav.core.numbers import number_text
from valnav.core.permissions import Perm
from valnav.insights.gaps import (
    DISTANCE_CAP_KM,
    DISTANCE_SCALE_KM,
    GROWING_STRENGTH,
    SHORTAGE_STRENGTH,
    TOP_PER_COUNTY,
    GapAnalysis,
    GapRow,
    gap_analysis,
    gap_map_data,
)
from valnav.lib.csv_io import spreadsheet_safe
from valnav.places.models import County, Municipality

DEFAULT_COUNTY = "19"  # Västmanland, where the platform started


class GapFilterForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    occupation = forms.RegexField(
        label=gettext_lazy("Occupation (SSYK code)"),
        regex=r"^[0-9]{1,4}$",
        required=False,
        help_text=gettext_lazy("One to four digits; empty for all occupations."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["county"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (county.code, county.name) for county in County.objects.order_by("code")
        ]


def default_county(user: User) -> str:
    """The county of the user's first organisation that has a home municipality, else 19."""
    code = (
        user.memberships.filter(organisation__municipality__isnull=False)
        .order_by("organisation__name")
        .values_list("organisation__municipality__county__code", flat=True)
        .first()
    )
    return code or DEFAULT_COUNTY


def _analysis(request: HttpRequest) -> tuple[GapFilterForm, str, str, GapAnalysis]:
    data = request.GET.copy()
    if not data.get("county"):
        user = request.user  # signed in: require_perm sends anonymous visitors to log in
        data["county"] = default_county(user) if isinstance(user, User) else DEFAULT_COUNTY
    form = GapFilterForm(data)
    if form.is_valid():
        county = form.cleaned_data["county"]
        occupation = form.cleaned_data["occupation"]
    else:
        county, occupation = DEFAULT_COUNTY, ""
    analysis = gap_analysis(county_code=county, occupation_code=occupation or None)
    return form, county, occupation, analysis


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def gaps_page(request: HttpRequest) -> HttpResponse:
    form, county_code, _occupation, analysis = _analysis(request)
    municipalities = list(
        Municipality.objects.select_related("county")
        .filter(county__code=county_code)
        .order_by("name")
    )
    largest = analysis.largest_by_municipality()
    county = next((m.county for m in municipalities), None)
    return render(
        request,
        "insights/gaps.html",
        {
            "form": form,
            "analysis": analysis,
            "county": county,
            "top": analysis.top(county_code),
            "shortages": sorted(
                (row for row in analysis.county_rows(county_code) if row.demand.shortage),
                key=lambda row: row.occupation_code,
            ),
            "unassessed": sorted(
                (row for row in analysis.county_rows(county_code) if not row.demand.assessed),
                key=lambda row: row.occupation_code,
            ),
            "top_limit": TOP_PER_COUNTY,
            "municipality_rows": [(m, largest.get(m.code)) for m in municipalities],
            "map_data": gap_map_data(analysis, municipalities=municipalities),
            "shortage_strength": SHORTAGE_STRENGTH,
            "growing_strength": GROWING_STRENGTH,
            "distance_cap": int(DISTANCE_CAP_KM),
            "distance_scale": int(DISTANCE_SCALE_KM),
            "suppress_below": SUPPRESS_BELOW,
            "query": form.data.urlencode(),  # type: ignore[attr-defined]  # a QueryDict copy
        },
    )


def _number(value: float | None, digits: int = 1) -> str:
    return number_text(value, digits, grouping=False)


def csv_cells(row: GapRow) -> list[str]:
    demand = row.demand
    return [
        row.level,
        row.county_code,
        row.county_name,
        row.municipality_code or "",
        row.municipality_name or "",
        row.occupation_code,
        row.occupation_name,
        demand.round,
        demand.situation or "ingen bedömning",
        "; ".join(demand.paradox),
        "riket" if demand.from_country else "län",
        {"increasing": "öka", "unchanged": "vara oförändrad", "decreasing": "minska"}.get(
            demand.outlook, ""
        ),
        "ja" if demand.shortage else "nej",
        str(row.supply.offers),
        str(row.supply.capacity_per_year),
        _number(row.supply.median_lead_time_weeks),
        _number(row.supply.nearest_offer_km),
        str(row.supply.cases),
        _number(row.shortage_strength, 2),
        _number(row.supply_factor, 4),
        _number(row.distance_factor, 4),
        _number(row.gap_index, 2),
    ]


CSV_HEADER = [
    "niva",
    "lan_kod",
    "lan",
    "kommunkod",
    "kommun",
    "ssyk",
    "yrke",
    "omgang",
    "rekryteringssituation",
    "paradox",
    "bedomning_for",
    "prognos",
    "brist",
    "erbjudanden",
    "platser_per_ar",
    "median_ledtid_veckor",
    "km_till_narmaste_erbjudande",
    "arenden",
    "bristgrad",
    "utbudsfaktor",
    "avstandsfaktor",
    "gapindex",
]


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def gaps_csv(request: HttpRequest) -> HttpResponse:
    _form, _county, _occupation, analysis = _analysis(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="valnav-gap.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in analysis.rows:
        writer.writerow([spreadsheet_safe(cell) for cell in csv_cells(row)])
    return response


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("insights/gaps/"), gaps_page, name="gaps"),
    path(gettext_lazy("insights/gaps.csv"), gaps_csv, name="gaps-csv"),
]
