"""Reads over counties and municipalities."""

from __future__ import annotations

from typing import Any, NamedTuple, TypedDict

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from valnav.places.models import County, Municipality


def county_list() -> QuerySet[County]:
    return County.objects.annotate(municipality_count=Count("municipalities")).order_by("code")


def municipality_list(*, county_code: str | None = None) -> QuerySet[Municipality]:
    queryset = Municipality.objects.with_county().order_by("code")
    if county_code:
        queryset = queryset.filter(county__code=county_code)
    return queryset


class MapCategory(TypedDict):
    """One entry of a map's legend: how its municipalities are filled and outlined, and how
    many there are."""

    label: str
    fill: str
    outline: str
    outline_width: float
    count: int


class MapData(TypedDict):
    """What valnav/js/choropleth.js draws and places/map_legend.html explains. Each location's
    `z` is the index of its category; the map fits itself to the locations' boundaries."""

    geojson: dict[str, Any]
    locations: list[str]
    z: list[int]
    text: list[str]
    customdata: list[str]
    hovertemplate: str
    title: str
    categories: list[MapCategory]


class MapStyle(NamedTuple):
    label: str
    fill: str
    outline: str = "#4a4f57"  # 8.6:1 on white: each shape's edge shows whatever its fill
    outline_width: float = 0.75


# White spots and missing figures must never read as the white background or a lake (a hole in
# a boundary): a white spot is orange with a thick dark outline, missing figures grey.
WHITE_SPOT_FILL = "#e66101"
WHITE_SPOT_OUTLINE = "#5e2a00"
NO_DATA_FILL = "#a8a8a8"
COUNTY_COLOURS = ["#1b4f72", "#b9770e", "#1e8449", "#7d3c98", "#a93226"]


def outline_for(fill: str) -> str:
    """A shape's edge: dark grey on a light fill, so that it stands out from the white
    background; white on a dark one, so that neighbours stay apart."""
    red, green, blue = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    light = 0.299 * red + 0.587 * green + 0.114 * blue > 140
    return "#4a4f57" if light else "#ffffff"


def category_map_data(
    *,
    municipalities: list[Municipality],
    styles: list[MapStyle],
    category: list[int],
    text: list[str],
    customdata: list[str],
    title: str,
) -> MapData:
    """A map of `municipalities`, each in the category of `styles` that `category` gives (in
    the same order). The thickest outlines are drawn last, so that no neighbour covers them."""
    order = sorted(range(len(municipalities)), key=lambda i: (styles[category[i]].outline_width, i))
    counts = [0] * len(styles)
    for index in category:
        counts[index] += 1
    return {
        "geojson": municipality_geojson(municipalities),
        "locations": [municipalities[i].code for i in order],
        "z": [category[i] for i in order],
        "text": [text[i] for i in order],
        "customdata": [customdata[i] for i in order],
        "hovertemplate": "%{text}<br>%{customdata}<extra></extra>",
        "title": title,
        "categories": [
            {
                "label": style.label,
                "fill": style.fill,
                "outline": style.outline,
                "outline_width": style.outline_width,
                "count": count,
            }
            for style, count in zip(styles, counts, strict=True)
        ],
    }


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


def municipality_map_data() -> MapData:
    """The municipality boundaries, coloured by county."""
    counties = list(County.objects.order_by("code"))
    index = {county.pk: number for number, county in enumerate(counties)}
    municipalities = list(Municipality.objects.order_by("code"))
    return category_map_data(
        municipalities=municipalities,
        styles=[
            MapStyle(
                label=f"{county.name} ({county.region_name})",
                fill=COUNTY_COLOURS[number % len(COUNTY_COLOURS)],
                outline=outline_for(COUNTY_COLOURS[number % len(COUNTY_COLOURS)]),
            )
            for number, county in enumerate(counties)
        ],
        category=[index[m.county_id] for m in municipalities],
        text=[f"{m.name} ({m.code})" for m in municipalities],
        customdata=[counties[index[m.county_id]].name for m in municipalities],
        title=str(_("Counties")),
    )
