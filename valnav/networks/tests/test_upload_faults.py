"""A meeting document on a full disk: an error on the file field, no row without its file, and
no partial file left behind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from valnav.core.tests.faults import disk_full_after
from valnav.networks.models import MeetingDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

FULL = (
    "The file could not be saved: the server has no room for it. Nothing was saved; please tell "
    "the administrator."
)


def test_a_document_on_a_full_disk_is_refused_on_the_file_field_and_leaves_nothing(
    communicator, network, meeting, storage
):
    client = Client()
    client.force_login(communicator)
    url = reverse("networks:document-add", kwargs={"slug": network.slug, "pk": meeting.pk})

    with disk_full_after(room=40):  # part of the file fits, then ENOSPC
        response = client.post(
            url, {"title": "Protokoll", "file": SimpleUploadedFile("p.pdf", PDF)}
        )

    assert response.status_code == 400
    with translation.override("sv"):
        message = translation.gettext(FULL)
    assert message in response.content.decode()
    assert not MeetingDocument.objects.exists()
    assert [path for path in storage.rglob("*") if path.is_file()] == []
    assert response.context["document_form"].errors["file"] == [message]
