"""Public pages about the region's counties and municipalities: per municipality, where to ask
about validation locally (its vägledning contact) and its offers in the search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from valnav.accounts.models import Organisation
from valnav.accounts.selectors import guidance_contacts_by_municipality
from valnav.places.models import Municipality
from valnav.places.selectors import county_list, municipality_list, municipality_map_data


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    counties = list(county_list())
    municipalities = list(municipality_list())
    contacts = guidance_contacts_by_municipality()
    by_county: dict[int, list[tuple[Municipality, Organisation | None]]] = {
        county.pk: [] for county in counties
    }
    for municipality in municipalities:
        by_county[municipality.county_id].append((municipality, contacts.get(municipality.pk)))
    return render(
        request,
        "places/index.html",
        {
            "counties": [(county, by_county[county.pk]) for county in counties],
            "municipality_count": len(municipalities),
            "map_data": municipality_map_data(),
        },
    )
