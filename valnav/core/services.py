"""Writes that belong to no single app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone

from valnav.core.models import AccessAction, AccessLogEntry

if TYPE_CHECKING:
    from valnav.accounts.models import User


def access_log_record(
    *,
    actor: User | None,
    action: AccessAction,
    record_type: str,
    record_ref: str,
    purpose: str,
) -> AccessLogEntry:
    """Append one entry to the access log; `record_ref` is a pseudonymous reference."""
    return AccessLogEntry.objects.create(
        actor=actor,
        action=action,
        record_type=record_type,
        record_ref=record_ref,
        purpose=purpose[:200],
    )


# Background tasks that can safely run again after a worker died in them: each claims its effect
# before acting (the e-mails' sent stamps) or is all or nothing and idempotent (the offers
# import). Others, such as the review reminder (no claim of its own), are reported, not rerun.
RERUNNABLE_TASKS = frozenset(
    {
        "valnav.events.emails.registration_email_send",
        "valnav.atlas.tasks.offers_import_job",
    }
)


@dataclass(frozen=True)
class StaleTasks:
    requeued: int
    left: list[str]  # task paths of stale tasks that are not safe to run again


def stale_tasks_requeue(*, older_than: timedelta) -> StaleTasks:
    """Put back in the queue the tasks a killed worker left running (django_tasks_db marks a
    task RUNNING when a worker takes it and never learns of a SIGKILL), if they are safe to run
    twice; `older_than` must be longer than any task really runs."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        left = sorted(
            set(stale.exclude(task_path__in=RERUNNABLE_TASKS).values_list("task_path", flat=True))
        )
        requeued = stale.filter(task_path__in=RERUNNABLE_TASKS).update(
            status=TaskResultStatus.READY, started_at=None
        )
    return StaleTasks(requeued=requeued, left=left)
