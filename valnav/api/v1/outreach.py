"""Information material in the open API: published texts only, each with links to its other
languages. Reads use the same selectors as the public pages."""

# No `from __future__ import annotations` here: Ninja resolves string annotations in the
# globals of the function it sees, which for @paginate views is ninja.pagination's.
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import PageInput
from valnav.core.audiences import TargetGroup
from valnav.core.http import site_path
from valnav.core.markdown import render_markdown
from valnav.outreach.models import Material, MaterialKind
from valnav.outreach.selectors import (
    MaterialFilters,
    material_search,
    material_variants_by_group,
)

router = Router(tags=["information"])


class MaterialFilterIn(Schema):
    audience: TargetGroup | None = Field(None, description="Only material for this target group")
    language: str | None = Field(
        None, max_length=35, description='BCP 47 code, e.g. "sv", "en", "ar", "sv-x-lattlast"'
    )

    @field_validator("language")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if value else value


class VariantOut(Schema):
    language: str = Field(description="BCP 47 code")
    title: str
    url: str = Field(description="The public page")
    api_url: str = Field(description="This list, filtered to the variant's language")


class MaterialOut(Schema):
    id: int
    kind: MaterialKind
    title: str = Field(description="Plain text")
    slug: str
    summary: str = Field(description="Plain text")
    body: str = Field(description="Markdown, as written")
    body_html: str = Field(description="The body rendered and sanitised, as on the page")
    language: str = Field(description="BCP 47 code")
    direction: str = Field(description='"rtl" for right-to-left languages, else "ltr"')
    target_groups: list[TargetGroup]
    branch: str | None = Field(description="Branch key")
    counties: list[str] = Field(description="County codes; empty: all of Östra Mellansverige")
    organisation: str
    url: str
    published_at: datetime | None
    review_by: date | None
    variants: list[VariantOut] = Field(description="The same text in other languages")


def _out(material: Material, variants: list[Material]) -> dict[str, Any]:
    return {
        "id": material.pk,
        "kind": material.kind,
        "title": material.title,
        "slug": material.slug,
        "summary": material.summary,
        "body": material.body,
        "body_html": str(render_markdown(material.body)),
        "language": material.language,
        "direction": material.text_dir,
        "target_groups": [audience.target_group for audience in material.audiences.all()],
        "branch": material.branch.key if material.branch else None,
        "counties": [county.code for county in material.counties.all()],
        "organisation": material.organisation.name,
        "url": site_path(material),
        "published_at": material.published_at,
        "review_by": material.review_by,
        "variants": [
            {
                "language": variant.language,
                "title": variant.title,
                "url": site_path(variant),
                "api_url": f"/api/v1/materials?language={variant.language}",
            }
            for variant in variants
            if variant.pk != material.pk
        ],
    }


class MaterialPage(Schema):
    count: int = Field(description="Number of all matching texts")
    items: list[MaterialOut]


@router.get(
    "/materials",
    response={200: MaterialPage, 422: FieldErrors},
    url_name="material-list",
    summary="Published information material, each with links to its other languages",
)
def material_list(
    request: HttpRequest, filters: Query[MaterialFilterIn], page: Query[PageInput]
) -> dict[str, Any]:
    """Published texts, newest first. `audience` (a target group) and `language` narrow the
    list; `limit` (at most 200) and `offset` page through it as in the other lists."""
    queryset: QuerySet[Material] = material_search(
        filters=MaterialFilters(
            target_group=filters.audience or "", language=filters.language or ""
        )
    ).select_related("organisation")
    items = list(queryset[page.offset : page.offset + page.limit])
    variants = material_variants_by_group(groups=[item.translation_group for item in items])
    return {
        "count": queryset.count(),
        "items": [_out(item, variants.get(item.translation_group, [])) for item in items],
    }
