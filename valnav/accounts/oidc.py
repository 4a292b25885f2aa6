"""Login through Swedish e-identification over OpenID Connect (mozilla-django-oidc): Freja eID,
or a broker in front of BankID and others. Configured by environment (docs/deploy.md); off
unless VALNAV_OIDC_ISSUER is set.

The provider's answer is reduced to its pseudonymous subject (`sub`) at this issuer: the
personnummer a Swedish provider may send is never read, stored or logged
(services.external_identity_login). No account is created from a login.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from valnav.accounts.models import User
from valnav.accounts.services import external_identity_login


class PseudonymousOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped base
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> list[User]:
        user = external_identity_login(
            issuer=settings.VALNAV_OIDC_ISSUER,
            subject=str(claims.get("sub", "")),
            email=str(claims.get("email", "")),
            email_verified=claims.get("email_verified") is True,
        )
        return [user] if user is not None else []

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user  # the account is the administrators'; nothing is copied from the provider

    def create_user(self, claims: dict[str, Any]) -> None:
        return None  # accounts are created by administrators (OIDC_CREATE_USER is off too)
