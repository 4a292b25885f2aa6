"""Reads over counties and municipalities."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count, QuerySet

from valnav.places.models import County, Municipality


def county_list() -> QuerySet[County]:
    return County.objects.annotate(municipality_count=Count("municipalities")).order_by("code")


def municipality_list(*, county_code: str | None = None) -> QuerySet[Municipality]:
    queryset = Municipality.objects.with_county().order_by("code")
    if county_code:
        queryset = queryset.filter(county__code=county_code)
    return queryset


class MapData(TypedDict):
    geojson: dict[str, Any]
    codes: list[str]
    names: list[str]
    county_index: list[int]
    county_names: list[str]
    center: dict[str, float]


def municipality_map_data() -> MapData:
    """A FeatureCollection of the municipality boundaries, coloured by county."""
    counties = list(County.objects.order_by("code"))
    index = {county.pk: number for number, county in enumerate(counties)}
    municipalities = list(Municipality.objects.order_by("code"))
    features = [
        {
            "type": "Feature",
            "id": municipality.code,
            "properties": {"code": municipality.code, "name": municipality.name},
            "geometry": municipality.boundary,
        }
        for municipality in municipalities
        if municipality.boundary
    ]
    lats = [m.centroid_lat for m in municipalities] or [59.3]
    lons = [m.centroid_lon for m in municipalities] or [16.0]
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "codes": [m.code for m in municipalities],
        "names": [f"{m.name} ({m.code})" for m in municipalities],
        "county_index": [index[m.county_id] for m in municipalities],
        "county_names": [county.name for county in counties],
        "center": {"lat": (min(lats) + max(lats)) / 2, "lon": (min(lons) + max(lons)) / 2},
    }
