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
