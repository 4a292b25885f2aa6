"""An evidence file on a full disk: the person gets an error on the file field (not a server
error), no row refers to a file that is not there, and no partial file is left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from valnav.casework.models import EvidenceFile
from valnav.core.models import AccessLogEntry
from valnav.core.tests.faults import disk_full_after

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" * 50
FULL = (
    "The file could not be saved: the server has no room for it. Nothing was saved; please tell "
    "the administrator."
)


@pytest.fixture
def storage(tmp_path, monkeypatch):
    """Evidence goes to a temporary directory instead of var/private."""
    field = EvidenceFile._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_evidence_on_a_full_disk_is_refused_on_the_file_field_and_leaves_nothing(
    case, personas, storage
):
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    url = reverse("casework:evidence-add", kwargs={"reference": case.reference})

    with disk_full_after(room=1000):  # the first 1000 bytes fit, then ENOSPC
        response = client.post(url, {"file": SimpleUploadedFile("intyg.pdf", PDF)})

    assert response.status_code == 400
    with translation.override("sv"):
        message = translation.gettext(FULL)
    assert response.context["evidence_form"].errors["file"] == [message]
    assert message in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not AccessLogEntry.objects.filter(record_type="casework.evidencefile").exists()
    assert stored_files(storage) == []

    # Room again: the same file is stored, and its row refers to it.
    response = client.post(url, {"file": SimpleUploadedFile("intyg.pdf", PDF)})
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert stored_files(storage) == [storage / evidence.file.name]
    assert (storage / evidence.file.name).read_bytes() == PDF
