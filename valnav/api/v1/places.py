from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from valnav.api.v1.errors import FieldErrors
from valnav.places.models import County, Municipality
from valnav.places.selectors import county_list, municipality_list

router = Router(tags=["places"])


class CountyOut(Schema):
    code: str
    name: str
    region_name: str
    nuts3_code: str
    lat: float
    lon: float
    municipality_count: int

    @staticmethod
    def resolve_lat(obj: County) -> float:
        return obj.centroid_lat

    @staticmethod
    def resolve_lon(obj: County) -> float:
        return obj.centroid_lon


class MunicipalityOut(Schema):
    code: str
    name: str
    county_code: str
    county_name: str
    lat: float
    lon: float

    @staticmethod
    def resolve_county_code(obj: Municipality) -> str:
        return obj.county.code

    @staticmethod
    def resolve_county_name(obj: Municipality) -> str:
        return obj.county.name

    @staticmethod
    def resolve_lat(obj: Municipality) -> float:
        return obj.centroid_lat

    @staticmethod
    def resolve_lon(obj: Municipality) -> float:
        return obj.centroid_lon


@router.get("/counties", response=list[CountyOut], summary="The five counties of ÖMS")
def counties(request: HttpRequest) -> list[County]:
    return list(county_list())


@router.get(
    "/municipalities",
    response={200: list[MunicipalityOut], 422: FieldErrors},
    summary="Municipalities, optionally of one county (two-digit county code)",
)
def municipalities(request: HttpRequest, county: str | None = None) -> list[Municipality]:
    return list(municipality_list(county_code=county))
