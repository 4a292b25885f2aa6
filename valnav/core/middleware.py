"""Security middleware that Django does not ship: the Permissions-Policy header and an absolute
session lifetime beside the idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Browser features no Valnav page uses, switched off for the page and every frame in it, so that
# an injected script could not reach them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# The session key that holds when the user logged in (seconds since the epoch).
SESSION_STARTED_KEY = "valnav_session_started"


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SessionLifetimeMiddleware:
    """Ends a logged-in session VALNAV_SESSION_ABSOLUTE_SECONDS after login, however active it
    has been: the idle timeout (SESSION_COOKIE_AGE, renewed on every request) alone would let a
    session that is used now and then live for ever on a shared computer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SESSION_STARTED_KEY)
            if not isinstance(started, int):
                request.session[SESSION_STARTED_KEY] = now
            elif now - started > settings.VALNAV_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


# API paths whose every answer is personal, whoever asks: a 401 or 404 there still says which
# references exist to a shared computer's cache.
PERSONAL_API_PREFIXES = ("/api/v1/cases",)


def is_personal(request: HttpRequest) -> bool:
    """Whether the answer to this request may carry personal data: a signed-in session's pages
    name their user and show what only they may see, an API key's answers what only its user
    may see. Anonymous visitors' pages are the same for everyone and keep their caching."""
    user = getattr(request, "user", None)  # unset for the static files WhiteNoise serves first
    return (
        (user is not None and user.is_authenticated)
        or "Authorization" in request.headers
        or request.path.startswith(PERSONAL_API_PREFIXES)
    )


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer that may carry personal data, so that no
    browser (a shared computer's at a library or a Komvux) or proxy keeps a copy of a case
    list, a case or a person's register extract. By construction, for every view, rather than
    view by view: a new page that forgets it would be one a later user of the same computer
    could read from the browser's cache or history."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_personal(request) and not _has_no_store(response):
            # Replaced rather than added to: a max-age or `public` beside it would contradict it.
            response["Cache-Control"] = "private, no-store"
            del response["Expires"]
        return response


def _has_no_store(response: HttpResponse) -> bool:
    directives = response.get("Cache-Control", "").lower().replace(" ", "").split(",")
    return "no-store" in directives
