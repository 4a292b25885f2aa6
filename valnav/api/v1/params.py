"""The types of the API's parameters that more than one router takes: bounded integers, the
one pagination, and times. Every integer a client sends has a lower and an upper bound in the
OpenAPI document, so that a number too large for the database is a 422 naming the parameter
instead of an overflow deep in a query (a 500); test_openapi checks that none is unbounded."""

# No `from __future__ import annotations` here: Ninja resolves string annotations in the
# globals of the function it sees, which for @paginate views is ninja.pagination's.
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Path
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator

# The largest value of a database integer column (PostgreSQL's `integer`, Django's IntegerField
# and the ids of our tables alike): no id, count or amount a client sends can be larger.
MAX_INT = 2_147_483_647
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Far beyond any list's length; a larger offset would only ever find nothing.
MAX_OFFSET = 10_000_000

# An object's id in a path (`/offers/{offer_id}`).
ObjectId = Annotated[int, Path(ge=1, le=MAX_INT)]
# Non-negative numbers in a body (places a year, weeks, kronor).
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
# An object's id in a body or a query.
Ref = Annotated[int, Field(ge=1, le=MAX_INT)]


class PageInput(LimitOffsetPagination.Input):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ApiPagination(LimitOffsetPagination):
    """`limit` (at most 200) and `offset`; `count` is the number of all matches."""

    Input = PageInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)


# RFC 3339's date-time (what OpenAPI's `format: date-time` means), with the zone optional (a
# time without one is Swedish time, as everywhere on the platform) and a space allowed for "T".
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?",
)


def _date_time_text(value: object) -> object:
    """Pydantic would also read a bare number as seconds since 1970 and a date as its midnight;
    neither is a date and time, and a client sending one has most likely made a mistake."""
    if isinstance(value, str) and not DATE_TIME.fullmatch(value):
        raise ValueError("Expected a date and time, e.g. 2026-01-31T12:00:00+01:00")
    return value


def _in_utc(value: datetime) -> datetime:
    """The same moment in UTC (a time without zone is Swedish time, as everywhere on the
    platform). ISO 8601 allows offsets up to ±23:59; PostgreSQL refuses those beyond ±15:59, so
    the database is only ever given UTC. A moment past the calendar's ends in UTC is its end."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return (datetime.min if value.year == datetime.min.year else datetime.max).replace(
            tzinfo=UTC
        )


DateTimeParam = Annotated[datetime, BeforeValidator(_date_time_text), AfterValidator(_in_utc)]
