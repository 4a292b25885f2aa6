"""The document pages: issuing through the form, the PDF, revocation and public verification."""

import io
import re
import subprocess

import pdfplumber
import pytest
import zxingcpp
from django.urls import reverse

from valnav.casework.credentials import credential_issue
from valnav.casework.documents import credential_pdf
from valnav.casework.models import Credential
from valnav.casework.tests.test_credentials import decided, issued  # noqa: F401  (fixtures)
from valnav.core.models import AccessLogEntry
from valnav.lib import fieldcrypto

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


def _boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    # Touching edges (a shared coordinate) is not an overlap.
    return bool(
        a["x0"] < b["x1"]
        and b["x0"] < a["x1"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    )


# The title is at most 200 characters: "Intyg: " and the name of what was validated.
@pytest.mark.parametrize(
    "name",
    [
        "Vård",
        " ".join(["Validering", *["yrkesområdesövergripande"] * 7]),
        "Yrkesområdesövergripandekompetensvalideringsmodellförvuxenutbildningen" * 2,
    ],
)
def test_nothing_on_the_intyg_overlaps_at_any_title_length(
    decided,  # noqa: F811
    personas,
    settings,
    name,
):
    """pdfplumber reads the rendered PDF's words and images: no word lies under the QR code or
    over another word, whether what was validated has a short name or a very long one."""
    settings.VALNAV_PUBLIC_URL = "https://valnav.example.se"
    model = decided.model
    model.name = name
    model.save(update_fields=["name"])
    individual = decided.individual
    individual.family_name = "Testsson-Långnamnsdotter af Exempelstad"
    individual.personnummer_encrypted = fieldcrypto.encrypt("199503232390")
    individual.save(update_fields=["family_name", "personnummer_encrypted"])
    credential = credential_issue(
        case=decided,
        actor=personas["assessor_vasteras_komvux"],
        document_type="intyg",
        signer_name="Rebecka Rektor",
        signer_title="rektor",
    )
    data = credential_pdf(credential)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        (qr,) = page.images
        words = [word for p in pdf.pages for word in p.extract_words() if p is page]
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert qr["x1"] - qr["x0"] == pytest.approx(32 * 72 / 25.4, abs=1)  # 32 mm wide
    under_qr = [word["text"] for word in words if _boxes_overlap(word, qr)]
    assert under_qr == []
    overlapping = [
        (a["text"], b["text"])
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if _boxes_overlap(a, b)
    ]
    assert overlapping == []
    assert all(word["x1"] <= page.width - 20 * 72 / 25.4 + 1 for word in words)  # right margin
    # What was validated is named once, without the document type before it.
    assert text.count("Intyg:") == 0
    assert "1995-03-23" in text  # the birth date …
    assert "199503232390" not in text.replace("-", "")  # … not the personnummer
    assert f"https://valnav.example.se/verifiera/{credential.public_id}/" in text.replace("\n", "")


def test_the_qr_code_and_printed_link_use_the_public_address(decided, personas, settings):  # noqa: F811
    settings.VALNAV_PUBLIC_URL = "http://127.0.0.1:8123"
    credential = credential_issue(
        case=decided,
        actor=personas["assessor_vasteras_komvux"],
        document_type="intyg",
        signer_name="R",
        signer_title="rektor",
    )
    with pdfplumber.open(io.BytesIO(credential_pdf(credential))) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert f"http://127.0.0.1:8123/verifiera/{credential.public_id}/" in text
    assert "127.0.0.1:8000" not in text
    assert credential.payload["id"].startswith("http://127.0.0.1:8123/api/v1/")


def test_the_qr_code_opens_the_verification_page_of_the_issuing_server(
    client,
    decided,  # noqa: F811
    personas,
    settings,
):
    """Read as a phone would: the PDF drawn as an image, its QR code decoded, the address it
    holds on the server that issued the document and answering with the verification page."""
    settings.VALNAV_PUBLIC_URL = "http://127.0.0.1:8123"
    credential = credential_issue(
        case=decided,
        actor=personas["assessor_vasteras_komvux"],
        document_type="intyg",
        signer_name="R",
        signer_title="rektor",
    )
    with pdfplumber.open(io.BytesIO(credential_pdf(credential))) as pdf:
        image = pdf.pages[0].to_image(resolution=150).original
    codes = [code for code in zxingcpp.read_barcodes(image) if code.format.name == "QRCode"]
    assert len(codes) == 1
    address = codes[0].text
    assert address == f"http://127.0.0.1:8123/verifiera/{credential.public_id}/"
    page = client.get(address.removeprefix("http://127.0.0.1:8123"))
    assert page.status_code == 200
    assert credential.public_id in page.content.decode()


def test_the_verification_page_gives_the_birth_date_not_the_number(client, decided, personas):  # noqa: F811
    individual = decided.individual
    individual.personnummer_encrypted = fieldcrypto.encrypt("199503232390")
    individual.save(update_fields=["personnummer_encrypted"])
    credential = credential_issue(
        case=decided,
        actor=personas["assessor_vasteras_komvux"],
        document_type="intyg",
        signer_name="R",
        signer_title="rektor",
    )
    page = client.get(
        reverse("casework:credential-verify", kwargs={"public_id": credential.public_id})
    )
    body = page.content.decode()
    assert "1995-03-23" in body
    assert "199503232390" not in body
    assert "950323-2390" not in body
    assert 'data-demo="true"' not in body  # a real document says nothing of demo data
    assert credential.payload["credentialSubject"]["identifier"][1] == {
        "type": "IdentityObject",
        "hashed": False,
        "identityHash": "1995-03-23",
        "identityType": "ext:birthDate",
    }


def test_a_demo_document_says_demo_on_the_verification_page(client, decided, personas):  # noqa: F811
    decided.is_demo = True
    decided.save(update_fields=["is_demo"])
    credential = credential_issue(
        case=decided,
        actor=personas["assessor_vasteras_komvux"],
        document_type="intyg",
        signer_name="R",
        signer_title="rektor",
    )
    assert credential.title.startswith("DEMO – ")
    page = client.get(
        reverse("casework:credential-verify", kwargs={"public_id": credential.public_id})
    )
    assert 'data-demo="true"' in page.content.decode()
