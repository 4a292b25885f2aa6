"""The secrets of no-login links: random, shown once (in an e-mail), stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def absolute(path: str) -> str:
    """An address outside the site (e-mails, calendars), as casework builds them."""
    return f"{settings.VALNAV_PUBLIC_URL}{path}"


def cancel_url(token: str) -> str:
    return absolute(reverse("events:registration-cancel", kwargs={"token": token}))


def evaluation_url(token: str) -> str:
    return absolute(reverse("events:evaluation", kwargs={"token": token}))
