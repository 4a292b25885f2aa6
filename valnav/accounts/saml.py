"""Login through SAML (djangosaml2): Sweden Connect or a municipality's SSO. Configured by
environment (docs/deploy.md); off unless VALNAV_SAML_IDP_METADATA is set.

As with OIDC (valnav.accounts.oidc), only the IdP's entity id and the persistent NameID are
kept, bound to one account; the personnummer Sweden Connect asserts is never read or stored,
and no account is created from a login.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from djangosaml2.backends import Saml2Backend
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from valnav.accounts.models import User
from valnav.accounts.services import external_identity_login

MAIL_ATTRIBUTES = ("mail", "email", "urn:oid:0.9.2342.19200300.100.1.3")


class PseudonymousSaml2Backend(Saml2Backend):  # type: ignore[misc]  # untyped base
    def authenticate(
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        attribute_mapping: Any = None,
        create_unknown_user: bool = True,
        assertion_info: Any = None,
        **kwargs: Any,
    ) -> User | None:
        if not session_info:
            return None
        name_id = session_info.get("name_id")
        # Only a persistent NameID is a pseudonym that is the same at the next login; a
        # transient one would bind a new subject each time.
        if name_id is None or getattr(name_id, "format", None) != NAMEID_FORMAT_PERSISTENT:
            return None
        attributes: dict[str, list[str]] = session_info.get("ava") or {}
        mail = next((values[0] for key in MAIL_ATTRIBUTES if (values := attributes.get(key))), "")
        user = external_identity_login(
            issuer=str(session_info.get("issuer", "")),
            subject=str(getattr(name_id, "text", "") or ""),
            email=mail,
            # The federation's IdP asserts the address of its own user.
            email_verified=bool(mail),
        )
        return user if user is not None and self.user_can_authenticate(user) else None
