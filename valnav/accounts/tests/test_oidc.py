"""Login through e-identification (OIDC) against a provider on loopback: a real HTTP server in
a thread that signs its ID tokens (RS256) and publishes its keys, as Freja eID or a broker does.
Only the provider's pseudonymous subject is kept, never the personnummer it sends."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import RSAKey

import config.urls  # noqa: F401  (loaded now, without OIDC, before a test switches it on)
from valnav.accounts.models import ExternalIdentity, User

pytestmark = pytest.mark.django_db

CLIENT_ID = "valnav-test"
PERSONNUMMER = "191212121212"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "loopback-1"})
        self.nonce = ""
        self.claims: dict[str, Any] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # the token endpoint
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = int(time.time())
                id_token = jwt.encode(
                    {"alg": "RS256", "kid": "loopback-1"},
                    {
                        "iss": provider.base,
                        "aud": CLIENT_ID,
                        "sub": provider.claims["sub"],
                        "nonce": provider.nonce,
                        "iat": now,
                        "exp": now + 300,
                    },
                    provider.key,
                )
                self._json({"access_token": "opaque", "token_type": "Bearer", "id_token": id_token})

            def do_GET(self) -> None:
                if self.path.startswith("/jwks"):
                    self._json({"keys": [provider.key.as_dict(private=False)]})
                else:  # the user-info endpoint
                    self._json(provider.claims)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> Provider:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    with Provider() as running:
        settings.ROOT_URLCONF = "valnav.accounts.tests.oidc_urls"
        settings.VALNAV_OIDC_ISSUER = running.base
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "secret"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{running.base}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{running.base}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{running.base}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{running.base}/jwks"
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "valnav.accounts.oidc.PseudonymousOIDCBackend",
        ]
        yield running


def log_in(client: Client, provider: Provider, **claims: Any) -> Any:
    """The whole round: Valnav sends the browser to the provider, which sends it back."""
    provider.claims = {"personal_identity_number": PERSONNUMMER, **claims}
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    sent = urlsplit(start["Location"])
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == f"{provider.base}/authorize"
    query = parse_qs(sent.query)
    provider.nonce = query["nonce"][0]
    assert "code_challenge" in query  # PKCE
    return client.get(
        reverse("oidc_authentication_callback"), {"code": "c0de", "state": query["state"][0]}
    )


def test_the_first_login_links_the_account_by_its_verified_address_and_keeps_only_the_subject(
    provider, personas
):
    counsellor = personas["counsellor_orebro"]
    client = Client()
    done = log_in(
        client, provider, sub="pseudonym-1", email=counsellor.email.upper(), email_verified=True
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    identity = ExternalIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (
        counsellor,
        provider.base,
        "pseudonym-1",
    )
    stored = json.dumps(
        [list(ExternalIdentity.objects.values()), list(User.objects.values())], default=str
    ) + json.dumps(dict(client.session.items()), default=str)
    assert PERSONNUMMER not in stored


def test_later_logins_find_the_account_by_subject_whatever_address_is_sent(provider, personas):
    counsellor = personas["counsellor_orebro"]
    log_in(Client(), provider, sub="pseudonym-1", email=counsellor.email, email_verified=True)
    client = Client()
    done = log_in(client, provider, sub="pseudonym-1", email="new@example.se", email_verified=False)
    assert done["Location"] == reverse("accounts:dashboard")
    assert client.session["_auth_user_id"] == str(counsellor.pk)
    assert ExternalIdentity.objects.count() == 1


@pytest.mark.parametrize(
    "claims",
    [
        {
            "sub": "pseudonym-2",
            "email": "counsellor_orebro@valnav.example",
            "email_verified": False,
        },
        {"sub": "pseudonym-3", "email": "nobody@example.se", "email_verified": True},
    ],
    ids=["unverified address", "no account"],
)
def test_no_account_is_opened_or_created_otherwise(provider, personas, claims):
    if claims["email"] == "counsellor_orebro@":  # an existing account's own address
        claims = {**claims, "email": personas["counsellor_orebro"].email}
    client = Client()
    users = User.objects.count()
    done = log_in(client, provider, **claims)
    assert done["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users
    assert not ExternalIdentity.objects.exists()


def test_the_login_page_offers_e_identification_only_when_configured(provider, settings):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert reverse("oidc_authentication_init") in page
    settings.VALNAV_OIDC_ISSUER = ""
    assert "/oidc/" not in Client().get(reverse("accounts:login")).content.decode()
