"""Fixtures of the network tests: a private network convened by Region Västmanland with Komvux
Västerås as a member, one meeting, and documents stored in a temporary directory."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.accounts.personas import demo_organisation
from valnav.networks.models import MeetingDocument, NetworkKind
from valnav.networks.services import meeting_create, membership_add, network_create

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def storage(tmp_path, monkeypatch):
    """Meeting documents go to a temporary directory instead of the media root."""
    field = MeetingDocument._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path))
    return tmp_path


@pytest.fixture
def region(personas):
    return demo_organisation("region-vastmanland")


@pytest.fixture
def komvux(personas):
    return Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")


@pytest.fixture
def communicator(personas):
    return personas["communicator_vastmanland"]


@pytest.fixture
def network(communicator, region, komvux):
    network = network_create(
        actor=communicator,
        name="Komvux-nätverket",
        kind=NetworkKind.KOMVUX_VALIDATION,
        convenor=region,
        purpose="Erfarenhetsutbyte",
    )
    membership_add(actor=communicator, network=network, organisation=region, role="chair")
    membership_add(actor=communicator, network=network, organisation=komvux)
    return network


@pytest.fixture
def meeting(communicator, network, region, komvux):
    return meeting_create(
        actor=communicator,
        network=network,
        title="Vårmöte",
        starts_at=timezone.now() - timedelta(days=3),
        place="Västerås",
        agenda="1. Inledning",
        minutes="Vi beslutade att **pröva** mallen.",
        participants=[region, komvux],
    )
