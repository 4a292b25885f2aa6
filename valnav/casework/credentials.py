"""Issuing, revoking and verifying documents of recognition.

One outcome, two forms: the PDF intyg a person prints, and an Open Badges 3.0
`OpenBadgeCredential` (W3C Verifiable Credentials 2.0) signed as a VC-JWT with Ed25519 (EdDSA),
revocable through a W3C Bitstring Status List. Verification here is offline: the public keys and
the status list are read from this database, the schema from data/reference/openbadges-3.0/.

Swedish terms: *intyg* (certificate of what was validated), *kompetensbevis* (competence
certificate from Komvux), *branschintyg*/*yrkesbevis* (an industry's certificate).
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, User
from valnav.casework.facts import case_facts_refresh
from valnav.casework.models import (
    Credential,
    CriterionResult,
    DocumentType,
    Individual,
    SigningKey,
    StatusList,
    ValidationCase,
)
from valnav.casework.selectors import case_decision_summary
from valnav.casework.services import (
    case_is_komvux,
    case_roles,
    case_transition,
    document_issue_check,
    document_issued_in_name_of,
)
from valnav.casework.states import CaseState, Decision
from valnav.core.http import public_url
from valnav.core.models import AccessAction
from valnav.core.permissions import Role
from valnav.core.services import access_log_record
from valnav.lib import fieldcrypto
from valnav.lib.personnummer import PersonnummerError, parse_personnummer

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
SCHEMA_DIR = Path(settings.BASE_DIR) / "data" / "reference" / "openbadges-3.0"
JWT_MEDIA_TYPE = "vc+jwt"
DATA_URL_PREFIX = "data:application/vc+jwt,"

# A document records a recognition: only these decisions lead to one.
DOCUMENTED_DECISIONS = (Decision.FULL, Decision.PARTIAL)
# States in which the case has a decision that can be documented.
ISSUABLE_STATES = (
    CaseState.DECISION,
    CaseState.DOCUMENTED,
    CaseState.COMPLEMENTARY_EDUCATION,
    CaseState.REASSESSMENT,
    CaseState.CLOSED,
)


# Keys -------------------------------------------------------------------------------------


def _load_private_key() -> Ed25519PrivateKey:
    """The signing key from VALNAV_CREDENTIAL_SIGNING_KEY; in development and tests a key kept
    in var/keys/, made on first use. Production without the variable is refused."""
    pem = settings.VALNAV_CREDENTIAL_SIGNING_KEY.encode()
    if not pem:
        if not (settings.DEBUG or settings.TESTING):
            raise ImproperlyConfigured("VALNAV_CREDENTIAL_SIGNING_KEY is not set.")
        path = Path(settings.VALNAV_CREDENTIAL_KEY_FILE)
        if not path.exists():
            _make_key_file(path)
        pem = path.read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("VALNAV_CREDENTIAL_SIGNING_KEY is not an Ed25519 key.")
    return key


def _make_key_file(path: Path) -> None:
    """Write a new key whole, or not at all: two processes starting at once (the test suite's
    workers, a development server's) must not read half a key or sign with different keys.
    The key is written to a file of its own and linked into place, which fails if the other
    process was first; then both read its key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    new_key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".new-key-", delete=True) as new:
        os.fchmod(new.fileno(), 0o600)
        new.write(new_key)
        new.flush()
        with contextlib.suppress(FileExistsError):
            os.link(new.name, path)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}


def signing_key_current() -> tuple[SigningKey, Ed25519PrivateKey]:
    """The key that signs now, registered by its public half (the key id is derived from it,
    so every server with the same private key agrees on it)."""
    private_key = _load_private_key()
    jwk = _public_jwk(private_key.public_key())
    kid = "key-" + hashlib.sha256(jwk["x"].encode()).hexdigest()[:16]
    key, _created = SigningKey.objects.get_or_create(
        kid=kid, defaults={"public_jwk": {**jwk, "kid": kid, "alg": "EdDSA", "use": "sig"}}
    )
    return key, private_key


def public_keys() -> dict[str, list[dict[str, Any]]]:
    """A JSON Web Key Set of every key that has signed credentials, retired ones included."""
    return {"keys": [key.public_jwk for key in SigningKey.objects.order_by("created_at", "pk")]}


# Addresses --------------------------------------------------------------------------------


def credential_url(public_id: str) -> str:
    return public_url(reverse("api-v1:credential-detail", kwargs={"public_id": public_id}))


def status_list_url(status_list: StatusList) -> str:
    return public_url(
        reverse("api-v1:credential-status-list", kwargs={"list_id": status_list.public_id})
    )


def issuer_url(organisation: Organisation) -> str:
    return public_url(
        reverse("api-v1:credential-issuer", kwargs={"organisation_id": organisation.pk})
    )


def verification_url(credential: Credential) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("casework:credential-verify", kwargs={"public_id": credential.public_id})
    return public_url(path)


# Building the credential ------------------------------------------------------------------


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    """The Open Badges `Profile` of an issuing organisation."""
    profile: dict[str, Any] = {
        "id": issuer_url(organisation),
        "type": ["Profile"],
        "name": organisation.name,
    }
    if organisation.website:
        profile["url"] = organisation.website
    if organisation.org_number:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": organisation.org_number,
                "identifierType": "ext:organisationsnummer",
            }
        ]
    return profile


@dataclass(frozen=True)
class OutcomeLine:
    """One criterion (or, for a Komvux course without a model, the course) and its result."""

    key: str
    name: str
    description: str
    result: str


def outcome_lines(case: ValidationCase, document_type: str = "") -> list[OutcomeLine]:
    if document_type == DocumentType.BETYG:  # the courses passed at prövning, with the grade
        return [
            OutcomeLine(
                key=f"course-{exam.course_key}",
                name=f"{exam.course_name} ({_('grade')} {exam.grade})",
                description=exam.examiner_name,
                result=CriterionResult.MET.value,
            )
            for exam in case.examinations.exclude(grade="F")
        ]
    matches = list(case.course_matches.all()) if case_is_komvux(case) else []
    if matches:  # a Komvux intyg names the courses or subjects fully and partly matched
        return [
            OutcomeLine(
                key=f"course-{match.course_key}",
                name=match.course_name,
                description="",
                result=(
                    CriterionResult.MET if match.extent == "full" else CriterionResult.PARTLY_MET
                ).value,
            )
            for match in matches
        ]
    summary = case_decision_summary(case)
    if summary.lines:
        return [
            OutcomeLine(
                key=f"criterion-{line.criterion.code}",
                name=f"{line.criterion.code} {line.criterion.title}".strip(),
                description=line.criterion.description,
                result=line.assessment.result
                if line.assessment
                else CriterionResult.NOT_ASSESSED.value,
            )
            for line in summary.lines
        ]
    result = {
        Decision.FULL: CriterionResult.MET,
        Decision.PARTIAL: CriterionResult.PARTLY_MET,
    }.get(Decision(case.decision), CriterionResult.NOT_MET)
    name = case.komvux_course or str(case.occupation or "")
    return [OutcomeLine(key="course", name=name, description="", result=result.value)]


def _target_name(case: ValidationCase) -> str:
    if case.model is not None:
        return case.model.name
    if case.komvux_course:
        return case.komvux_course
    return case.occupation.name_sv if case.occupation else ""


def _alignments(case: ValidationCase) -> list[dict[str, Any]]:
    occupations = list(case.model.occupations.all()) if case.model else []
    if case.occupation is not None and case.occupation not in occupations:
        occupations.append(case.occupation)
    alignments: list[dict[str, Any]] = []
    for occupation in occupations:
        alignments.append(
            {
                "type": ["Alignment"],
                "targetName": occupation.name_sv,
                "targetCode": occupation.code,
                "targetFramework": "SSYK 2012",
                "targetType": "ext:SSYK2012",
                "targetUrl": public_url(
                    reverse("api-v1:occupation-detail", kwargs={"code": occupation.code})
                ),
            }
        )
        esco_uri = getattr(occupation, "esco_uri", "")
        if esco_uri:
            alignments.append(
                {
                    "type": ["Alignment"],
                    "targetName": occupation.name_en or occupation.name_sv,
                    "targetFramework": "ESCO",
                    "targetType": "ext:ESCOOccupation",
                    "targetUrl": esco_uri,
                }
            )
    return alignments


# Open Badges 3.0 has no identity type for a birth date; an extension type is allowed.
BIRTH_DATE_TYPE = "ext:birthDate"


def _identity(value: str, identity_type: str) -> dict[str, Any]:
    return {
        "type": "IdentityObject",
        "hashed": False,
        "identityHash": value,
        "identityType": identity_type,
    }


def holder_birth_date(individual: Individual) -> date | None:
    """The birth date in the person's personnummer or samordningsnummer; None without one."""
    if not individual.personnummer_encrypted:
        return None
    try:
        return parse_personnummer(fieldcrypto.decrypt(individual.personnummer_encrypted)).birth_date
    except PersonnummerError:
        return None


# Every document the demo issues says so, in its title and so on the PDF, the verification
# page and in the signed credential.
DEMO_MARK = "DEMO"


def credential_title(case: ValidationCase, document_type: DocumentType | str) -> str:
    label = DocumentType(document_type).label
    title = f"{label}: {_target_name(case)}"
    return f"{DEMO_MARK} – {title}" if case.is_demo else title


def build_credential(
    *,
    case: ValidationCase,
    public_id: str,
    document_type: DocumentType | str,
    issued_at: datetime,
    status_list: StatusList,
    status_index: int,
    signer_name: str,
    signer_title: str,
) -> dict[str, Any]:
    """The OpenBadgeCredential of a case's outcome, before signing."""
    if case.model is not None:
        achievement_id = public_url(
            reverse("api-v1:model-detail", kwargs={"model_id": case.model.pk})
        )
    else:
        achievement_id = f"{credential_url(public_id)}#achievement"
    lines = outcome_lines(case, document_type)
    met = [line.name for line in lines if line.result == CriterionResult.MET]
    partly = [line.name for line in lines if line.result == CriterionResult.PARTLY_MET]
    narrative = "\n".join(
        [
            _("Assessed against the competence standard of %(target)s.")
            % {"target": _target_name(case)},
            *[f"- {line.name}" for line in lines],
        ]
    )
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": _target_name(case),
        "description": (case.model.summary if case.model and case.model.summary else "")
        or _("Validation of prior learning against %(target)s.") % {"target": _target_name(case)},
        "criteria": {"id": achievement_id, "narrative": narrative},
        "inLanguage": "sv",
        "resultDescription": [
            {
                "id": f"{achievement_id}#{line.key}",
                "type": ["ResultDescription"],
                "name": line.name,
                "resultType": "Result",
                "allowedValue": [choice.value for choice in CriterionResult],
            }
            for line in lines
        ],
    }
    alignments = _alignments(case)
    if alignments:
        achievement["alignment"] = alignments
    individual = case.individual
    holder_name = f"{individual.given_name} {individual.family_name}".strip()
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": achievement,
        "result": [
            {
                "type": ["Result"],
                "resultDescription": f"{achievement_id}#{line.key}",
                "value": line.result,
            }
            for line in lines
        ],
    }
    identifiers: list[dict[str, Any]] = []
    if holder_name:
        # The document names its holder, as the paper intyg does, and gives the birth date (not
        # the personnummer) so a reader can match it with an ID document; nothing more.
        identifiers.append(_identity(holder_name, "name"))
    if birth_date := holder_birth_date(individual):
        identifiers.append(_identity(birth_date.isoformat(), BIRTH_DATE_TYPE))
    if identifiers:
        subject["identifier"] = identifiers
    status_url = status_list_url(status_list)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_url(public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential_title(case, document_type),
        "description": _(
            "%(document)s with the decision “%(decision)s”: %(met)d criteria met, "
            "%(partly)d partly met. Signed by %(signer)s, %(title)s."
        )
        % {
            "document": DocumentType(document_type).label,
            "decision": Decision(case.decision).label,
            "met": len(met),
            "partly": len(partly),
            "signer": signer_name,
            "title": signer_title,
        },
        # A branch model's document in its owner's name (services.document_issued_in_name_of).
        "issuer": issuer_profile(document_issued_in_name_of(case) or case.organisation),
        "validFrom": issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "awardedDate": issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA_ID, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def sign(claims: dict[str, Any], *, key: SigningKey, private_key: Ed25519PrivateKey) -> str:
    """A compact JWS of the credential (VC-JWT): the credential is the payload, with the JWT
    claims Open Badges 3.0 asks for (iss, jti, nbf) beside it."""
    issuer = claims["issuer"]
    payload = {
        **claims,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": claims["id"],
        "nbf": int(datetime.fromisoformat(claims["validFrom"]).timestamp()),
    }
    return jwt.encode(
        payload,
        private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid, "typ": JWT_MEDIA_TYPE},
    )


def enveloped(jws: str) -> dict[str, Any]:
    """The JSON form of a JWT-secured credential (VC Data Model 2.0, §4.13): what a holder
    keeps as a .json file and what the API returns."""
    return {
        "@context": [VC_CONTEXT],
        "id": DATA_URL_PREFIX + jws,
        "type": "EnvelopedVerifiableCredential",
    }


# Status lists -----------------------------------------------------------------------------


def _status_list_for_update(issuer: Organisation) -> StatusList:
    """The issuer's list with free bits, locked so two assessors never take the same index.

    Each list holds the credentials of one issuer only, because its status list credential is
    signed in that issuer's name: a verifier (openbadgeslib, for one) accepts a revocation list
    only from the issuer of the credential it checks. A new list has no credential yet; the one
    issued now, in the same transaction, makes it the issuer's."""
    own = Credential.objects.filter(issuer=issuer).values("status_list")
    others = Credential.objects.exclude(issuer=issuer).values("status_list")
    status_list = (
        StatusList.objects.select_for_update()
        .filter(next_index__lt=F("size"), pk__in=own)
        .exclude(pk__in=others)
        .order_by("pk")
        .first()
    )
    return status_list or StatusList.objects.create()


def status_list_issuer(status_list: StatusList) -> Organisation | None:
    """The organisation whose credentials the list holds; None for an empty list or one from
    before lists were kept per issuer (several issuers on one list)."""
    issuers = list(Organisation.objects.filter(credentials__status_list=status_list).distinct()[:2])
    return issuers[0] if len(issuers) == 1 else None


def encode_bitstring(revoked: set[int], size: int) -> str:
    """Multibase base64url (prefix u) of the GZIP of the bits, index 0 the first byte's most
    significant bit, as the Bitstring Status List specification defines."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + _b64url(gzip.compress(bytes(bits), mtime=0))


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    revoked = set(
        status_list.credentials.filter(revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    url = status_list_url(status_list)
    issuer = status_list_issuer(status_list)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        # The same issuer id as the credentials it revokes (their `issuer.id`).
        "issuer": issuer_url(issuer) if issuer else public_url(reverse("api-v1:credential-keys")),
        "validFrom": timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode_bitstring(revoked, status_list.size),
        },
    }


def status_list_signed(status_list: StatusList) -> str:
    key, private_key = signing_key_current()
    claims = status_list_credential(status_list)
    return sign(claims, key=key, private_key=private_key)


# Issuing and revoking ---------------------------------------------------------------------


def credential_issue(
    *,
    case: ValidationCase,
    actor: User,
    document_type: DocumentType | str,
    signer_name: str,
    signer_title: str,
) -> Credential:
    """Document the case's decision: sign the credential, keep it, and move a case at its
    decision on to 'documented'. Only the organisation's assessors issue."""
    if Role.ASSESSOR not in case_roles(actor, case.organisation):
        raise PermissionDenied(_("Only an assessor of the organisation issues documents."))
    errors: dict[str, str] = {}
    # The track's documents, a betyg after prövning, a Komvux intyg signed by the rektor.
    document_issue_check(case, document_type, signer_title=signer_title)
    if not signer_name.strip():
        errors["signer_name"] = _("Name the person who signs the document.")
    if not signer_title.strip():
        errors["signer_title"] = _("Give the signer's role, for example rektor.")
    if errors:
        raise ValidationError(errors)
    key, private_key = signing_key_current()
    issued_at = timezone.now().replace(microsecond=0)
    # The document is Swedish whatever language the assessor's pages are in.
    with translation.override("sv"), transaction.atomic():
        status_list = _status_list_for_update(case.organisation)
        index = status_list.next_index
        status_list.next_index = index + 1
        status_list.save(update_fields=["next_index", "updated_at"])
        credential = Credential(
            case=case,
            issuer=case.organisation,
            document_type=document_type,
            on_behalf_of=document_issued_in_name_of(case),
            decision=case.decision,
            title=credential_title(case, document_type),
            issued_at=issued_at,
            issued_by=actor,
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            key=key,
            status_list=status_list,
            status_index=index,
            is_demo=case.is_demo,
        )
        claims = build_credential(
            case=case,
            public_id=credential.public_id,
            document_type=document_type,
            issued_at=issued_at,
            status_list=status_list,
            status_index=index,
            signer_name=credential.signer_name,
            signer_title=credential.signer_title,
        )
        credential.payload = claims
        credential.jws = sign(claims, key=key, private_key=private_key)
        credential.full_clean()
        credential.save()
        if case.state == CaseState.DECISION:
            case_transition(
                case=case,
                actor=actor,
                to_state=CaseState.DOCUMENTED,
                expected_version=case.version,
                reason=_("Document issued: %(title)s") % {"title": credential.title},
            )
        access_log_record(
            actor=actor,
            action=AccessAction.CREATE,
            record_type="casework.credential",
            record_ref=case.reference,
            purpose=_("Document issued"),
        )
    return credential


def credential_revoke(*, credential: Credential, actor: User, reason: str) -> Credential:
    """Revoke a document: its bit in the status list is set, and verification fails from now."""
    if Role.ASSESSOR not in case_roles(actor, credential.issuer):
        raise PermissionDenied(_("Only an assessor of the issuing organisation revokes."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the document is revoked.")})
    with transaction.atomic():
        updated = Credential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(),
            revoked_by=actor,
            revocation_reason=reason.strip()[:200],
            updated_at=timezone.now(),
        )
        if not updated:
            raise ValidationError(_("The document is already revoked."), code="already_revoked")
        case_facts_refresh([credential.case_id])  # an update sends no signal
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.credential",
            record_ref=credential.case.reference,
            purpose=_("Document revoked"),
        )
    credential.refresh_from_db()
    return credential


# Verifying --------------------------------------------------------------------------------


@cache
def _schema_validator() -> jsonschema.Draft201909Validator:
    """Read and compiled once per process: every verification page checks the schema."""
    with (SCHEMA_DIR / "achievementcredential.json").open(encoding="utf-8") as handle:
        return jsonschema.Draft201909Validator(json.load(handle))


def schema_errors(claims: dict[str, Any]) -> list[str]:
    validator = _schema_validator()
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(claims)
    ]


@dataclass
class Verification:
    """What checking one credential found. `valid` only when every check passed."""

    signature: bool = False
    schema: bool = False
    known_issuer: bool = False
    revoked: bool | None = None
    problems: list[str] = field(default_factory=list)
    claims: dict[str, Any] | None = None
    credential: Credential | None = None

    @property
    def valid(self) -> bool:
        return self.signature and self.schema and self.known_issuer and self.revoked is False


def jws_from_document(text: str) -> str:
    """The compact JWS inside what a holder has: an EnvelopedVerifiableCredential (.json),
    a JSON string, or the bare JWS."""
    text = text.strip()
    if text.startswith(("{", '"')):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(
                _("The file is not valid JSON: %(error)s") % {"error": error}
            ) from error
        if isinstance(document, str):
            text = document
        elif isinstance(document, dict) and str(document.get("id", "")).startswith(DATA_URL_PREFIX):
            text = str(document["id"]).removeprefix(DATA_URL_PREFIX)
        else:
            raise ValueError(_("The JSON holds no JWT-secured credential."))
    if text.count(".") != 2:
        raise ValueError(_("This is not a signed credential (a compact JWS)."))
    return text


def credential_verify_jws(jws: str) -> Verification:
    """Check a credential's signature (with the key its header names), its Open Badges 3.0
    schema, and its revocation bit, all from this platform's own records."""
    result = Verification()
    try:
        header = jwt.get_unverified_header(jws)
    except jwt.PyJWTError as error:
        result.problems.append(_("The signature cannot be read: %(error)s") % {"error": error})
        return result
    key = SigningKey.objects.filter(kid=str(header.get("kid", ""))).first()
    if key is None or header.get("alg") != "EdDSA":
        result.problems.append(_("The credential is not signed with a key of this platform."))
        return result
    try:
        claims: dict[str, Any] = jwt.decode(
            jws,
            jwt.PyJWK(key.public_jwk).key,
            algorithms=["EdDSA"],
            options={"verify_aud": False, "require": ["iss", "jti", "nbf"]},
        )
    except jwt.PyJWTError as error:
        result.problems.append(_("The signature does not verify: %(error)s") % {"error": error})
        return result
    result.signature = True
    result.claims = claims
    errors = schema_errors(claims)
    result.schema = not errors
    result.problems.extend(
        _("Not a valid Open Badges 3.0 credential: %(error)s") % {"error": error}
        for error in errors[:5]
    )
    credential = Credential.objects.filter(jws=jws).select_related("issuer", "status_list").first()
    result.credential = credential
    result.known_issuer = credential is not None
    if credential is None:
        result.problems.append(_("This platform has no record of issuing the credential."))
        return result
    # The bit is read from the status list credential exactly as an outside verifier reads it.
    status = claims.get("credentialStatus", {})
    encoded = status_list_credential(credential.status_list)["credentialSubject"]["encodedList"]
    try:
        result.revoked = bit_is_set(decode_bitstring(encoded), int(status["statusListIndex"]))
    except (KeyError, ValueError, IndexError):
        result.problems.append(_("The credential's status entry is missing or broken."))
        result.revoked = None
        return result
    if result.revoked:
        result.problems.append(_("The credential has been revoked by its issuer."))
    return result


def credential_verify_stored(credential: Credential) -> Verification:
    return credential_verify_jws(credential.jws)


@dataclass(frozen=True)
class SignedOutcome:
    """What a signed credential says, read back from its claims: the document always matches
    its credential, even if the case's assessments were corrected afterwards."""

    holder: str
    birth_date: str  # YYYY-MM-DD, or "" when the credential carries none
    achievement: str  # what was validated: the model, course or occupation
    results: list[tuple[str, str]]  # (criterion or course, CriterionResult value)

    def named(self, *results: str) -> list[str]:
        return [name for name, value in self.results if value in results]


def signed_outcome(claims: dict[str, Any]) -> SignedOutcome:
    subject = claims.get("credentialSubject", {})
    names = {
        item.get("id"): item.get("name", "")
        for item in subject.get("achievement", {}).get("resultDescription", [])
    }
    identities = {
        item.get("identityType"): str(item.get("identityHash", ""))
        for item in subject.get("identifier", [])
    }
    return SignedOutcome(
        holder=identities.get("name", ""),
        birth_date=identities.get(BIRTH_DATE_TYPE, ""),
        achievement=str(subject.get("achievement", {}).get("name", "")),
        results=[
            (names.get(item.get("resultDescription"), ""), str(item.get("value", "")))
            for item in subject.get("result", [])
        ],
    )
