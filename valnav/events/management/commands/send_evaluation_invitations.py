"""Queue invitations to evaluate for those who attended events that have ended (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from valnav.events.services import evaluation_invitations_send


class Command(BaseCommand):
    help = "Queue evaluation invitations for attendees of events that have ended (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Evaluation invitations queued: {evaluation_invitations_send()}.")
