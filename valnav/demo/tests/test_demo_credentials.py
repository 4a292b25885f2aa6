"""Demo documents: issued once, one revoked, written as a holder receives them, and read the
same way by an independent Open Badges verifier."""

import io
import json
from urllib.parse import urlsplit

import pdfplumber
import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from jwt import PyJWK
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

from valnav.casework.credentials import jws_from_document, signed_outcome
from valnav.casework.documents import credential_pdf
from valnav.casework.models import Credential
from valnav.demo.casework import seed_cases
from valnav.demo.credentials import seed_credentials
from valnav.demo.identities import TEST_PERSONNUMMER, is_fictional_orgnr
from valnav.lib import fieldcrypto

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_files(reference_data, personas, tmp_path):
    seed_cases()
    assert seed_credentials(tmp_path) == 3
    return sorted(tmp_path.glob("*.json"))


def test_demo_credentials_are_written_and_one_is_revoked(demo_files, tmp_path):
    assert seed_credentials(tmp_path) == 0  # idempotent
    assert len(demo_files) == 3
    assert Credential.objects.filter(is_demo=True, revoked_at__isnull=False).count() == 1
    outcomes = {}
    for path in demo_files:
        try:
            call_command("credential_verify", str(path), stdout=io.StringIO())
            outcomes[path.name] = 0
        except CommandError as error:
            outcomes[path.name] = error.returncode
    assert sorted(outcomes.values()) == [0, 0, 1]
    assert all(("-revoked" in name) == bool(code) for name, code in outcomes.items())


def _fetch_through(client: Client):
    """openbadgeslib's downloader, pointed at this application instead of the network: the
    verifier asks for each URL a credential names, exactly as it would over HTTPS."""

    def download(url: str) -> bytes:
        assert url.startswith(settings.VALNAV_PUBLIC_URL), url
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 200, (url, answer.status_code)
        return answer.content

    return download


def test_an_independent_verifier_accepts_the_valid_and_refuses_the_revoked(demo_files, client):
    """openbadgeslib (not our code) checks the signature with the published key, the Open
    Badges 3.0 structure, and the revocation bit in the status list, whose own signature and
    issuer it checks too (verify_status_list)."""
    jwks = client.get("/api/v1/credentials/keys").json()["keys"]
    results = {}
    for path in demo_files:
        token = jws_from_document(path.read_text(encoding="utf-8"))
        kid = json.loads(_b64decode(token.split(".")[0]))["kid"]
        key = PyJWK(next(k for k in jwks if k["kid"] == kid)).key
        pem = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        verifier = OB3Verifier(pubkey_pem=pem)
        try:
            credential = verifier.verify(
                token,
                check_status=True,
                verify_status_list=True,
                download=_fetch_through(client),
            )
        except OB3VerificationError as error:
            results[path.name] = str(error)
        else:
            results[path.name] = "valid"
            assert credential.issuer.name.endswith("(demo)")
    revoked = [name for name in results if "-revoked" in name]
    assert len(revoked) == 1
    assert "Credential status 'revocation' is set" in results[revoked[0]]
    assert [results[name] for name in results if name not in revoked] == ["valid", "valid"]


def _b64decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_demo_documents_say_demo_and_carry_only_test_identities(demo_files):
    credentials = Credential.objects.filter(is_demo=True).select_related("issuer", "case")
    for credential in credentials:
        assert credential.title.startswith("DEMO – ")
        assert credential.payload["name"].startswith("DEMO – ")
        assert credential.issuer.name.endswith("(demo)")
        assert is_fictional_orgnr(credential.issuer.org_number)
        outcome = signed_outcome(credential.payload)
        assert outcome.birth_date  # from a test personnummer …
        number = fieldcrypto.decrypt(credential.case.individual.personnummer_encrypted)
        assert number in TEST_PERSONNUMMER  # … Skatteverket's, no one's
        assert outcome.birth_date == f"{number[:4]}-{number[4:6]}-{number[6:8]}"
    assert credentials  # every document the demo issues says DEMO on its first line
    for credential in credentials:
        with pdfplumber.open(io.BytesIO(credential_pdf(credential))) as pdf:
            text = pdf.pages[0].extract_text()
        assert "DEMO" in text.split("\n")[0], credential.title
        assert credential.issuer.org_number in text
