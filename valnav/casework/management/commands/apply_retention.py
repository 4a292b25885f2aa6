"""Cull what has passed its retention period (gallring), per record class."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from valnav.casework.privacy import RetentionOutcome, retention_apply

DONE = {
    "evidence": "{items} evidence files deleted in {cases} cases",
    "working_notes": "{items} notes and reasons blanked in {cases} cases",
    "individual": "{items} individuals anonymised",
}
WOULD = {
    "evidence": "{items} evidence files in {cases} cases would be deleted",
    "working_notes": "{items} notes and reasons in {cases} cases would be blanked",
    "individual": "{items} individuals would be anonymised",
}


def describe(outcome: RetentionOutcome, *, dry_run: bool) -> str:
    name = outcome.retention_class
    if name == "credential":
        return f"credential: kept permanently (archive law); {outcome.items} issued, none culled."
    if outcome.years is None:
        return f"{name}: kept permanently (no retention period set)."
    text = (WOULD if dry_run else DONE)[name].format(
        items=outcome.items, cases=len(outcome.records)
    )
    return (
        f"{name}: {outcome.years} years after the case ended, on or before {outcome.cutoff}: "
        f"{text}."
    )


class Command(BaseCommand):
    help = "Cull evidence, working notes and individuals past their retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be culled, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        report = retention_apply(today=timezone.localdate(), dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Dry run on {report.today}: nothing was changed.")
        for outcome in report.outcomes:
            self.stdout.write(describe(outcome, dry_run=dry_run))
