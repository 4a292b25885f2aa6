"""A worker killed outright (SIGKILL, the machine lost) leaves its task RUNNING for ever:
`manage.py requeue_stale_tasks` puts it back in the queue, and the next worker runs it without
sending anyone the same e-mail twice."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from valnav.core.tests.faults import db_worker_batch
from valnav.events.emails import email_send_now, registration_email_send
from valnav.events.tests.factories import RegistrationFactory
from valnav.outreach.tasks import send_review_reminder

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    return settings


def left_running_by_a_killed_worker(minutes_ago: int) -> DBTaskResult[..., object]:
    """What a worker that took the task and then vanished leaves behind."""
    task = DBTaskResult.objects.get(status="READY")
    task.claim("worker-that-was-killed")
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return task


def requeue() -> str:
    out = StringIO()
    call_command("requeue_stale_tasks", "--older-than", "30", stdout=out, stderr=out)
    return out.getvalue()


def test_a_task_killed_before_it_sent_is_run_again_and_sends_once(worker):
    registration = RegistrationFactory(email="anna@example.org")
    registration_email_send.enqueue(registration_id=registration.pk, kind="confirmation")
    task = left_running_by_a_killed_worker(minutes_ago=45)
    db_worker_batch()
    assert mail.outbox == []  # nobody picks up a RUNNING task on their own

    assert "1" in requeue()
    db_worker_batch()
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids[0] == "worker-that-was-killed"


def test_a_task_killed_after_it_sent_is_run_again_and_sends_nothing_more(worker):
    registration = RegistrationFactory(email="anna@example.org")
    registration_email_send.enqueue(registration_id=registration.pk, kind="confirmation")
    task = left_running_by_a_killed_worker(minutes_ago=45)
    # The killed worker got as far as handing the e-mail to the mail server.
    assert email_send_now(registration_id=registration.pk, kind="confirmation")
    assert len(mail.outbox) == 1

    requeue()
    db_worker_batch()
    assert len(mail.outbox) == 1
    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", False)


def test_a_task_still_within_its_time_or_not_safe_twice_is_left_alone(worker, personas):
    registration = RegistrationFactory()
    registration_email_send.enqueue(registration_id=registration.pk, kind="confirmation")
    recent = left_running_by_a_killed_worker(minutes_ago=5)
    send_review_reminder.enqueue(owner_id=personas["communicator_vastmanland"].pk, material_ids=[])
    reminder = left_running_by_a_killed_worker(minutes_ago=120)

    output = requeue()
    assert "valnav.outreach.tasks.send_review_reminder" in output
    recent.refresh_from_db()
    reminder.refresh_from_db()
    assert (recent.status, reminder.status) == ("RUNNING", "RUNNING")
