"""GET /api/v1/events: published events only, upcoming first, paginated, places left, and no
personal data."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from valnav.events.models import EventState, RegistrationStatus
from valnav.events.tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit():
    cache.clear()


def test_published_events_upcoming_first_with_places_left(client):
    later = EventFactory(title="Senare", starts_at=timezone.now() + timedelta(days=30), capacity=2)
    soon = EventFactory(title="Snart", starts_at=timezone.now() + timedelta(days=3), capacity=1)
    start = timezone.now() - timedelta(days=10)
    EventFactory(
        title="Förbi",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        registration_closes_at=start,
    )
    EventFactory(title="Utkast", state=EventState.DRAFT)
    EventFactory(title="Inställt", state=EventState.CANCELLED)
    RegistrationFactory(event=soon, name="Hemlig Person", email="hemlig@example.org")
    RegistrationFactory(event=soon, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=later)
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["title"] for item in body["items"]] == ["Snart", "Senare", "Förbi"]
    first = body["items"][0]
    assert first["places_left"] == 0
    assert first["waiting_list"] is True
    assert body["items"][1]["places_left"] == 1
    assert first["url"].endswith(f"/{soon.slug}/")
    # The API answers in English, but links to the page in the site's own language.
    assert "/en/" not in first["url"]
    assert "Hemlig" not in response.content.decode()
    assert "hemlig@" not in response.content.decode()
    page = client.get("/api/v1/events", {"limit": 1, "offset": 1}).json()
    assert [item["title"] for item in page["items"]] == ["Senare"]


def test_the_event_list_is_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        EventFactory()
    with django_assert_max_num_queries(4):
        client.get("/api/v1/events")
