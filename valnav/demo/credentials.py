"""Demo documents: intyg issued for decided demo cases, written as their holders receive them.

`seed_credentials` issues a document for up to three decided demo cases that have none, at the
organisations whose assessor persona exists, revokes one of them ("issued in error"), and
writes every demo credential to var/demo/credentials/<case reference>-<document>.json as an
EnvelopedVerifiableCredential (the VC-JWT inside a JSON wrapper), so that
`manage.py credential_verify var/demo/credentials/…json` can be tried on a valid and a revoked
one. Idempotent: a second run issues nothing and rewrites the same files.

Each holder is given a personnummer from Skatteverket's published test numbers
(valnav.demo.identities), and the birth year it carries, so the demo intyg shows a birth date
that belongs to no one. The documents say DEMO (casework.credentials.credential_title).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from valnav.accounts.models import User
from valnav.casework.credentials import (
    DOCUMENTED_DECISIONS,
    ISSUABLE_STATES,
    credential_issue,
    credential_revoke,
    enveloped,
)
from valnav.casework.models import CASE_ROLES, Credential, ValidationCase
from valnav.casework.services import document_types_allowed
from valnav.core.permissions import Role
from valnav.demo.identities import TEST_PERSONNUMMER
from valnav.lib import fieldcrypto
from valnav.lib.personnummer import parse_personnummer

DEMO_DOCUMENTS = 3
OUT_DIR = Path(settings.VAR_DIR) / "demo" / "credentials"


def _give_test_personnummer(case: ValidationCase, position: int) -> None:
    individual = case.individual
    if individual.personnummer_encrypted:
        return
    identity = parse_personnummer(TEST_PERSONNUMMER[position % len(TEST_PERSONNUMMER)])
    individual.personnummer_encrypted = fieldcrypto.encrypt(identity.number)
    individual.personnummer_lookup = fieldcrypto.lookup_hash(identity.number)
    individual.birth_year = identity.birth_date.year
    individual.save(update_fields=["personnummer_encrypted", "personnummer_lookup", "birth_year"])


def _assessor_of(case: ValidationCase) -> User | None:
    return (
        User.objects.filter(
            memberships__organisation=case.organisation,
            memberships__role=Role.ASSESSOR,
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def seed_credentials(out_dir: Path = OUT_DIR) -> int:
    """Issue the demo documents (if not yet issued) and write them out; returns how many were
    issued now."""
    issued = 0
    if not Credential.objects.filter(is_demo=True).exists():
        candidates = (
            ValidationCase.objects.filter(
                is_demo=True,
                state__in=ISSUABLE_STATES,
                decision__in=DOCUMENTED_DECISIONS,
                organisation__memberships__role__in=CASE_ROLES,
            )
            .distinct()
            .order_by("reference")
        )
        made: list[Credential] = []
        for case in candidates:
            assessor = _assessor_of(case)
            if assessor is None:
                continue
            _give_test_personnummer(case, len(made))
            made.append(
                credential_issue(
                    case=case,
                    actor=assessor,
                    document_type=document_types_allowed(case)[0],
                    signer_name="Rebecka Rektor (demo)",
                    signer_title="rektor",
                )
            )
            if len(made) == DEMO_DOCUMENTS:
                break
        if len(made) >= 2:
            credential_revoke(
                credential=made[1], actor=made[1].issued_by, reason="Utfärdat av misstag (demo)"
            )
        issued = len(made)
    out_dir.mkdir(parents=True, exist_ok=True)
    for credential in Credential.objects.filter(is_demo=True).select_related("case"):
        status = "revoked" if credential.revoked_at else "valid"
        path = out_dir / f"{credential.case.reference}-{credential.document_type}-{status}.json"
        path.write_text(json.dumps(enveloped(credential.jws), indent=2) + "\n", encoding="utf-8")
    return issued
