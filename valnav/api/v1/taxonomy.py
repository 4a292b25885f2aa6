from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.params.functions import Query

from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import ApiPagination
from valnav.taxonomy.models import Occupation
from valnav.taxonomy.selectors import occupation_search

router = Router(tags=["occupations"])


class OccupationOut(Schema):
    code: str = Field(description="SSYK 2012 code, 1–4 digits")
    level: int
    name_sv: str
    name_en: str
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj: Occupation) -> str | None:
        return obj.parent.code if obj.parent else None


@router.get(
    "/occupations",
    response={200: list[OccupationOut], 422: FieldErrors},
    summary="SSYK 2012 occupations; q matches code, name or JobTech occupation name",
)
@paginate(ApiPagination)
def occupations(
    request: HttpRequest, q: str = "", level: int | None = Query(None, ge=1, le=4)
) -> list[Occupation]:
    return occupation_search(query=q, level=level)  # type: ignore[return-value]  # paginated lazily


class Message(Schema):
    detail: str


@router.get(
    "/occupations/{code}",
    response={200: OccupationOut, 404: Message, 422: FieldErrors},
    url_name="occupation-detail",
    summary="One SSYK 2012 occupation by its code (the target of credentials' alignments)",
)
def occupation_detail(request: HttpRequest, code: str) -> Occupation:
    return get_object_or_404(Occupation.objects.select_related("parent"), code=code)
