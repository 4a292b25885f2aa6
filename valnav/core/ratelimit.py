"""Rate limits on the site's public writes (logins, registrations): a fixed window per client
address, counted in the database (RateLimitCount), so that every worker of every app server
counts together (docs/deploy.md).

Not in the cache: with the default per-process cache, `gunicorn --workers 4` let each worker
count alone (40 logins passed before a 429 at a limit of 20), and the database cache's incr()
is a read and a write that two workers can interleave. One UPDATE … SET count = count + 1 is
atomic on SQLite and PostgreSQL alike, and needs nothing configured beyond `migrate`.

Limits are per minute and configured in VALNAV_RATE_LIMITS by scope. Only POSTs count: reading
a form is free, sending it is what a script would repeat.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from ninja.throttling import BaseThrottle

from valnav.core.models import RateLimitCount

View = Callable[..., HttpResponseBase]
WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    """The client's address as the API throttling and the login lockouts see it: behind
    VALNAV_PROXY_COUNT proxies, the one the nearest proxy saw."""
    return BaseThrottle().get_ident(request) or "unknown"


def _count(key: str, *, expires_at: datetime) -> int:
    """Add one to the count under `key` and return it. The UPDATE takes the row's lock, so
    concurrent requests (from any worker) queue on it and each reads its own total."""
    with transaction.atomic():
        counts = RateLimitCount.objects.filter(key=key)
        if not counts.update(count=F("count") + 1):
            # The window's first request: old windows go, this one starts.
            RateLimitCount.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
            try:
                with transaction.atomic():
                    RateLimitCount.objects.create(key=key, count=1, expires_at=expires_at)
            except IntegrityError:  # another request started it meanwhile
                counts.update(count=F("count") + 1)
        count: int = counts.values_list("count", flat=True).get()
    return count


def rate_limit_exceeded(request: HttpRequest, *, scope: str) -> int | None:
    """Count this request in `scope`; the seconds until the window ends if over the limit."""
    limit = settings.VALNAV_RATE_LIMITS[scope]
    now = int(time.time())
    window = now // WINDOW_SECONDS
    ends = (window + 1) * WINDOW_SECONDS
    key = f"{scope}:{client_address(request)}:{window}"
    count = _count(key, expires_at=datetime.fromtimestamp(ends, tz=UTC))
    if count > limit:
        return ends - now
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
