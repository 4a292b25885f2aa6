"""The event pages end to end through the client: the public list, registration, the
confirmation, the calendar files, cancelling and evaluating by link, and the staff's pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from openpyxl import load_workbook

from valnav.core.models import AccessAction, AccessLogEntry
from valnav.events.models import (
    EvaluationResponse,
    Event,
    EventState,
    Registration,
    RegistrationStatus,
    RegistrationToken,
)
from valnav.events.services import event_create
from valnav.events.tests.factories import EventFactory, RegistrationFactory
from valnav.events.tokens import token_new
from valnav.places.models import County

pytestmark = pytest.mark.django_db


def form_data(**changes: str) -> dict[str, str]:
    return {
        "name": "Anna Andersson",
        "email": "anna@example.org",
        "organisation_name": "Komvux Västerås",
        "organisation_kind": "komvux",
        "county": "",
        "gender": "",
    } | changes


def issue(registration: Registration, purpose: str) -> str:
    token, digest = token_new()
    RegistrationToken.objects.create(registration=registration, purpose=purpose, token_hash=digest)
    return token


def test_the_list_shows_upcoming_first_past_apart_and_no_drafts(client):
    soon = EventFactory(title="Snart", starts_at=timezone.now() + timedelta(days=2))
    later = EventFactory(title="Senare", starts_at=timezone.now() + timedelta(days=20))
    EventFactory(title="Utkast", state=EventState.DRAFT)
    start = timezone.now() - timedelta(days=30)
    EventFactory(
        title="Förbi",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        registration_closes_at=start,
    )
    page = client.get(reverse("events:event-list")).content.decode()
    assert page.index(soon.title) < page.index(later.title)
    assert "Utkast" not in page
    assert "Förbi" not in page
    assert 'rel="alternate" type="text/calendar"' in page
    past = client.get(reverse("events:event-archive")).content.decode()
    assert "Förbi" in past
    assert "Snart" not in past


def test_the_list_filters_by_county_and_target_group(client, reference_data):
    vastmanland = County.objects.get(code="19")
    here = EventFactory(title="I Västmanland", county=vastmanland)
    here.target_groups.create(target_group="employer")
    EventFactory(title="I Örebro", county=County.objects.get(code="18"))
    page = client.get(reverse("events:event-list"), {"county": "19"}).content.decode()
    assert "I Västmanland" in page
    assert "I Örebro" not in page
    page = client.get(reverse("events:event-list"), {"target_group": "employer"}).content.decode()
    assert "I Västmanland" in page
    assert "I Örebro" not in page
    assert client.get(reverse("events:event-list"), {"county": "xx"}).status_code == 200


def test_the_list_is_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(5):
        EventFactory()
    with django_assert_max_num_queries(8):
        client.get(reverse("events:event-list"))


def test_registering_through_the_page(client, mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1, description="# Rubrik\n\n<script>alert(1)</script>")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "1 place left" in page or "1 plats" in page
    assert "<script>alert" not in page  # Markdown is sanitised
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(event.get_absolute_url(), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("events:registration-done", kwargs={"slug": event.slug})
    assert "anna" not in response["Location"]
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert len(mailoutbox) == 1
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert not done.context["waitlisted"]
    # The next one lands on the waiting list and the page says so.
    other = client.post(event.get_absolute_url(), form_data(email="bo@example.org"))
    assert client.get(other["Location"]).context["waitlisted"]


def test_a_registered_address_gets_the_same_answer_as_a_new_one(
    mailoutbox, django_capture_on_commit_callbacks
):
    """No yes/no oracle for strangers: whether an address is already registered shows neither
    in the status, the redirect nor the page; only the e-mail to the address says it."""
    event = EventFactory(capacity=5)
    RegistrationFactory(event=event, email="anna@example.org")

    def answer(email: str) -> tuple[int, str, bytes, bytes]:
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(event.get_absolute_url(), form_data(email=email))
        done = client.get(response["Location"])
        return (
            response.status_code,
            response["Location"],
            response.content,
            re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", done.content),
        )

    assert answer("Anna@example.org") == answer("bo@example.org")
    assert event.registrations.count() == 2
    already, confirmation = mailoutbox
    assert already.to == ["anna@example.org"]  # the address as registered
    assert "It was already registered" in already.body
    assert "https://valnav.example.se/" in already.body  # the link to cancel
    assert confirmation.to == ["bo@example.org"]
    assert "already registered" not in confirmation.body


def test_dietary_or_access_needs_reach_only_the_organisers(client, personas, caplog):
    event = EventFactory()
    needs = "Glutenfri kost och rullstolsplats"
    with caplog.at_level("DEBUG"):
        response = client.post(event.get_absolute_url(), form_data(needs=needs))
    assert response.status_code == 302
    assert "Glutenfri" not in response["Location"]
    assert "Glutenfri" not in caplog.text
    assert Registration.objects.get().needs == needs
    assert "Glutenfri" not in client.get(event.get_absolute_url()).content.decode()
    client.force_login(personas["communicator_vastmanland"])
    page = client.get(reverse("events:registration-list", kwargs={"slug": event.slug}))
    assert needs in page.content.decode()


def test_the_needs_field_has_a_maximum_length_named_on_the_form(client):
    event = EventFactory()
    response = client.post(event.get_absolute_url(), form_data(needs="x" * 501))
    assert response.status_code == 200
    assert "needs" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_registration_errors_name_the_field(client):
    event = EventFactory()
    response = client.post(event.get_absolute_url(), form_data(organisation_kind=""))
    assert "organisation_kind" in response.context["form"].errors
    assert 'href="#id_organisation_kind"' in response.content.decode()


def test_closed_and_draft_events(client):
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    response = client.post(closed.get_absolute_url(), form_data())
    assert response.status_code == 200
    assert not Registration.objects.exists()
    draft = EventFactory(state=EventState.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_calendar_files(client):
    event = EventFactory(title="Webbinarium om validering")
    response = client.get(reverse("events:event-ics", kwargs={"slug": event.slug}))
    assert response["Content-Type"].startswith("text/calendar")
    (component,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(component["SUMMARY"]) == "Webbinarium om validering"
    # The description as plain text: the factory's "Om **validering** …" without its Markdown.
    assert str(component["DESCRIPTION"]) == "Om validering i Östra Mellansverige."
    EventFactory(title="Andra")
    feed = client.get(reverse("events:event-feed"))
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 2


def test_cancel_page_cancels_only_on_post(client, mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    token = issue(registration, "cancel")
    address = reverse("events:registration-cancel", kwargs={"token": token})
    assert client.get(address).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(address)
    assert response.context["just_cancelled"]
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [mail.to for mail in mailoutbox] == [[waiting.email]]
    assert client.get(address).context["done"]
    bad = reverse("events:registration-cancel", kwargs={"token": "nonsense"})
    assert client.get(bad).status_code == 404


def test_evaluation_by_link(client):
    registration = RegistrationFactory(attended=True)
    address = reverse("events:evaluation", kwargs={"token": issue(registration, "evaluate")})
    assert client.get(address).status_code == 200
    response = client.post(address, {"relevance": "5", "knowledge": "9"})
    assert "knowledge" in response.context["form"].errors
    answers = {"relevance": "5", "knowledge": "4", "organisation": "4", "recommend": "5"}
    assert client.post(address, answers).context["answered"]
    assert EvaluationResponse.objects.count() == 1
    client.post(address, answers)
    assert EvaluationResponse.objects.count() == 1


# Staff ------------------------------------------------------------------------------------


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["communicator_vastmanland"])
    return client


def test_staff_create_publish_edit_and_cancel_an_event(staff, reference_data):
    organiser = EventFactory().organiser
    start = (timezone.localtime() + timedelta(days=14)).replace(second=0, microsecond=0)
    data = {
        "title": "Kunskapshöjande insats för arbetsgivare",
        "slug": "",
        "kind": "knowledge_raising",
        "target_groups": ["employer", "decision_maker"],
        "description": "Hur **validering** hjälper vid rekrytering.",
        "organiser": str(organiser.pk),
        "county": str(County.objects.get(code="19").pk),
        "place": "",
        "online_url": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": start.strftime("%Y-%m-%dT%H:%M"),
        "capacity": "30",
    }
    response = staff.post(reverse("events:event-new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "place" in errors
    assert "ends_at" in errors
    ends = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data |= {"place": "Västerås", "ends_at": ends}
    assert staff.post(reverse("events:event-new"), data).status_code == 302
    event = Event.objects.get(title=data["title"])
    assert event.state == EventState.DRAFT
    assert event.starts_at == start
    staff.post(reverse("events:event-publish", kwargs={"slug": event.slug}))
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED
    edit = reverse("events:event-edit", kwargs={"slug": event.slug})
    assert staff.get(edit).status_code == 200
    assert staff.post(edit, data | {"slug": event.slug, "capacity": "40"}).status_code == 302
    event.refresh_from_db()
    assert event.capacity == 40
    staff.post(reverse("events:event-cancel", kwargs={"slug": event.slug}))
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED


def test_staff_see_names_and_mark_attendance_with_and_without_htmx(staff):
    event = EventFactory()
    registration = RegistrationFactory(event=event, name="Anna Andersson")
    page = staff.get(reverse("events:registration-list", kwargs={"slug": event.slug}))
    assert "Anna Andersson" in page.content.decode()
    address = reverse("events:attendance", kwargs={"slug": event.slug, "pk": registration.pk})
    response = staff.post(address, {"attended": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#registration-{registration.pk}")
    registration.refresh_from_db()
    assert registration.attended
    response = staff.post(address, {"attended": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="registration-{registration.pk}"')
    assert 'data-hx-swap-oob="true"' in body
    registration.refresh_from_db()
    assert not registration.attended


def participant_export_rows(response) -> list[list[str]]:
    if response["Content-Type"].startswith("text/csv"):
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[str(cell or "") for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_staff_export_the_participant_list_safely_and_logged(staff, personas, file_format):
    event = EventFactory(capacity=1)
    RegistrationFactory(
        event=event,
        name='=HYPERLINK("http://evil.example")',
        organisation_name="+Komvux",
        email="anna@example.org",
        needs="@vegansk kost",
        attended=True,
    )
    RegistrationFactory(event=event, name="Bo", status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, name="Cia", status=RegistrationStatus.CANCELLED)
    RegistrationFactory(event=EventFactory(), name="Annan Tillställning")
    address = reverse(f"events:participants-{file_format}", kwargs={"slug": event.slug})
    response = staff.get(address, headers={"Accept-Language": "sv"})
    assert response.status_code == 200
    assert f"participants-{event.slug}.{file_format}" in response["Content-Disposition"]
    header, *rows = participant_export_rows(response)
    assert header == ["Namn", "Organisation", "E-postadress", "Status", "Kost eller tillgänglighet"]
    assert rows[0] == [
        '\'=HYPERLINK("http://evil.example")',
        "'+Komvux",
        "anna@example.org",
        "Närvarade",
        "'@vegansk kost",
    ]
    assert [row[3] for row in rows[1:]] == ["Reservlista", "Avbokad"]
    assert len(rows) == 3
    entry = AccessLogEntry.objects.get()
    assert entry.action == AccessAction.EXPORT
    assert entry.actor == personas["communicator_vastmanland"]
    assert entry.record_ref == str(event.pk)
    assert "HYPERLINK" not in entry.purpose


def test_the_participant_list_uses_english_headers_on_english_pages(staff):
    event = EventFactory()
    RegistrationFactory(event=event, status=RegistrationStatus.CONFIRMED)
    with translation.override("en"):
        address = reverse("events:participants-csv", kwargs={"slug": event.slug})
    header, row = participant_export_rows(staff.get(address))
    assert header[0] == "Name"
    assert header[-1] == "Dietary or access needs"
    assert row[3] == "Registered"


def test_names_appear_nowhere_public(client):
    event = EventFactory()
    RegistrationFactory(event=event, name="Hemlig Person", email="hemlig@example.org")
    for address in (event.get_absolute_url(), reverse("events:event-list")):
        body = client.get(address).content.decode()
        assert "Hemlig" not in body
        assert "hemlig@" not in body


def test_evaluation_summary_hides_fewer_than_five(staff):
    event = EventFactory()
    address = reverse("events:evaluation-summary", kwargs={"slug": event.slug})
    for number in range(4):
        EvaluationResponse.objects.create(
            registration=RegistrationFactory.create(event=event, attended=True),
            relevance=5,
            knowledge=4,
            organisation=3,
            recommend=5,
            comment=f"Kommentar {number}",
            token_hash=f"{number:064d}",
        )
    page = staff.get(address).content.decode()
    assert "&lt;5" in page
    assert "Kommentar" not in page
    EvaluationResponse.objects.create(
        registration=RegistrationFactory.create(event=event, attended=True),
        relevance=1,
        knowledge=4,
        organisation=3,
        recommend=5,
        token_hash="9" * 64,
    )
    response = staff.get(address)
    summary = response.context["summary"]
    assert summary.responses == 5
    relevance = summary.items[0]
    assert relevance.mean == pytest.approx(4.2)
    assert dict(relevance.distribution) == {1: "<5", 2: 0, 3: 0, 4: 0, 5: "<5"}
    assert dict(summary.items[1].distribution)[4] == 5
    assert "Kommentar 3" in response.content.decode()


def test_statistics_suppress_small_counts_on_the_page_and_in_csv(staff, reference_data):
    event = EventFactory()
    for _ in range(6):
        RegistrationFactory(event=event, organisation_kind="komvux", gender="woman", attended=True)
    for _ in range(2):
        RegistrationFactory(event=event, organisation_kind="employer", gender="man")
    RegistrationFactory(event=event, organisation_kind="region", status="cancelled")
    response = staff.get(reverse("events:statistics"))
    rows = {(row.dimension, row.value): row for row in response.context["rows"]}
    assert rows[("organisation_kind", "komvux")].registered == 6
    assert rows[("organisation_kind", "komvux")].attended == 6
    assert rows[("organisation_kind", "employer")].registered == "<5"
    assert rows[("organisation_kind", "employer")].attended == 0
    assert ("organisation_kind", "region") not in rows  # cancelled registrations are not counted
    assert rows[("gender", "man")].registered == "<5"
    export = staff.get(reverse("events:statistics-csv"))
    assert export["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    values = [cell for line in lines[1:] for cell in line[2:]]
    assert "<5" in values
    assert "6" in values
    assert not any(value in {"1", "2", "3", "4"} for value in values)


def test_staff_lists_are_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    event = EventFactory()
    for _ in range(5):
        EventFactory()
        RegistrationFactory(event=event)
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("events:manage-list")).status_code == 200
    with django_assert_max_num_queries(12):
        address = reverse("events:registration-list", kwargs={"slug": event.slug})
        assert staff.get(address).status_code == 200


def test_staff_run_only_their_own_organisations_events(client, personas, reference_data):
    """Registrations name people: another organisation's events are out of reach, and no
    event is created in another organisation's name."""
    from valnav.atlas.tests.factories import OrganisationFactory

    foreign = EventFactory(organiser=OrganisationFactory())
    RegistrationFactory(event=foreign, name="Anna Andersson")
    client.force_login(personas["communicator_vastmanland"])
    assert foreign.title not in client.get(reverse("events:manage-list")).content.decode()
    for name in (
        "event-edit",
        "registration-list",
        "evaluation-summary",
        "participants-csv",
        "participants-xlsx",
    ):
        url = reverse(f"events:{name}", kwargs={"slug": foreign.slug})
        assert client.get(url).status_code == 404
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        event_create(
            actor=personas["communicator_vastmanland"],
            title="I någon annans namn",
            kind="seminar",
            organiser=foreign.organiser,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=5,
            registration_closes_at=start,
            place="Västerås",
        )
    assert "organiser" in error.value.message_dict
