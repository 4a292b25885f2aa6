"""Evidence files: the type is recognised from the content, the size is limited, no file is
left without its row, and downloads are attachments that only the case's readers get."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from valnav.casework import services
from valnav.casework.models import EvidenceFile, ReferralShare
from valnav.casework.services import evidence_add, referral_send
from valnav.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def storage(tmp_path, monkeypatch):
    """Evidence goes to a temporary directory instead of var/private."""
    field = EvidenceFile._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload_url(case) -> str:
    return reverse("casework:evidence-add", kwargs={"reference": case.reference})


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sv(message: str) -> str:
    with translation.override("sv"):
        return translation.gettext(message)


def test_a_pdf_is_stored_under_a_random_name_with_its_hash(case, personas, storage):
    assessor = personas["assessor_vasteras_komvux"]
    response = client_for(assessor).post(
        upload_url(case),
        {
            "file": SimpleUploadedFile("Amina Testsson intyg.pdf", PDF, "application/pdf"),
            "description": "Arbetsgivarintyg",
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get(case=case)
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.original_name == "Amina Testsson intyg.pdf"
    [path] = stored_files(storage)
    assert path.read_bytes() == PDF
    assert "Amina" not in str(path)
    assert AccessLogEntry.objects.filter(
        action="create", record_type="casework.evidencefile", record_ref=case.reference
    ).exists()


def test_the_content_decides_the_type_not_the_name(case, personas, storage):
    """A PNG named .pdf is stored as the PNG it is, and offered back as .png."""
    assessor = personas["assessor_vasteras_komvux"]
    client_for(assessor).post(
        upload_url(case), {"file": SimpleUploadedFile("foto.pdf", PNG, "application/pdf")}
    )
    evidence = EvidenceFile.objects.get(case=case)
    assert evidence.content_type == "image/png"
    assert evidence.original_name == "foto.png"


def test_office_documents_are_recognised(case, personas, storage):
    evidence = evidence_add(
        case=case,
        actor=personas["assessor_vasteras_komvux"],
        upload=SimpleUploadedFile("cv.bin", docx()),
    )
    assert evidence.content_type.endswith("wordprocessingml.document")
    assert evidence.original_name == "cv.docx"


@pytest.mark.parametrize(
    ("name", "content"), [("intyg.pdf", HTML), ("intyg.pdf", EXE), ("program.exe", EXE)]
)
def test_html_or_a_program_under_any_name_is_refused(case, personas, storage, name, content):
    response = client_for(personas["assessor_vasteras_komvux"]).post(
        upload_url(case),
        {"file": SimpleUploadedFile(name, content, "application/pdf"), "description": "X"},
    )
    assert response.status_code == 400
    form = response.context["evidence_form"]
    assert list(form.errors) == ["file"]
    assert form["description"].value() == "X"
    assert 'href="#id_file"' in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(storage) == []


def test_a_file_over_the_limit_is_refused_with_the_limit(case, personas, storage, settings):
    settings.VALNAV_EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    big = PDF + b"0" * (3 * 1024 * 1024)
    response = client_for(personas["assessor_vasteras_komvux"]).post(
        upload_url(case), {"file": SimpleUploadedFile("stor.pdf", big)}
    )
    assert response.status_code == 400
    [message] = response.context["evidence_form"].errors["file"]
    with translation.override("sv"):
        expected = translation.gettext(
            "The file is %(size)s MB; at most %(limit)s MB is allowed."
        ) % {"size": "3", "limit": "2"}
    assert message == expected
    assert stored_files(storage) == []


def test_no_file_is_left_when_the_database_write_fails(case, personas, storage, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "access_log_record", broken)
    with pytest.raises(DatabaseError):
        evidence_add(
            case=case,
            actor=personas["assessor_vasteras_komvux"],
            upload=SimpleUploadedFile("intyg.pdf", PDF),
        )
    assert not EvidenceFile.objects.exists()
    assert stored_files(storage) == []


def test_only_the_cases_organisation_adds_evidence(case, personas, storage):
    response = client_for(personas["counsellor_orebro"]).post(
        upload_url(case), {"file": SimpleUploadedFile("intyg.pdf", PDF)}
    )
    assert response.status_code == 404
    assert stored_files(storage) == []


@pytest.fixture
def evidence(case, personas, storage):
    return evidence_add(
        case=case,
        actor=personas["assessor_vasteras_komvux"],
        upload=SimpleUploadedFile("intyg.pdf", PDF),
    )


def download_url(evidence) -> str:
    return reverse(
        "casework:evidence-file",
        kwargs={"reference": evidence.case.reference, "pk": evidence.pk},
    )


def test_a_download_is_an_attachment_of_the_stored_type_and_logged(evidence, personas):
    response = client_for(personas["assessor_vasteras_komvux"]).get(download_url(evidence))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="intyg.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AccessLogEntry.objects.get(action="view", record_type="casework.evidencefile")
    assert entry.record_ref == evidence.case.reference
    assert entry.purpose == sv("Evidence file opened")


def test_another_organisation_cannot_download(evidence, personas):
    assert client_for(personas["counsellor_orebro"]).get(download_url(evidence)).status_code == 404


@pytest.mark.parametrize(
    ("shares", "status"), [([ReferralShare.TARGET], 404), ([ReferralShare.CRITERIA], 200)]
)
def test_a_receiver_gets_evidence_only_when_criteria_are_shared(evidence, personas, shares, status):
    counsellor = personas["counsellor_orebro"]
    referral_send(
        case=evidence.case,
        actor=personas["assessor_vasteras_komvux"],
        to_organisation=counsellor.memberships.get().organisation,
        shares=shares,
        consent_how="Skriftligt samtycke",
    )
    client = client_for(counsellor)
    assert client.get(download_url(evidence)).status_code == status
    page = client.get(
        reverse("casework:case-detail", kwargs={"reference": evidence.case.reference})
    )
    assert (download_url(evidence) in page.content.decode()) == (status == 200)
