"""The secrets of no-login links: random, shown once (in an e-mail), stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.urls import reverse

from valnav.core.http import public_url

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def cancel_url(token: str) -> str:
    return public_url(reverse("events:registration-cancel", kwargs={"token": token}))


def evaluation_url(token: str) -> str:
    return public_url(reverse("events:evaluation", kwargs={"token": token}))
