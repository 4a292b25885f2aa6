"""Verifiable credentials: the signed Open Badges 3.0 credential of an intyg, the status list
that revokes it, the issuer's profile and the public keys. All public: a credential's id is
unguessable, and what it holds is what its holder chose to show."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from valnav.accounts.models import Organisation
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import ObjectId
from valnav.casework.credentials import (
    JWT_MEDIA_TYPE,
    enveloped,
    issuer_profile,
    public_keys,
    status_list_signed,
)
from valnav.casework.models import Credential, StatusList

router = Router(tags=["credentials"])


class Message(Schema):
    detail: str


def _answer(request: HttpRequest, jws: str) -> HttpResponse | dict[str, Any]:
    """The bare VC-JWT for clients that ask for application/vc+jwt, else its JSON envelope."""
    if f"application/{JWT_MEDIA_TYPE}" in request.headers.get("Accept", ""):
        return HttpResponse(jws, content_type=f"application/{JWT_MEDIA_TYPE}")
    return enveloped(jws)


@router.get(
    "/credentials/keys",
    response=dict[str, Any],
    url_name="credential-keys",
    summary="The public keys (JWK Set) credentials are signed with",
)
def credential_keys(request: HttpRequest) -> dict[str, Any]:
    return public_keys()


@router.get(
    "/credentials/status/{list_id}",
    response={404: Message, 422: FieldErrors},
    url_name="credential-status-list",
    summary="A signed Bitstring Status List: the bit of a revoked credential is set",
    description=(
        "A BitstringStatusListCredential (W3C Bitstring Status List v1.0) as a VC-JWT, signed "
        "in the name of the issuer of the credentials it holds: what a credential's "
        "`credentialStatus.statusListCredential` points at, so always the bare JWT."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "The status list credential as a compact JWS",
                "content": {f"application/{JWT_MEDIA_TYPE}": {"schema": {"type": "string"}}},
            }
        }
    },
)
def credential_status_list(request: HttpRequest, list_id: str) -> HttpResponse:
    # Verifiers fetch it without an Accept header and expect the credential itself, not the
    # JSON envelope a holder keeps (openbadgeslib reads no envelope).
    status_list = get_object_or_404(StatusList, public_id=list_id)
    return HttpResponse(
        status_list_signed(status_list), content_type=f"application/{JWT_MEDIA_TYPE}"
    )


@router.get(
    "/credentials/issuers/{organisation_id}",
    response={200: dict[str, Any], 404: Message, 422: FieldErrors},
    url_name="credential-issuer",
    summary="The Open Badges issuer profile of an organisation that has issued credentials",
)
def credential_issuer(request: HttpRequest, organisation_id: ObjectId) -> dict[str, Any]:
    # Also a branch model's owner, in whose name the test centres issue its documents.
    issuers = Organisation.objects.filter(
        Q(credentials__isnull=False) | Q(credentials_in_own_name__isnull=False)
    ).distinct()
    return issuer_profile(get_object_or_404(issuers, pk=organisation_id))


@router.get(
    "/credentials/{public_id}",
    response={200: dict[str, Any], 404: Message, 422: FieldErrors},
    url_name="credential-detail",
    summary="A signed OpenBadgeCredential (VC-JWT, EdDSA) by its unguessable id",
    description=(
        "Returns an EnvelopedVerifiableCredential whose id is a data: URL of the VC-JWT; send "
        "`Accept: application/vc+jwt` for the bare JWT. A revoked credential is still returned: "
        "its revocation is in the status list it names."
    ),
)
def credential_detail(request: HttpRequest, public_id: str) -> HttpResponse | dict[str, Any]:
    credential = get_object_or_404(Credential.objects.only("jws"), public_id=public_id)
    return _answer(request, credential.jws)
