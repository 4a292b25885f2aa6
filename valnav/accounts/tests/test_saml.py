"""The SAML seam: what an IdP's assertion (as djangosaml2 hands it over after checking its
signature) is mapped to. Only the IdP and the persistent NameID are kept."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT, NameID

from valnav.accounts.models import ExternalIdentity, User
from valnav.accounts.saml import PseudonymousSaml2Backend
from valnav.core.tests.production import production_env

pytestmark = pytest.mark.django_db

IDP = "https://idp.sweden-connect.example/metadata"
PERSONNUMMER = "191212121212"


def session_info(
    subject: str, mail: str, name_format: str = NAMEID_FORMAT_PERSISTENT
) -> dict[str, object]:
    return {
        "issuer": IDP,
        "name_id": NameID(format=name_format, text=subject),
        "ava": {"mail": [mail], "personalIdentityNumber": [PERSONNUMMER]},
    }


def test_an_assertion_logs_in_the_linked_account_and_keeps_only_the_pseudonym(personas):
    counsellor = personas["counsellor_orebro"]
    backend = PseudonymousSaml2Backend()
    assert backend.authenticate(None, session_info("pid-7", counsellor.email)) == counsellor
    # Later the same NameID, whatever address comes with it.
    assert backend.authenticate(None, session_info("pid-7", "other@example.se")) == counsellor
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject) == (IDP, "pid-7")
    stored = json.dumps(
        [list(ExternalIdentity.objects.values()), list(User.objects.values())], default=str
    )
    assert PERSONNUMMER not in stored


def test_a_transient_name_id_or_an_unknown_person_opens_nothing(personas):
    backend = PseudonymousSaml2Backend()
    counsellor = personas["counsellor_orebro"]
    transient = session_info("t-1", counsellor.email, NAMEID_FORMAT_TRANSIENT)
    assert backend.authenticate(None, transient) is None
    assert backend.authenticate(None, session_info("pid-8", "nobody@example.se")) is None
    assert backend.authenticate(None, None) is None
    assert not ExternalIdentity.objects.exists()


# Starts Valnav under the production settings with SAML configured, and asks for the login and
# the service's metadata, as an IdP administrator and a user's browser would.
SAML_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)  # the login keeps its request id in the session
from django.test import Client
from django.urls import reverse
client = Client(HTTP_HOST="valnav.example.se")
login = client.get(reverse("saml2_login"), secure=True)
metadata = client.get(reverse("saml2_metadata"), secure=True)
print(json.dumps({"status": login.status_code, "location": login.get("Location", ""),
                  "metadata": metadata.content.decode()}))
"""
IDP_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{idp}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
      Location="https://idp.sweden-connect.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def _key_pair(tmp_path: Path) -> tuple[Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "valnav.example.se")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = tmp_path / "sp.key", tmp_path / "sp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@pytest.mark.needs_system("xmlsec1")  # pysaml2 signs the request with it
def test_configured_by_environment_valnav_sends_a_signed_request_to_the_idp(tmp_path):
    key_file, cert_file = _key_pair(tmp_path)
    metadata = tmp_path / "idp.xml"
    metadata.write_text(IDP_METADATA.format(idp=IDP), encoding="utf-8")
    env = production_env(tmp_path) | {
        "VALNAV_SAML_IDP_METADATA": str(metadata),
        "VALNAV_SAML_KEY_FILE": str(key_file),
        "VALNAV_SAML_CERT_FILE": str(cert_file),
    }
    result = subprocess.run(  # noqa: S603  (this module's own script)
        [sys.executable, "-c", SAML_SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 302
    sent = urlsplit(answer["location"])
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == "https://idp.sweden-connect.example/sso"
    query = parse_qs(sent.query)
    assert {"SAMLRequest", "Signature", "SigAlg"} <= query.keys()
    # The service's metadata, for the federation: its entity id and persistent NameIDs.
    assert 'entityID="https://valnav.example.se/saml2/metadata/"' in answer["metadata"]
    assert NAMEID_FORMAT_PERSISTENT in answer["metadata"]
