"""Remove names, e-mail addresses and organisation names from registrations of events that
ended more than twelve months ago; the statistics stay."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from valnav.events.services import registrations_purge


class Command(BaseCommand):
    help = "Blank personal data of registrations for events that ended over 12 months ago."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Registrations purged: {registrations_purge()}.")
