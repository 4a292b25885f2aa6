"""E-mails to registered people when the worker that sends them dies: the mail server has taken
the message, then the process is stopped before the task is marked done. Running the task
again, or the daily sweep that queues what is missing, sends nobody the same e-mail twice, and
the link in the e-mail that did go out works."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from valnav.core.tests.faults import db_worker_batch
from valnav.events.emails import registration_email_send
from valnav.events.models import Registration, TokenPurpose
from valnav.events.services import registration_for_token
from valnav.events.tests.factories import EventFactory, RegistrationFactory

# Real commits, as the worker makes them: what a killed process leaves is what was committed.
pytestmark = pytest.mark.django_db(transaction=True)


class DeliveredThenKilled(locmem.EmailBackend):
    """A mail server that takes the message, after which the worker process is stopped: the
    second SIGTERM of a deploy, which db_worker turns into SystemExit wherever the task is.
    (A SIGKILL would stop it without even that; the database then rolls back the same way.)"""

    def send_messages(self, messages: Any) -> int:
        super().send_messages(messages)
        raise SystemExit(1)


@pytest.fixture
def worker(settings, mailoutbox):
    """The production backend and worker: tasks are rows, run by `db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def kill_after_delivery(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DeliveredThenKilled"}}


def mail_server_behaves(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def cancel_token(message: mail.EmailMessage) -> str:
    for line in message.body.splitlines():
        if line.startswith("https://valnav.example.se/") and "/" in line:
            return line.rstrip("/").rsplit("/", 1)[-1]
    raise AssertionError("no link in the e-mail")


def test_a_reminder_sent_by_a_killed_worker_is_not_sent_again_by_the_next_sweep(worker):
    registration = RegistrationFactory(
        event=EventFactory(starts_at=timezone.now() + timedelta(days=1)),
        email="anna@example.org",
    )
    call_command("send_event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    kill_after_delivery(worker)
    db_worker_batch()

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "FAILED"  # the worker died with it
    registration.refresh_from_db()
    assert registration.reminder_sent_at is not None

    # The next day's sweep, and an operator re-running the failed task, with a healthy worker.
    mail_server_behaves(worker)
    call_command("send_event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    registration_email_send.enqueue(registration_id=registration.pk, kind="reminder")
    db_worker_batch()

    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    # The link in the e-mail that went out was committed with the claim: it works.
    assert (
        registration_for_token(token=cancel_token(mail.outbox[0]), purpose=TokenPurpose.CANCEL)
        == Registration.objects.get()
    )


def test_a_confirmation_whose_task_is_retried_after_a_kill_goes_out_once(worker):
    registration = RegistrationFactory()
    registration_email_send.enqueue(registration_id=registration.pk, kind="confirmation")
    kill_after_delivery(worker)
    db_worker_batch()
    assert len(mail.outbox) == 1

    mail_server_behaves(worker)
    registration_email_send.enqueue(registration_id=registration.pk, kind="confirmation")
    db_worker_batch()

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").get().return_value is False
