"""Documents: issuing and revoking them (the case's own assessor), their PDF, and what is public
— the verification page the QR code leads to and the credential API, both reached by an
unguessable id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.url_access import everyone
from tests.url_access.casework_cases import case_page

if TYPE_CHECKING:
    from valnav.casework.models import Credential

EXPECTED: dict[str, dict[str, int]] = {
    "casework:credential-issue": case_page(),
    "casework:credential-detail": case_page(),
    "casework:credential-pdf": case_page(),
    "casework:credential-revoke": everyone(405),  # POST only
    "casework:credential-verify": everyone(200),
    "api-v1:credential-detail": everyone(200),
    "api-v1:credential-keys": everyone(200),
    "api-v1:credential-status-list": everyone(200),
    "api-v1:credential-issuer": everyone(200),
}


def _sample_credential() -> Credential:
    from django.core.cache import cache

    from valnav.accounts.models import User
    from valnav.casework.credentials import credential_issue
    from valnav.casework.models import Credential, DocumentType, ValidationCase
    from valnav.casework.states import CaseState, Decision

    cache.clear()  # the API's anonymous rate limit
    found = Credential.objects.filter(case__komvux_course="Matrisens intygskurs").first()
    if found is not None:
        return found
    from tests.url_access.casework_cases import _sample_case

    case = _sample_case()
    # A second case of the same person, decided, so the document pages have something to show.
    decided = ValidationCase.objects.create(
        individual=case.individual,
        organisation=case.organisation,
        komvux_course="Matrisens intygskurs",
        first_contact=case.first_contact,
        state=CaseState.DECISION,
        decision=Decision.FULL,
    )
    return credential_issue(
        case=decided,
        actor=User.objects.get(email="assessor_vasteras_komvux@valnav.example"),
        document_type=DocumentType.INTYG,
        signer_name="Rebecka Rektor",
        signer_title="rektor",
    )


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name not in EXPECTED:
        return None
    credential = _sample_credential()
    if name == "api-v1:credential-status-list":
        return {"list_id": credential.status_list.public_id}
    if name == "api-v1:credential-issuer":
        return {"organisation_id": str(credential.issuer_id)}
    if name == "api-v1:credential-keys":
        return {}
    if name.startswith("api-v1:") or name == "casework:credential-verify":
        return {"public_id": credential.public_id}
    if name == "casework:credential-issue":
        return {"reference": credential.case.reference}
    return {"reference": credential.case.reference, "public_id": credential.public_id}


# Only the case's own assessor revokes (an empty reason is refused); the receiver of a
# referral of the person's other case does not see this one.
POST_EXPECTED: dict[str, dict[str, int]] = {"casework:credential-revoke": case_page(own=400)}
