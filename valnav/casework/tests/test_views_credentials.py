"""The document pages: issuing through the form, the PDF, revocation and public verification."""

import re
import subprocess

import pytest
from django.urls import reverse

from valnav.casework.models import Credential
from valnav.casework.tests.test_credentials import decided, issued  # noqa: F401  (fixtures)
from valnav.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def poppler(tool: str, *args: str, data: bytes) -> str:
    """Run a poppler-utils tool (installed with the test dependencies) on a PDF."""
    command = [tool, *args, "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()  # noqa: S603


def pdf_text(data: bytes) -> str:
    return poppler("pdftotext", "-layout", "-", data=data)


def test_an_assessor_issues_the_document_from_the_case(client, personas, decided):  # noqa: F811
    client.force_login(personas["assessor_vasteras_komvux"])
    url = reverse("casework:credential-issue", kwargs={"reference": decided.reference})
    page = client.get(url)
    assert page.status_code == 200
    assert "VO-2 Etik" in page.content.decode()
    answer = client.post(
        url,
        {
            "document_type": "intyg",
            "signer_name": "Rebecka Rektor",
            "signer_title": "rektor",
        },
    )
    credential = Credential.objects.get(case=decided)
    assert answer.status_code == 302
    assert answer["Location"] == reverse(
        "casework:credential-detail",
        kwargs={"reference": decided.reference, "public_id": credential.public_id},
    )
    detail = client.get(answer["Location"]).content.decode()
    assert "Rebecka Rektor" in detail
    assert credential.public_id in detail  # the verification link and QR code


def test_missing_signer_is_named_in_the_form(client, personas, decided):  # noqa: F811
    client.force_login(personas["assessor_vasteras_komvux"])
    url = reverse("casework:credential-issue", kwargs={"reference": decided.reference})
    answer = client.post(url, {"document_type": "intyg", "signer_name": "", "signer_title": "x"})
    assert answer.status_code == 200
    assert 'id="id_signer_name"' in answer.content.decode()
    assert "aria-invalid" in answer.content.decode()
    assert not Credential.objects.exists()


def test_the_pdf_names_criteria_fully_and_partly_met_and_the_signer(client, personas, issued):  # noqa: F811
    client.force_login(personas["assessor_vasteras_komvux"])
    answer = client.get(
        reverse(
            "casework:credential-pdf",
            kwargs={"reference": issued.case.reference, "public_id": issued.public_id},
        )
    )
    assert answer["Content-Type"] == "application/pdf"
    assert issued.case.reference in answer["Content-Disposition"]
    text = pdf_text(answer.content)
    assert "Amina Testsson" in text
    assert "Helt uppfyllda kriterier" in text
    met, partly = text.split("Delvis uppfyllda kriterier", 1)
    assert "VO-1 Omvårdnad" in met
    assert "VO-3 Dokumentation" in met
    assert "VO-2 Etik" in partly
    assert "Rebecka Rektor" in text
    assert issued.public_id in text.replace("\n", "").replace(" ", "")  # the verification link
    assert re.search(r"Tagged:\s+yes", poppler("pdfinfo", data=answer.content))
    meta = poppler("pdfinfo", "-meta", data=answer.content)
    assert "pdfuaid:part" in meta  # declared PDF/UA-1


def test_the_public_verification_page_shows_valid_then_revoked(client, personas, issued):  # noqa: F811
    url = reverse("casework:credential-verify", kwargs={"public_id": issued.public_id})
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-status="valid"' in body
    assert "Amina Testsson" in body
    assert "VO-2 Etik" in body
    assert "Testsson@" not in body
    assert "personnummer" not in body.lower()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert AccessLogEntry.objects.filter(
        record_type="casework.credential", action="view", actor=None
    ).exists()
    assessor = personas["assessor_vasteras_komvux"]
    client.force_login(assessor)
    revoke = reverse(
        "casework:credential-revoke",
        kwargs={"reference": issued.case.reference, "public_id": issued.public_id},
    )
    assert client.post(revoke, {"reason": ""}).status_code == 400
    assert client.post(revoke, {"reason": "Utfärdat av misstag"}).status_code == 302
    client.logout()
    after = client.get(url).content.decode()
    assert 'data-status="revoked"' in after
    issued.refresh_from_db()
    assert issued.revoked_at is not None


def test_another_organisation_gets_404_on_the_document_pages(client, personas, issued):  # noqa: F811
    client.force_login(personas["counsellor_orebro"])
    kwargs = {"reference": issued.case.reference, "public_id": issued.public_id}
    for name in ["casework:credential-detail", "casework:credential-pdf"]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    issue = reverse("casework:credential-issue", kwargs={"reference": issued.case.reference})
    assert client.get(issue).status_code == 404


def test_an_unknown_verification_id_is_404(client):
    assert (
        client.get(reverse("casework:credential-verify", kwargs={"public_id": "nope"})).status_code
        == 404
    )
