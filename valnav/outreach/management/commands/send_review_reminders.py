"""E-mail owners whose published material is due for review (past or within 14 days)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from valnav.outreach.services import review_reminders_send


class Command(BaseCommand):
    help = "E-mail owners of published material whose review-by date is near or past."

    def handle(self, *args: Any, **options: Any) -> None:
        owners = review_reminders_send()
        self.stdout.write(f"Review reminders queued for {owners} owner(s).")
