"""Rate limits on the site's public writes (logins, registrations): a fixed window per client
address in the shared cache, so that several app servers count together (docs/deploy.md).

Limits are per minute and configured in VALNAV_RATE_LIMITS by scope. Only POSTs count: reading
a form is free, sending it is what a script would repeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from ninja.throttling import BaseThrottle

View = Callable[..., HttpResponseBase]
WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    """The client's address as the API throttling and the login lockouts see it: behind
    VALNAV_PROXY_COUNT proxies, the one the nearest proxy saw."""
    return BaseThrottle().get_ident(request) or "unknown"


def rate_limit_exceeded(request: HttpRequest, *, scope: str) -> int | None:
    """Count this request in `scope`; the seconds until the window ends if over the limit."""
    limit = settings.VALNAV_RATE_LIMITS[scope]
    now = int(time.time())
    window = now // WINDOW_SECONDS
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    # add() is atomic and sets the expiry once; incr() is atomic in every shared cache backend.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(): a new window starts with this one
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        return (window + 1) * WINDOW_SECONDS - now
    return None


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str) -> Callable[[View], View]:
    """Guard a view's POSTs with the limit of `scope` in VALNAV_RATE_LIMITS."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                retry_after = rate_limit_exceeded(request, scope=scope)
                if retry_after is not None:
                    return too_many_requests(request, retry_after=retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
