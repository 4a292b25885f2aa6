"""Rebuild every case's fact rows, which insights count (after a restore or a bulk load)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from valnav.casework.facts import case_facts_refresh


class Command(BaseCommand):
    help = "Rebuild the fact rows of every validation case, from which statistics are counted."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = case_facts_refresh()
        self.stdout.write(
            f"Case facts rebuilt for {written} cases in {time.perf_counter() - started:.1f} s."
        )
