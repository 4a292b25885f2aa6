"""Demo dates a reader would believe: events on working days (no weekend, public holiday or
mellandagar), the seed project's events and material within its period, events still to come."""

from datetime import date

import pytest
from django.utils import timezone

from valnav.demo.dates import is_working_day, swedish_holidays
from valnav.demo.events import seed_events
from valnav.demo.outreach import demo_outreach_seed
from valnav.events.models import Event
from valnav.outreach.models import Material

pytestmark = pytest.mark.django_db


def test_swedish_holidays_and_mellandagar_are_no_working_days():
    assert {date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 9), date(2024, 6, 21)} <= (
        swedish_holidays(2024)
    )
    assert not is_working_day(date(2023, 12, 27))  # a Wednesday in the mellandagar
    assert not is_working_day(date(2024, 11, 10))  # a Sunday
    assert is_working_day(date(2024, 11, 12))


def test_demo_events_fall_on_working_days_in_and_after_the_project(personas):
    seed_events()
    days = [timezone.localtime(event.starts_at).date() for event in Event.objects.all()]
    assert all(is_working_day(day) for day in days)
    assert sum(date(2022, 11, 1) <= day <= date(2024, 11, 30) for day in days) >= 5
    assert sum(day > timezone.localdate() for day in days) == 5


def test_demo_material_is_published_over_the_project_and_after(personas):
    demo_outreach_seed()
    days = [timezone.localtime(m.published_at).date() for m in Material.objects.all()]
    assert all(is_working_day(day) for day in days)
    assert sum(day <= date(2024, 11, 30) for day in days) >= 5
    assert max(days) < timezone.localdate()
