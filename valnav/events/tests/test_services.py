"""The event services: places and the waiting list, cancellation by link, attendance,
evaluations, cancelling an event, scheduled e-mails and retention."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from icalendar import Calendar

from valnav.events.emails import email_send_now, registration_email_send
from valnav.events.models import (
    EvaluationResponse,
    Event,
    EventState,
    ParticipantOrganisationKind,
    Registration,
    RegistrationStatus,
    RegistrationToken,
    TokenPurpose,
)
from valnav.events.services import (
    RegistrationReceived,
    attendance_mark,
    evaluation_invitations_send,
    evaluation_submit,
    event_cancel,
    event_create,
    event_publish,
    event_reminders_send,
    event_update,
    registration_cancel,
    registration_create,
    registrations_purge,
)
from valnav.events.tests.factories import EventFactory, RegistrationFactory
from valnav.events.tokens import token_hash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages below are matched in the source language."""
    with translation.override("en"):
        yield


def register(event: Event, email: str, **extra: object) -> Registration:
    return receive(event, email, **extra).registration


def receive(event: Event, email: str, **extra: object) -> RegistrationReceived:
    return registration_create(
        event=event,
        name=extra.pop("name", "Anna Andersson"),
        email=email,
        organisation_name="Komvux Västerås",
        organisation_kind=ParticipantOrganisationKind.KOMVUX,
        **extra,
    )


def link_token(mail, marker: str = "/") -> str:
    """The token of the first no-login link in an e-mail's body."""
    for line in mail.body.splitlines():
        if line.startswith("https://valnav.example.se/") and marker in line:
            return str(line.rstrip("/").rsplit("/", 1)[-1])
    raise AssertionError("no link in the e-mail")


def test_places_then_waiting_list_each_with_its_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = register(event, "anna@example.org")
        second = register(event, "bo@example.org")
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITLISTED
    assert [mail.to for mail in mailoutbox] == [["anna@example.org"], ["bo@example.org"]]
    confirmation, waitlist = mailoutbox
    assert len(confirmation.attachments) == 1
    assert not waitlist.attachments
    # Swedish first, English below, each with the no-login link.
    assert confirmation.body.count("https://valnav.example.se/") >= 4
    assert "----" in confirmation.body


def test_confirmation_carries_the_event_as_icalendar(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Validering för arbetsgivare")
    with django_capture_on_commit_callbacks(execute=True):
        register(event, "anna@example.org")
    attachment = mailoutbox[0].attachments[0]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == f"{event.slug}.ics"
    content = attachment.get_payload(decode=True)
    assert b"\r\nSUMMARY:" in content  # RFC 5545 line ends survive
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (component,) = calendar.walk("VEVENT")
    assert str(component["SUMMARY"]) == "Validering för arbetsgivare"
    assert component.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert str(component["UID"]) == f"event-{event.pk}@valnav.example.se"


def test_registration_is_refused_after_closing_for_cancelled_events_and_drafts():
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="Registration closed"):
        register(closed, "anna@example.org")
    with pytest.raises(ValidationError, match="cancelled"):
        register(EventFactory(state=EventState.CANCELLED), "anna@example.org")
    with pytest.raises(ValidationError, match="not open"):
        register(EventFactory(state=EventState.DRAFT), "anna@example.org")
    assert not Registration.objects.exists()


def test_the_same_email_twice_is_answered_as_new_and_the_email_says_it_is_already_registered(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = receive(event, "anna@example.org")
        again = receive(event, "Anna@Example.org", name="Someone Else")
    assert (first.waitlisted, first.already_registered) == (False, False)
    # What a new address would be told now (the one place is taken), not that it is known.
    assert (again.waitlisted, again.already_registered) == (True, True)
    assert again.registration == first.registration
    assert Registration.objects.get().name == "Anna Andersson"  # nothing changed
    _confirmation, already = mailoutbox
    assert already.to == ["anna@example.org"]
    assert "already registered" in already.subject
    assert "It was already registered, so nothing has changed." in already.body
    assert "You have a place." in already.body
    token = link_token(already, "/")
    assert registration_cancel(token=token).status == RegistrationStatus.CANCELLED
    receive(EventFactory(), "anna@example.org")  # another event is fine


def test_the_already_registered_email_goes_at_most_once_in_a_while(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    register(event, "anna@example.org")
    waiting = register(event, "bo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            receive(event, "bo@example.org")
    assert len(mailoutbox) == 1
    assert "You are on the waiting list." in mailoutbox[0].body
    Registration.objects.filter(pk=waiting.pk).update(
        already_registered_sent_at=timezone.now() - timedelta(minutes=16)
    )
    with django_capture_on_commit_callbacks(execute=True):
        receive(event, "bo@example.org")
    assert len(mailoutbox) == 2


def test_bad_input_names_the_field():
    with pytest.raises(ValidationError) as refused:
        register(EventFactory(), "not-an-address")
    assert "email" in refused.value.message_dict


def test_cancelling_by_link_promotes_the_first_on_the_waiting_list(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        register(event, "anna@example.org")
        first_waiting = register(event, "bo@example.org")
        register(event, "cecilia@example.org")
    token = link_token(mailoutbox[0])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = registration_cancel(token=token)
    assert cancelled.status == RegistrationStatus.CANCELLED
    first_waiting.refresh_from_db()
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    statuses = dict(event.registrations.values_list("email", "status"))
    assert statuses["cecilia@example.org"] == RegistrationStatus.WAITLISTED
    assert [mail.to for mail in mailoutbox] == [["bo@example.org"]]
    assert mailoutbox[0].attachments  # the promoted person gets the calendar too
    with pytest.raises(ValidationError, match="already cancelled"):
        registration_cancel(token=token)
    with pytest.raises(ValidationError, match="not valid"):
        registration_cancel(token="made-up")


def test_tokens_are_stored_hashed_and_urls_carry_no_personal_data(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(EventFactory(), "anna@example.org", name="Anna Andersson")
    token = link_token(mailoutbox[0])
    stored = RegistrationToken.objects.get()
    assert stored.token_hash == token_hash(token) != token
    links = [line for line in mailoutbox[0].body.splitlines() if "https://" in line]
    assert not any("anna" in link.lower() for link in links)


def test_an_email_task_run_twice_sends_once(mailoutbox):
    registration = RegistrationFactory()
    assert email_send_now(registration_id=registration.pk, kind="confirmation") is True
    assert email_send_now(registration_id=registration.pk, kind="confirmation") is False
    registration_email_send.enqueue(registration_id=registration.pk, kind="confirmation")
    assert len(mailoutbox) == 1
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is not None


def test_an_email_that_fails_leaves_the_stamp_for_the_next_try(mailoutbox, monkeypatch):
    registration = RegistrationFactory()

    def refuse(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(OSError, match="mail server down"):
        email_send_now(registration_id=registration.pk, kind="confirmation")
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is None
    assert not RegistrationToken.objects.exists()
    monkeypatch.undo()
    assert email_send_now(registration_id=registration.pk, kind="confirmation") is True


def test_emails_are_not_logged(caplog, mailoutbox, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        register(EventFactory(), "anna.secret@example.org", name="Anna Hemlig")
    assert mailoutbox
    assert "anna.secret" not in caplog.text
    assert "Hemlig" not in caplog.text


def _register_waiting_for_the_lock(event: Event, email: str) -> Registration:
    """PostgreSQL makes the second transaction wait at the event row's lock. The suite's
    in-memory SQLite (shared cache) answers "locked" at once where a database file would wait
    for its busy timeout, so here the waiting is done by trying again."""
    for _attempt in range(200):
        try:
            return register(event, email)
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise AssertionError("the event stayed locked")


@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_the_last_place_get_one_place_and_one_waiting():
    event = EventFactory(capacity=1)
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def attempt(email: str) -> None:
        try:
            barrier.wait()
            results.append(_register_waiting_for_the_lock(event, email).status)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"p{n}@example.org",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 1


def test_the_database_refuses_an_event_that_ends_before_it_starts():
    event = EventFactory.build(organiser=EventFactory().organiser)
    event.ends_at = event.starts_at - timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_event_create_validates_and_update_moves_the_waiting_list(
    mailoutbox, django_capture_on_commit_callbacks
):
    base = EventFactory()
    start = timezone.now() + timedelta(days=5)
    with pytest.raises(ValidationError) as refused:
        event_create(
            actor=None,
            title="Fel",
            kind="seminar",
            organiser=base.organiser,
            starts_at=start,
            ends_at=start - timedelta(hours=1),
            capacity=10,
            registration_closes_at=start,
            place="Örebro",
        )
    assert "ends_at" in refused.value.message_dict
    event = event_create(
        actor=None,
        title="Valideringsdag i Örebro",
        kind="seminar",
        organiser=base.organiser,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
        registration_closes_at=start,
        place="Örebro",
        target_groups=["employer", "individual"],
    )
    assert event.slug == "valideringsdag-i-orebro"
    assert event.state == EventState.DRAFT
    assert set(event.target_groups.values_list("target_group", flat=True)) == {
        "employer",
        "individual",
    }
    event_publish(event=event, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        register(event, "a@example.org")
        waiting = register(event, "b@example.org")
    mailoutbox.clear()
    with pytest.raises(ValidationError) as refused:
        event_update(event=event, actor=None, capacity=0)
    assert "capacity" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, actor=None, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [mail.to for mail in mailoutbox] == [["b@example.org"]]


def test_cancelling_an_event_emails_everyone_once(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, email="a@example.org")
    RegistrationFactory(event=event, email="b@example.org", status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(event=event, email="c@example.org", status=RegistrationStatus.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event, actor=None)
    assert sorted(mail.to[0] for mail in mailoutbox) == ["a@example.org", "b@example.org"]
    # No link to cancel a registration of an event that is off; the calendar entry is cancelled.
    assert "https://valnav.example.se/" in mailoutbox[0].body
    assert not RegistrationToken.objects.exists()
    calendar = Calendar.from_ical(mailoutbox[0].attachments[0].get_payload(decode=True))
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    with pytest.raises(ValidationError):
        event_cancel(event=event, actor=None)


def test_attendance_only_for_confirmed_places():
    registration = RegistrationFactory()
    assert attendance_mark(registration=registration, attended=True, actor=None).attended
    waiting = RegistrationFactory(status=RegistrationStatus.WAITLISTED)
    with pytest.raises(ValidationError) as refused:
        attendance_mark(registration=waiting, attended=True, actor=None)
    assert "attended" in refused.value.message_dict


def test_reminders_go_once_to_confirmed_places_of_events_within_two_days(
    mailoutbox, django_capture_on_commit_callbacks
):
    soon = EventFactory(starts_at=timezone.now() + timedelta(days=1))
    later = EventFactory(starts_at=timezone.now() + timedelta(days=5))
    RegistrationFactory(event=soon, email="soon@example.org")
    RegistrationFactory(event=soon, email="waiting@example.org", status="waitlisted")
    RegistrationFactory(event=later, email="later@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert event_reminders_send() == 0
    assert [mail.to for mail in mailoutbox] == [["soon@example.org"]]


def test_evaluation_invitation_and_one_answer_per_registration(
    mailoutbox, django_capture_on_commit_callbacks
):
    start = timezone.now() - timedelta(days=2)
    event = EventFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_closes_at=start - timedelta(days=1),
    )
    came = RegistrationFactory(event=event, email="came@example.org", attended=True)
    RegistrationFactory(event=event, email="absent@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert evaluation_invitations_send() == 1
    assert [mail.to for mail in mailoutbox] == [["came@example.org"]]
    token = link_token(mailoutbox[0])
    answers = {"relevance": 5, "knowledge": 4, "organisation": 3, "recommend": 5}
    response = evaluation_submit(token=token, answers=answers, comment="Bra!")
    assert response.registration == came
    with pytest.raises(ValidationError, match="already"):
        evaluation_submit(token=token, answers=answers)
    with pytest.raises(ValidationError):
        evaluation_submit(token=token + "x", answers=answers)
    assert RegistrationToken.objects.get().purpose == TokenPurpose.EVALUATE
    assert EvaluationResponse.objects.count() == 1


def test_purge_blanks_personal_data_a_year_after_the_event_and_keeps_statistics():
    old_start = timezone.now() - timedelta(days=400)
    old = EventFactory(
        starts_at=old_start,
        ends_at=old_start + timedelta(hours=2),
        registration_closes_at=old_start,
    )
    kept = RegistrationFactory(event=EventFactory(), email="recent@example.org")
    purged = RegistrationFactory.create(
        event=old, email="old@example.org", gender="woman", attended=True, needs="Tolk"
    )
    RegistrationToken.objects.create(registration=purged, purpose="cancel", token_hash="x" * 64)
    assert registrations_purge() == 1
    assert registrations_purge() == 0
    purged.refresh_from_db()
    kept.refresh_from_db()
    assert (purged.name, purged.email, purged.organisation_name, purged.needs) == ("", "", "", "")
    assert purged.gender == "woman"
    assert purged.attended
    assert purged.organisation_kind
    assert kept.email == "recent@example.org"
    assert not RegistrationToken.objects.exists()
