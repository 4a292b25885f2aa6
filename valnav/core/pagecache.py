"""Public pages kept whole in the shared cache for anonymous visitors until the data under them
changes: the search and the offer pages are what the public and the counsellors ask for most,
and the same question asked again costs a cache read instead of a search and a page render.

The key holds the data's token (`figures_data_token`, replaced on every change in the apps
the figures come from, atlas and taxonomy among them), the language, the full path with its
query and the htmx headers that choose a fragment, so a change is seen at once. Signed-in
users are never served from it (their pages name them), nor is anything but a plain 200 that
sets no cookie.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from valnav.core.figures_cache import figures_data_token

View = Callable[..., HttpResponse]


def request_data_token(request: HttpRequest) -> str:
    """The data token, read once per request: the page cache's key and the view share it."""
    token: str | None = getattr(request, "_valnav_data_token", None)
    if token is None:
        token = figures_data_token()
        setattr(request, "_valnav_data_token", token)  # noqa: B010  # HttpRequest declares no slot
    return token


def _key(request: HttpRequest) -> str:
    parts = (
        translation.get_language() or settings.LANGUAGE_CODE,
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"valnav:page:{request_data_token(request)}:{digest}"


def anonymous_page_cache(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.VALNAV_PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _key(request)
        found = cache.get(key)
        if isinstance(found, HttpResponse):
            return found
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, seconds)
        return response

    return wrapped
