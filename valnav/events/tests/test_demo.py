"""Demo events: five upcoming across the counties, one full with a waiting list, seven past
(three weeks ago and the seed project's six) with attendance and evaluations; a second run
creates nothing and no demo person gets e-mail."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from valnav.demo.events import seed_events
from valnav.events.models import EvaluationResponse, Event, Registration, RegistrationStatus
from valnav.events.selectors import evaluation_summary

pytestmark = pytest.mark.django_db


def test_demo_events_are_seeded_once_and_never_mailed(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    assert seed_events() == 12
    assert seed_events() == 0
    events = Event.objects.filter(is_demo=True)
    upcoming = events.filter(starts_at__gt=timezone.now())
    assert upcoming.count() == 5
    assert len({event.county_id for event in upcoming}) == 5
    assert any(
        event.places_left == 0
        and event.registrations.filter(status=RegistrationStatus.WAITLISTED).exists()
        for event in upcoming
    )
    past = events.filter(ends_at__lt=timezone.now())
    assert past.count() == 7
    for event in past:
        assert event.registrations.filter(attended=True).count() >= 5
        assert evaluation_summary(event).enough
    assert EvaluationResponse.objects.count() >= 5
    assert all(
        email.endswith("@example.org")
        for email in Registration.objects.values_list("email", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_evaluation_invitations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert mailoutbox == []
