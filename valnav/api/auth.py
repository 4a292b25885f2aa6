"""Who is calling the API, and how often they may.

Reads are open to everyone; a client may send its token on reads too, and then also sees the
drafts of the token user's organisations. Writes need a token (`Authorization: Bearer <token>`)
and act as the token's user. The login session of the web pages plays no part in the API, so
a page visited in the browser can never write through it (no CSRF surface).
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle

from valnav.accounts.models import User
from valnav.api.models import ApiToken
from valnav.api.services import api_token_authenticate
from valnav.core.permissions import Perm, user_has_perm


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(secret=token)


class _Anonymous:
    """What `request.auth` holds for a read without a token."""

    def __repr__(self) -> str:
        return "anonymous"


ANONYMOUS: Final = _Anonymous()


def anonymous_read(request: HttpRequest) -> _Anonymous | None:
    """Let a request without credentials read; one whose token was refused stays refused (401),
    so a client learns that its token is wrong instead of quietly seeing less."""
    return None if request.headers.get("Authorization") else ANONYMOUS


# For reads: a token if one is sent, else anonymous.
READ_AUTH: Final[list[Any]] = [ApiTokenAuth(), anonymous_read]
WRITE_AUTH: Final[list[Any]] = [ApiTokenAuth()]
# Ninja documents READ_AUTH as "token required"; Ninja adds this `{}` (no credentials) to the
# operation's security list, which makes the token optional in OpenAPI.
READ_SECURITY: Final[dict[str, Any]] = {"security": [{}]}


def request_token(request: HttpRequest) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def api_user(request: HttpRequest) -> User | AnonymousUser:
    """The user the request acts as: the token's, or nobody."""
    token = request_token(request)
    return token.user if token is not None else AnonymousUser()


def token_user(request: HttpRequest) -> User:
    """The user of a request that passed WRITE_AUTH."""
    token = request_token(request)
    if token is None:  # WRITE_AUTH answers 401 before the view runs; this guards a slip
        raise AuthenticationError()
    return token.user


class CountedPerSecond(SimpleRateThrottle):
    """Ninja's sliding window (at most `num_requests` in any `duration` seconds), kept as a
    count per whole second instead of one timestamp per request.

    The window is read from and written back to the cache on every request. Ninja keeps every
    request's timestamp, so that work grew with the number of requests in the window: 600 for
    a key at its limit, and thousands from one address under `make load` (0,9 ms a request at
    13 000). Here at most `duration + 1` counts are kept. A second's requests leave the window
    only once the whole second is `duration` seconds old, so a client never gets more than its
    limit in any window, at the price of waiting up to a second longer."""

    counts: list[tuple[int, int]]

    def allow_request(self, request: HttpRequest) -> bool:
        self.key = self.get_cache_key(request)
        if self.key is None:
            return True
        self.now = self.timer()  # type: ignore[misc]  # time.time, as Ninja calls it
        second = int(self.now)
        oldest = second - int(self.duration or 0)
        self.counts = [pair for pair in self.cache.get(self.key, []) if pair[0] >= oldest]
        if sum(count for _second, count in self.counts) >= (self.num_requests or 0):
            return False
        if self.counts and self.counts[0][0] == second:
            self.counts[0] = (second, self.counts[0][1] + 1)
        else:
            self.counts.insert(0, (second, 1))
        self.cache.set(self.key, self.counts, self.duration)
        return True

    def wait(self) -> float | None:
        """Seconds until enough of the oldest requests have left the window for one more."""
        excess = sum(count for _second, count in self.counts) - (self.num_requests or 0) + 1
        for second, count in reversed(self.counts):
            excess -= count
            if excess <= 0:
                return max(second + (self.duration or 0) + 1 - self.now, 1.0)
        return float(self.duration or 0)


class AnonymousThrottle(CountedPerSecond, AnonRateThrottle):
    """Clients without a token, counted per address. (Ninja's AnonRateThrottle counts only
    requests without `request.auth`; our reads carry ANONYMOUS there.)"""

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if request_token(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(CountedPerSecond):
    """Clients with a token, counted per token (Ninja's AuthRateThrottle keys on str(auth),
    which for a token is its display name)."""

    scope = "token"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = request_token(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


# For member reads: a token, or the signed-in session of the pages (reads only: Ninja checks
# CSRF on unsafe methods), so a page's own scripts and a member's system read alike.
MEMBER_READ_AUTH: Final[list[Any]] = [ApiTokenAuth(), django_auth]


def api_member(request: HttpRequest, perm: Perm) -> User:
    """The user of a request that passed MEMBER_READ_AUTH, if they hold `perm`; else 403."""
    token = request_token(request)
    user = token.user if token is not None else getattr(request, "auth", None)
    if not isinstance(user, User) or not user_has_perm(user, perm):
        raise HttpError(403, "You do not have access to this.")
    return user
