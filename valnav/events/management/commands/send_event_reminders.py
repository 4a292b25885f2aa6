"""Queue reminders for events starting within two days (run daily); each person gets one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from valnav.events.services import event_reminders_send


class Command(BaseCommand):
    help = "Queue reminder e-mails for events starting within two days (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Event reminders queued: {event_reminders_send()}.")
