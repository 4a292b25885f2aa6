"""Import validations reported as yearly totals per municipality, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from valnav.insights.aggregates import aggregate_import


class Command(BaseCommand):
    help = (
        "Import validations reported per municipality and year by municipalities not yet "
        "using casework, from a CSV file (columns kommunkod, år, påbörjade, avslutade, helt, "
        "delvis, ej). Nothing is written if any row has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._import(options["file"], dry_run=options["dry_run"])

    def _import(self, path: Path, *, dry_run: bool) -> None:
        try:
            source = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
            ) from error
        report = aggregate_import(source=source, dry_run=dry_run)
        if report.errors:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(
                _("%(count)s errors in %(file)s; nothing was imported.")
                % {"count": len(report.errors), "file": path.name}
            )
        counts = {
            "file": path.name,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if dry_run:
            summary = _(
                "Checked %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
                "unchanged yearly totals. Dry run: nothing was written."
            )
        else:
            summary = _(
                "Imported %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
                "unchanged yearly totals."
            )
        self.stdout.write(summary % counts)
