"""The networks part of the open API (mounted in valnav/api/v1): public networks with their
member organisations and approved minutes, and knowledge-raising efforts. Read only, no
login; the same selectors as the public pages, so the same rules (organisations, never
persons; reach "<5" for one to four)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from valnav.api.v1.errors import FieldErrors, Message
from valnav.networks.models import KnowledgeEffort, Meeting, Network
from valnav.networks.selectors import (
    EffortFilters,
    effort_reach,
    effort_search,
    member_organisations,
    public_minutes,
    public_network_list,
)

router = Router(tags=["networks"])


class NetworkOut(Schema):
    slug: str
    name: str
    kind: str
    purpose_markdown: str
    convenor: str
    counties: list[str]
    focus_branches: list[str]

    @staticmethod
    def resolve_purpose_markdown(obj: Network) -> str:
        return obj.purpose

    @staticmethod
    def resolve_convenor(obj: Network) -> str:
        return obj.convenor.name

    @staticmethod
    def resolve_counties(obj: Network) -> list[str]:
        return [county.code for county in obj.counties.all()]

    @staticmethod
    def resolve_focus_branches(obj: Network) -> list[str]:
        return [branch.key for branch in obj.focus_branches.all()]


class MinutesOut(Schema):
    title: str
    kind: str
    starts_at: datetime
    approved_at: datetime | None
    minutes_markdown: str

    @staticmethod
    def resolve_approved_at(obj: Meeting) -> datetime | None:
        return obj.minutes_approved_at

    @staticmethod
    def resolve_minutes_markdown(obj: Meeting) -> str:
        return obj.minutes


class NetworkDetailOut(NetworkOut):
    member_organisations: list[str]
    approved_minutes: list[MinutesOut]

    @staticmethod
    def resolve_member_organisations(obj: Network) -> list[str]:
        return [organisation.name for organisation in member_organisations(obj)]

    @staticmethod
    def resolve_approved_minutes(obj: Network) -> list[Meeting]:
        return list(public_minutes(obj))


class EffortOut(Schema):
    id: int
    title: str
    description_markdown: str
    target_groups: list[str]
    focus_branches: list[str]
    counties: list[str]
    network: str | None
    starts_on: date
    ends_on: date | None
    status: str
    reach: int | str | None

    @staticmethod
    def resolve_description_markdown(obj: KnowledgeEffort) -> str:
        return obj.description

    @staticmethod
    def resolve_target_groups(obj: KnowledgeEffort) -> list[str]:
        return obj.target_group_values

    @staticmethod
    def resolve_focus_branches(obj: KnowledgeEffort) -> list[str]:
        return [branch.key for branch in obj.focus_branches.all()]

    @staticmethod
    def resolve_counties(obj: KnowledgeEffort) -> list[str]:
        return [county.code for county in obj.counties.all()]

    @staticmethod
    def resolve_network(obj: KnowledgeEffort) -> str | None:
        return obj.network.slug if obj.network else None

    @staticmethod
    def resolve_reach(obj: KnowledgeEffort) -> int | str | None:
        return effort_reach(obj)


class EffortQuery(Schema):
    target_group: str = ""
    branch: str = ""
    county: str = ""


@router.get(
    "/networks",
    response=list[NetworkOut],
    summary="Public networks",
    url_name="network-list",
)
def network_list(request: HttpRequest) -> list[Network]:
    return list(public_network_list().prefetch_related("counties", "focus_branches"))


@router.get(
    "/networks/{slug}",
    response={200: NetworkDetailOut, 404: Message, 422: FieldErrors},
    summary="A public network, its member organisations and approved minutes",
    url_name="network-detail",
)
def network_detail(request: HttpRequest, slug: str) -> Network:
    return get_object_or_404(public_network_list(), slug=slug)


@router.get(
    "/knowledge-efforts",
    response={200: list[EffortOut], 422: FieldErrors},
    summary="Knowledge-raising efforts by target group, focus branch (key) and county (code)",
    url_name="knowledge-effort-list",
)
def effort_list(request: HttpRequest, filters: Query[EffortQuery]) -> list[KnowledgeEffort]:
    return list(
        effort_search(
            filters=EffortFilters(
                target_group=filters.target_group, branch=filters.branch, county=filters.county
            )
        )
    )
