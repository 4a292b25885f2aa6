"""The daily commands are thin wrappers over the services (tested in test_services)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from valnav.events.tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def run(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_commands_report_what_they_did(mailoutbox, django_capture_on_commit_callbacks):
    RegistrationFactory(event=EventFactory(starts_at=timezone.now() + timedelta(hours=30)))
    with django_capture_on_commit_callbacks(execute=True):
        assert "queued: 1" in run("send_event_reminders")
    assert len(mailoutbox) == 1
    assert "queued: 0" in run("send_evaluation_invitations")
    assert "purged: 0" in run("purge_event_registrations")
