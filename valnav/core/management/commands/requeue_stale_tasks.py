"""Put back in the queue the background tasks a killed worker left running (docs/deploy.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from valnav.core.services import stale_tasks_requeue


class Command(BaseCommand):
    help = "Requeue tasks left running by a worker that was killed, where running twice is safe."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            help="minutes a task must have been running (default 60, longer than any task runs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stale = stale_tasks_requeue(older_than=timedelta(minutes=options["older_than"]))
        self.stdout.write(
            ngettext(
                "Requeued %(count)s task left running by a stopped worker.",
                "Requeued %(count)s tasks left running by a stopped worker.",
                stale.requeued,
            )
            % {"count": stale.requeued}
        )
        for path in stale.left:
            self.stderr.write(_("Left running, not safe to run twice: %(task)s") % {"task": path})
