"""Writes for API tokens: make one (the secret is returned once), revoke one, and recognise one."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.api.models import TOKEN_PREFIX_LENGTH, ApiToken
from valnav.core.permissions import Perm, user_has_perm

if TYPE_CHECKING:
    from valnav.accounts.models import User

# Marks a Valnav secret, so that people and secret scanners recognise a leaked one.
TOKEN_SCHEME = "vn_"  # noqa: S105  (a public marker, not a secret)
# A busy client should not turn every read into a write as well; a minute is exact enough to
# tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_SECRET_LENGTH = 100


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made, with its secret: show the secret once and forget it."""

    token: ApiToken
    secret: str


def api_token_create(*, actor: User, name: str) -> NewToken:
    """Make a token that acts as `actor`."""
    if not user_has_perm(actor, Perm.MANAGE_API_TOKENS):
        raise PermissionDenied(_("You may not make API keys."))
    secret = TOKEN_SCHEME + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name.strip(),
        prefix=secret[:TOKEN_PREFIX_LENGTH],
        key_hash=token_hash(secret),
    )
    with transaction.atomic():
        token.full_clean()
        token.save()
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """End a token for good. Its owner may always revoke it (also after losing the role that
    let them make it); account managers may revoke anyone's."""
    if token.user_id != actor.pk and not user_has_perm(actor, Perm.MANAGE_ACCOUNTS):
        raise PermissionDenied(_("You can only revoke your own API keys."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        with transaction.atomic():
            token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret (its user loaded), its use recorded; else None."""
    if not secret.startswith(TOKEN_SCHEME) or len(secret) > MAX_SECRET_LENGTH:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=token_hash(secret)).first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # An UPDATE of one column: neither updated_at nor a concurrent revocation is touched.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
