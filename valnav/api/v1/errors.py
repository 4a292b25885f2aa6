"""The bodies of the API's refusals, shared by all routers so that OpenAPI names each once, and
the refusal of NUL characters in any input."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Schema

if TYPE_CHECKING:
    from ninja import NinjaAPI


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class FieldErrors(Schema):
    """422: the request's parameters or body do not fit the operation's schema (Ninja's own
    answer to invalid input) or the rules of the service behind it."""

    detail: list[FieldError]


NUL = "\x00"

type Loc = list[str | int]
type Run = Callable[..., HttpResponseBase]


def _nul_locations(value: object, loc: Loc) -> Iterator[Loc]:
    if isinstance(value, str):
        if NUL in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_locations(key, [*loc, str(key)])
            yield from _nul_locations(item, [*loc, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_locations(item, [*loc, index])


def _json_body(request: HttpRequest) -> object:
    if not request.body or "json" not in (request.content_type or ""):
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None  # Ninja answers an unreadable body itself (400)


def request_nul_locations(request: HttpRequest, path_params: dict[str, Any]) -> list[Loc]:
    """Where a request carries a NUL character: in the path, the query or a JSON body."""
    locations = list(_nul_locations(path_params, ["path"]))
    for name in request.GET:
        for value in [name, *request.GET.getlist(name)]:
            locations += _nul_locations(value, ["query", name])
    locations += _nul_locations(_json_body(request), ["body"])
    return locations


def refuse_nul_characters(api: NinjaAPI) -> Callable[[Run], Run]:
    """An operation decorator (Ninja's "view" mode, before validation) that answers 422 to
    input with a NUL character. No text we keep or search may hold one: PostgreSQL refuses it
    in every text value, so it would otherwise fail deep in a query as a server error; the
    forms of the pages refuse it the same way (Django's ProhibitNullCharactersValidator)."""

    def decorator(run: Run) -> Run:
        @wraps(run)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            locations = request_nul_locations(request, kwargs)
            if locations:
                message = _("Null characters are not allowed.")
                errors = [
                    {"loc": loc, "msg": message, "type": "null_character"} for loc in locations
                ]
                return api.create_response(request, {"detail": errors}, status=422)
            return run(request, *args, **kwargs)

        return guarded

    return decorator


def in_english(run: Run) -> Run:
    """An operation decorator: the API answers in English whatever the client's
    Accept-Language or language cookie, so that a client's error handling and its logs see the
    same messages everywhere (the services' messages are gettext, which would otherwise follow
    the site's language negotiation)."""

    @wraps(run)
    def english(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with translation.override("en"):
            return run(request, *args, **kwargs)

    return english
