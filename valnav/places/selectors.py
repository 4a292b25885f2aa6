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
    """What valnav/js/choropleth.js draws."""

    geojson: dict[str, Any]
    locations: list[str]
    z: list[float]
    text: list[str]
    customdata: list[str]
    hovertemplate: str
    colorscale: list[tuple[float, str]]
    zmin: float
    zmax: float
    center: dict[str, float]
    showscale: bool
    colorbar_title: str


COUNTY_COLOURS = ["#1b4f72", "#b9770e", "#1e8449", "#7d3c98", "#a93226"]


def municipality_geojson(municipalities: list[Municipality]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": m.code,
                "properties": {"code": m.code, "name": m.name},
                "geometry": m.boundary,
            }
            for m in municipalities
            if m.boundary
        ],
    }


def map_center(municipalities: list[Municipality]) -> dict[str, float]:
    lats = [m.centroid_lat for m in municipalities] or [59.3]
    lons = [m.centroid_lon for m in municipalities] or [16.0]
    return {"lat": (min(lats) + max(lats)) / 2, "lon": (min(lons) + max(lons)) / 2}


def municipality_map_data() -> MapData:
    """The municipality boundaries, coloured by county."""
    counties = list(County.objects.order_by("code"))
    index = {county.pk: number for number, county in enumerate(counties)}
    municipalities = list(Municipality.objects.order_by("code"))
    top = max(len(counties) - 1, 1)
    return {
        "geojson": municipality_geojson(municipalities),
        "locations": [m.code for m in municipalities],
        "z": [index[m.county_id] for m in municipalities],
        "text": [f"{m.name} ({m.code})" for m in municipalities],
        "customdata": [counties[index[m.county_id]].name for m in municipalities],
        "hovertemplate": "%{text}<br>%{customdata}<extra></extra>",
        "colorscale": [(i / top, COUNTY_COLOURS[i % 5]) for i in range(len(counties))],
        "zmin": 0,
        "zmax": top,
        "center": map_center(municipalities),
        "showscale": False,
        "colorbar_title": "",
    }
