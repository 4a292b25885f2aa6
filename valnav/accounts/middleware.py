"""Two-step verification: those who need a second factor (needs_second_factor) see nothing but
its pages until their session has passed it.

django-otp's OTPMiddleware, earlier in MIDDLEWARE, gives `request.user.is_verified()`; this
middleware acts on it when VALNAV_REQUIRE_SECOND_FACTOR is on. It checks in `process_view`, so
it knows the view by name in either language; unresolved addresses (404) and static files,
which WhiteNoise serves before any view, show nothing of the user's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from valnav.accounts.models import User
from valnav.accounts.selectors import totp_device_confirmed
from valnav.core.permissions import needs_second_factor

# Open before the second factor: its own pages, logging out, and the health check. The
# language switch links to the same page in the other language, so it is covered by these.
EXEMPT_VIEWS = frozenset(
    {
        "accounts:second-factor-setup",
        "accounts:second-factor-verify",
        "accounts:second-factor-link",
        "accounts:second-factor-enrol",
        "accounts:second-factor-recovery",
        "accounts:logout",
        "health",
    }
)
# The API answers its clients in JSON and is meant for bearer tokens, which are not sessions;
# a session without the second factor gets 403 there, never a redirect to a page.
API_PREFIX = "/api/"


def session_is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the second factor. Without OTPMiddleware nobody has."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified()) if callable(is_verified) else False


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not settings.VALNAV_REQUIRE_SECOND_FACTOR:
            return None
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_VIEWS:
            return None
        user = request.user
        if not isinstance(user, User) or not needs_second_factor(user):
            return None
        if session_is_verified(request):
            return None
        if request.path_info.startswith(API_PREFIX):
            # The API speaks English to programs (valnav.api.auth), so this is not translated.
            return JsonResponse(
                {"detail": "Two-step verification is required. Complete it on the site first."},
                status=403,
            )
        has_device = totp_device_confirmed(user=user) is not None
        page = reverse(
            "accounts:second-factor-verify" if has_device else "accounts:second-factor-setup"
        )
        if request.headers.get("HX-Request"):
            # htmx would follow a redirect and swap the page into a fragment; send the whole
            # window there instead.
            return HttpResponse(status=204, headers={"HX-Redirect": page})
        if request.method in {"GET", "HEAD"}:
            # Back to the page asked for once the code is in (checked there like any `next`).
            return redirect_to_login(request.get_full_path(), login_url=page)
        return redirect(page)
