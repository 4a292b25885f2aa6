"""Events as iCalendar (RFC 5545): one event as an e-mail attachment or a download, and a feed
of all upcoming events. The UID is stable per event, so a calendar that imported it once
updates the same entry when the event changes or is cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from valnav.core.http import public_url
from valnav.core.markdown import markdown_to_text
from valnav.events.models import Event, EventState

CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def event_uid(event: Event) -> str:
    host = urlsplit(settings.VALNAV_PUBLIC_URL).hostname or "valnav"
    return f"event-{event.pk}@{host}"


def _component(event: Event) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", event_uid(event))
    component.add("dtstamp", timezone.now())
    component.add("last-modified", event.updated_at)
    component.add("dtstart", event.starts_at)
    component.add("dtend", event.ends_at)
    component.add("summary", event.title)
    # Calendars show plain text: the Markdown as text, without its ** and [](…).
    component.add("description", markdown_to_text(event.description))
    location = event.place or event.online_url
    if location:
        component.add("location", location)
    component.add("url", public_url(event.get_absolute_url()))
    component.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
    # Calendars take the entry with the highest SEQUENCE as current: minutes since 2020 grow
    # with every change and fit iCalendar's 32-bit integer for millennia.
    component.add("sequence", int((event.updated_at - SEQUENCE_EPOCH).total_seconds() // 60))
    return component


def calendar_for(events: Iterable[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Valnav//Events//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    # X-WR-CALNAME is not escaped by the library: a line break must not reach it.
    calendar.add("x-wr-calname", " ".join(name.split()))
    for event in events:
        calendar.add_component(_component(event))
    return bytes(calendar.to_ical())
