"""Public pages about the region's counties and municipalities."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from valnav.places.selectors import county_list, municipality_list, municipality_map_data


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    counties = list(county_list())
    municipalities = list(municipality_list())
    by_county: dict[int, list[object]] = {county.pk: [] for county in counties}
    for municipality in municipalities:
        by_county[municipality.county_id].append(municipality)
    return render(
        request,
        "places/index.html",
        {
            "counties": [(county, by_county[county.pk]) for county in counties],
            "municipality_count": len(municipalities),
            "map_data": municipality_map_data(),
        },
    )
