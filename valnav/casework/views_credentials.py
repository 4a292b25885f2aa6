"""Documents of recognition: issuing the intyg and its Open Badges credential, the PDF,
revocation, and the public verification page the QR code leads to."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from valnav.accounts.models import OrganisationKind, User
from valnav.casework.credentials import (
    credential_issue,
    credential_revoke,
    credential_verify_stored,
    enveloped,
    outcome_lines,
    signed_outcome,
    verification_url,
)
from valnav.casework.documents import credential_pdf, qr_svg_data_uri
from valnav.casework.models import Credential, CriterionResult, DocumentType, ValidationCase
from valnav.casework.selectors import case_for, case_leads_to_protected_title
from valnav.casework.services import case_roles, document_issuable, document_types_allowed
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.models import AccessAction
from valnav.core.permissions import Perm, Role
from valnav.core.services import access_log_record


def _own_case(request: HttpRequest, reference: str) -> ValidationCase:
    """A case the user sees in full (their own organisation's); 404 for everyone else, so a
    reference tells an outsider nothing."""
    access = case_for(user=member(request), reference=reference)
    if not access.full:
        raise Http404
    return access.case


def _log(
    request: HttpRequest, credential: Credential, action: AccessAction, purpose: str | Promise
) -> None:
    """A document names its holder: every showing of it goes to the access log (anonymous
    visitors of the verification page without an actor)."""
    access_log_record(
        actor=request.user if isinstance(request.user, User) else None,
        action=action,
        record_type="casework.credential",
        record_ref=credential.case.reference,
        purpose=str(purpose),
    )


def _is_assessor(user: User, case: ValidationCase) -> bool:
    return Role.ASSESSOR in case_roles(user, case.organisation)


class IssueForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"), choices=DocumentType.choices)
    signer_name = forms.CharField(
        label=_("Signed by"),
        max_length=120,
        help_text=_("The person responsible for the decision, e.g. the principal (rektor)."),
    )
    signer_title = forms.CharField(label=_("Signer's role"), max_length=120)


@require_perm(Perm.HANDLE_CASES)
def credential_issue_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not _is_assessor(member(request), case):
        raise PermissionDenied
    komvux = case.organisation.kind == OrganisationKind.MUNICIPALITY
    # Only the documents the case's track issues now (a betyg after a passed prövning).
    allowed = document_types_allowed(case)
    form = IssueForm(
        request.POST or None,
        initial={
            "document_type": allowed[0],
            "signer_title": _("rektor") if komvux else "",
        },
    )
    form.fields["document_type"].choices = [(choice.value, choice.label) for choice in allowed]  # type: ignore[attr-defined]
    problem = ""
    if not document_issuable(case):
        problem = str(_("A document is issued after a decision of full or partial recognition."))
    elif request.method == "POST" and form.is_valid():
        try:
            credential = credential_issue(
                case=case,
                actor=member(request),
                document_type=form.cleaned_data["document_type"],
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(
                "casework:credential-detail",
                reference=case.reference,
                public_id=credential.public_id,
            )
    lines = outcome_lines(case, str(form["document_type"].value() or ""))
    return render(
        request,
        "casework/credential_issue.html",
        {
            "case": case,
            "form": form,
            "problem": problem,
            "met": [line for line in lines if line.result == CriterionResult.MET],
            "partly": [line for line in lines if line.result == CriterionResult.PARTLY_MET],
            "protected_title": case_leads_to_protected_title(case),
        },
    )


def _case_credential(request: HttpRequest, reference: str, public_id: str) -> Credential:
    case = _own_case(request, reference)
    return get_object_or_404(
        Credential.objects.select_related("case", "issuer", "issued_by", "revoked_by"),
        case=case,
        public_id=public_id,
    )


@require_perm(Perm.HANDLE_CASES)
def credential_detail(request: HttpRequest, reference: str, public_id: str) -> HttpResponse:
    credential = _case_credential(request, reference, public_id)
    _log(request, credential, AccessAction.VIEW, _("Document viewed"))
    return render(request, "casework/credential_detail.html", _detail_context(request, credential))


def _detail_context(request: HttpRequest, credential: Credential) -> dict[str, object]:
    link = verification_url(credential)
    return {
        "credential": credential,
        "case": credential.case,
        "verification_link": link,
        "qr": qr_svg_data_uri(link),
        "verification": credential_verify_stored(credential),
        "holder_json": json.dumps(enveloped(credential.jws), indent=2),
        "can_revoke": credential.revoked_at is None
        and _is_assessor(member(request), credential.case),
        "revoke_form": RevokeForm(),
    }


@require_perm(Perm.HANDLE_CASES)
def credential_pdf_view(request: HttpRequest, reference: str, public_id: str) -> HttpResponse:
    credential = _case_credential(request, reference, public_id)
    _log(request, credential, AccessAction.EXPORT, _("Document printed as PDF"))
    response = HttpResponse(credential_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{credential.document_type}-{credential.case.reference}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why is the document revoked?"), max_length=200)


@require_POST
@require_perm(Perm.HANDLE_CASES)
def credential_revoke_view(request: HttpRequest, reference: str, public_id: str) -> HttpResponse:
    credential = _case_credential(request, reference, public_id)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            credential_revoke(
                credential=credential, actor=member(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("casework:credential-detail", reference=reference, public_id=public_id)
    context = _detail_context(request, credential) | {"revoke_form": form}
    return render(request, "casework/credential_detail.html", context, status=400)


def credential_verify_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """Public: anyone holding the link (the QR code) sees whether the document is genuine and
    valid, and no more than the document itself shows."""
    credential = get_object_or_404(
        Credential.objects.select_related("issuer", "case"), public_id=public_id
    )
    verification = credential_verify_stored(credential)
    _log(request, credential, AccessAction.VIEW, _("Document verified on the public page"))
    outcome = signed_outcome(verification.claims or credential.payload)
    response = render(
        request,
        "casework/credential_verify.html",
        {
            "credential": credential,
            "verification": verification,
            "holder": outcome.holder,
            "birth_date": outcome.birth_date,
            "met": outcome.named(CriterionResult.MET),
            "partly": outcome.named(CriterionResult.PARTLY_MET),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path(
        _("cases/<str:reference>/documents/new/"),
        credential_issue_view,
        name="credential-issue",
    ),
    path(
        _("cases/<str:reference>/documents/<str:public_id>/"),
        credential_detail,
        name="credential-detail",
    ),
    path(
        _("cases/<str:reference>/documents/<str:public_id>/intyg.pdf"),
        credential_pdf_view,
        name="credential-pdf",
    ),
    path(
        _("cases/<str:reference>/documents/<str:public_id>/revoke/"),
        credential_revoke_view,
        name="credential-revoke",
    ),
    path(_("verify/<str:public_id>/"), credential_verify_view, name="credential-verify"),
]
