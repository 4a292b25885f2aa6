"""Events in the open API: published events, upcoming first, with the places left. Nothing
about the people who registered."""

# No `from __future__ import annotations` here: Ninja resolves string annotations in the
# globals of the function it sees, which for @paginate views is ninja.pagination's.
from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import ApiPagination
from valnav.core.audiences import TargetGroup
from valnav.core.http import public_url, site_path
from valnav.events.models import Event, EventKind
from valnav.events.selectors import api_events

router = Router(tags=["events"])


class CountyRef(Schema):
    code: str
    name: str


class EventOut(Schema):
    id: int
    slug: str
    title: str
    description: str = Field(description="Markdown")
    kind: EventKind
    target_groups: list[TargetGroup]
    organiser: str
    county: CountyRef | None
    place: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    registration_closes_at: datetime
    capacity: int
    places_left: int
    waiting_list: bool = Field(description="Full: new registrations join the waiting list")
    url: str = Field(description="The event's page, with the registration form")

    @staticmethod
    def resolve_target_groups(obj: Event) -> list[str]:
        return sorted(group.target_group for group in obj.target_groups.all())

    @staticmethod
    def resolve_organiser(obj: Event) -> str:
        return obj.organiser.name

    @staticmethod
    def resolve_waiting_list(obj: Event) -> bool:
        return obj.places_left == 0

    @staticmethod
    def resolve_url(obj: Event) -> str:
        return public_url(site_path(obj))


@router.get(
    "/events",
    response={200: list[EventOut], 422: FieldErrors},
    url_name="event-list",
    summary="Published events: upcoming first (soonest first), then past ones",
)
@paginate(ApiPagination)
def event_list(request: HttpRequest) -> QuerySet[Event]:
    return api_events()
