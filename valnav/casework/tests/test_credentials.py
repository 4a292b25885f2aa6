"""Issuing, signing, revoking and verifying documents and Open Badges 3.0 credentials."""

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from joserfc import jws as joserfc_jws
from joserfc.jwk import OKPKey

from valnav.casework.credentials import (
    SCHEMA_DIR,
    bit_is_set,
    credential_issue,
    credential_revoke,
    credential_verify_jws,
    decode_bitstring,
    issuer_profile,
    jws_from_document,
    status_list_credential,
)
from valnav.casework.models import Credential, CriterionResult, DocumentType
from valnav.casework.services import assessment_record, case_transition
from valnav.casework.states import CaseState, Decision
from valnav.casework.tests.test_cases import walk

pytestmark = pytest.mark.django_db

PROVENANCE = Path(__file__).resolve().parents[3] / "tests/data/schemas/openbadges-3.0/PROVENANCE.md"


def official_schema(name: str) -> dict[str, Any]:
    """The official schema, after checking the shipped copy is byte for byte the one in the
    provenance note."""
    data = (SCHEMA_DIR / name).read_bytes()
    assert f"{hashlib.sha256(data).hexdigest()}  {name}" in PROVENANCE.read_text()
    schema: dict[str, Any] = json.loads(data)
    return schema


def validate(instance: dict[str, Any], schema_name: str) -> None:
    schema = official_schema(schema_name)
    jsonschema.Draft201909Validator(schema).validate(instance)


@pytest.fixture
def decided(case, personas):
    """The Västerås case, assessed against three criteria and decided as partly met."""
    assessor = personas["assessor_vasteras_komvux"]
    model = case.model
    for position, title in enumerate(["Omvårdnad", "Etik", "Dokumentation"], 1):
        model.criteria.create(position=position, code=f"VO-{position}", title=title)
    case = walk(
        case, assessor, CaseState.INITIAL_MAPPING, CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT
    )
    results = [CriterionResult.MET, CriterionResult.PARTLY_MET, CriterionResult.MET]
    for criterion, result in zip(model.criteria.order_by("position"), results, strict=True):
        assessment_record(
            case=case, actor=assessor, criterion=criterion, result=result, method="practical"
        )
    return case_transition(
        case=case,
        actor=assessor,
        to_state=CaseState.DECISION,
        expected_version=case.version,
        decision=Decision.PARTIAL,
    )


@pytest.fixture
def issued(decided, personas):
    return credential_issue(
        case=decided,
        actor=personas["assessor_vasteras_komvux"],
        document_type=DocumentType.INTYG,
        signer_name="Rebecka Rektor",
        signer_title="rektor",
    )


def test_an_issued_credential_is_a_valid_open_badge_naming_each_criterion_result(issued):
    payload = issued.payload
    validate(payload, "achievementcredential.json")
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = payload["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Amina Testsson"
    assert [r["value"] for r in subject["result"]] == ["met", "partly_met", "met"]
    names = [d["name"] for d in subject["achievement"]["resultDescription"]]
    assert names == ["VO-1 Omvårdnad", "VO-2 Etik", "VO-3 Dokumentation"]
    alignment = subject["achievement"]["alignment"][0]
    assert (alignment["targetCode"], alignment["targetFramework"]) == ("5321", "SSYK 2012")
    assert payload["issuer"]["name"] == "Västerås stad, Vuxenutbildningen (demo)"
    assert payload["credentialStatus"]["statusPurpose"] == "revocation"


def test_the_issuer_profile_is_a_valid_open_badges_profile(komvux):
    validate(issuer_profile(komvux), "profile.json")


def test_issuing_documents_the_decision(issued):
    issued.case.refresh_from_db()
    assert issued.case.state == CaseState.DOCUMENTED
    last = issued.case.transitions.last()
    assert last.to_state == CaseState.DOCUMENTED
    assert issued.title in last.reason


# RFC 9864 (2025) names the algorithm "Ed25519" and deprecates "EdDSA"; we sign as "EdDSA"
# because that is what Open Badges and VC-JOSE verifiers (and PyJWT) know today.
@pytest.mark.filterwarnings("ignore:EdDSA is deprecated via RFC 9864")
def test_the_signature_verifies_with_an_independent_jose_library(issued, client):
    keys = client.get("/api/v1/credentials/keys").json()["keys"]
    key_data = next(k for k in keys if k["kid"] == issued.key.kid)
    key = OKPKey.import_key(key_data)
    token = joserfc_jws.deserialize_compact(issued.jws, key, algorithms=["EdDSA"])
    assert json.loads(token.payload)["id"] == issued.payload["id"]
    assert token.protected["alg"] == "EdDSA"
    assert token.protected["kid"] == issued.key.kid
    tampered = issued.jws[:-4] + ("AAAA" if not issued.jws.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017, PT011  (joserfc's own BadSignatureError)
        joserfc_jws.deserialize_compact(tampered, key, algorithms=["EdDSA"])


def test_the_api_returns_the_signed_credential_by_its_unguessable_id(issued, client):
    answer = client.get(f"/api/v1/credentials/{issued.public_id}")
    assert answer.status_code == 200
    assert answer.json()["type"] == "EnvelopedVerifiableCredential"
    assert jws_from_document(answer.content.decode()) == issued.jws
    raw = client.get(f"/api/v1/credentials/{issued.public_id}", HTTP_ACCEPT="application/vc+jwt")
    assert raw["Content-Type"] == "application/vc+jwt"
    assert raw.content.decode() == issued.jws
    assert client.get("/api/v1/credentials/" + "x" * 24).status_code == 404
    assert len(issued.public_id) >= 24


def test_revocation_sets_the_bit_and_verification_fails(issued, personas, client):
    assert credential_verify_jws(issued.jws).valid
    credential_revoke(
        credential=issued, actor=personas["assessor_vasteras_komvux"], reason="Fel kurs"
    )
    subject = status_list_credential(issued.status_list)["credentialSubject"]
    assert bit_is_set(decode_bitstring(subject["encodedList"]), issued.status_index)
    result = credential_verify_jws(issued.jws)
    assert result.signature
    assert result.schema
    assert result.revoked is True
    assert not result.valid
    listed = client.get(f"/api/v1/credentials/status/{issued.status_list.public_id}")
    assert listed.status_code == 200
    assert listed["Content-Type"] == "application/vc+jwt"  # the credential, not an envelope
    status_claims = credential_verify_jws(listed.content.decode())
    assert status_claims.signature  # signed by the platform, though not an Open Badge


def test_the_status_list_is_a_bitstring_status_list_credential_of_the_same_issuer(issued, client):
    listed = client.get(f"/api/v1/credentials/status/{issued.status_list.public_id}")
    claims = credential_verify_jws(listed.content.decode()).claims
    assert claims is not None
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert claims["issuer"] == issued.payload["issuer"]["id"] == claims["iss"]
    assert claims["id"] == issued.payload["credentialStatus"]["statusListCredential"]
    subject = claims["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"]) == ("BitstringStatusList", "revocation")
    # GZIP of at least 16 KiB of bits, multibase base64url (prefix u).
    assert subject["encodedList"].startswith("u")
    assert len(decode_bitstring(subject["encodedList"])) >= 16 * 1024


def test_each_issuer_gets_its_own_status_list(issued, personas, reference_data):
    """A list is signed in one issuer's name, so another organisation's documents go on
    another list."""
    from valnav.accounts.services import membership_grant, organisation_create

    other = organisation_create(name="Annan kommun (test)", kind="municipality")
    membership_grant(user=personas["assessor_vasteras_komvux"], organisation=other, role="assessor")
    case = issued.case
    case.organisation = other
    case.save(update_fields=["organisation"])
    second = credential_issue(
        case=case,
        actor=personas["assessor_vasteras_komvux"],
        document_type=DocumentType.INTYG,
        signer_name="R",
        signer_title="rektor",
    )
    assert second.status_list_id != issued.status_list_id
    assert status_list_credential(second.status_list)["issuer"] == second.payload["issuer"]["id"]


def test_a_tampered_credential_fails_verification(issued):
    header, payload, signature = issued.jws.split(".")
    forged = json.loads(_b64decode(payload))
    forged["credentialSubject"]["result"][1]["value"] = "met"
    forged_jws = ".".join([header, _b64encode(json.dumps(forged).encode()), signature])
    result = credential_verify_jws(forged_jws)
    assert not result.signature
    assert not result.valid


def _b64decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_only_an_assessor_of_the_organisation_issues(decided, personas):
    with pytest.raises(PermissionDenied):
        credential_issue(
            case=decided,
            actor=personas["counsellor_orebro"],
            document_type=DocumentType.INTYG,
            signer_name="X",
            signer_title="rektor",
        )


def test_no_document_without_a_decision_of_recognition(case, personas):
    with pytest.raises(ValidationError) as error:
        credential_issue(
            case=case,
            actor=personas["assessor_vasteras_komvux"],
            document_type=DocumentType.INTYG,
            signer_name="Rebecka Rektor",
            signer_title="rektor",
        )
    assert error.value.code == "no_decision"


def test_each_credential_gets_its_own_status_bit(decided, personas):
    assessor = personas["assessor_vasteras_komvux"]
    first = credential_issue(
        case=decided,
        actor=assessor,
        document_type=DocumentType.INTYG,
        signer_name="R",
        signer_title="rektor",
    )
    decided.refresh_from_db()
    second = credential_issue(
        case=decided,
        actor=assessor,
        document_type=DocumentType.INTYG,
        signer_name="R",
        signer_title="rektor",
    )
    assert first.status_list_id == second.status_list_id
    assert first.status_index != second.status_index
    assert Credential.objects.count() == 2


def test_credential_verify_command_exits_0_when_valid_and_1_after_revocation(
    issued, personas, tmp_path, capsys
):
    path = tmp_path / "intyg.json"
    path.write_text(json.dumps({"id": "data:application/vc+jwt," + issued.jws}))
    call_command("credential_verify", str(path))
    assert "OK" in capsys.readouterr().out
    credential_revoke(credential=issued, actor=personas["assessor_vasteras_komvux"], reason="Fel")
    with pytest.raises(CommandError) as error:
        call_command("credential_verify", str(path))
    assert error.value.returncode == 1
    with pytest.raises(CommandError):
        call_command("credential_verify", f"http://127.0.0.1:8000/verifiera/{issued.public_id}/")


def test_credential_verify_names_holder_issuer_and_host_and_refuses_other_hosts(
    issued, settings, capsys
):
    settings.VALNAV_PUBLIC_URL = "https://valnav.example.se"
    path = f"/verifiera/{issued.public_id}/"
    call_command("credential_verify", f"https://valnav.example.se{path}")
    out = capsys.readouterr().out
    assert "holder: Amina Testsson" in out
    assert "issuer: Västerås stad, Vuxenutbildningen (demo) (402000-0024)" in out
    assert "host: " in out
    # A QR code to a lookalike site is refused, even with a real credential's id in it.
    with pytest.raises(CommandError) as error:
        call_command("credential_verify", f"https://valnav-example.se{path}")
    assert error.value.returncode == 1
    assert "valnav-example.se" in str(error.value)
    assert "--trust-host" in str(error.value)
    call_command(
        "credential_verify", f"http://localhost:8001{path}", "--trust-host", "localhost:8001"
    )
    assert "OK: valid" in capsys.readouterr().out


def test_the_document_is_swedish_whatever_the_assessors_language(decided, personas):
    with translation.override("en"):
        credential = credential_issue(
            case=decided,
            actor=personas["assessor_vasteras_komvux"],
            document_type=DocumentType.INTYG,
            signer_name="Rebecka Rektor",
            signer_title="rektor",
        )
    assert credential.payload["name"].startswith("Intyg: ")
    assert "Delvis uppfyllt" in credential.payload["description"]
