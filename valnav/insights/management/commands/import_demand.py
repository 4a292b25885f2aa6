"""Import Yrkesbarometer demand data from a CSV or JSON file, all or nothing; `--dry-run` checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from valnav.insights.demand import demand_import


class Command(BaseCommand):
    help = (
        "Import Arbetsförmedlingen's Yrkesbarometer (CSV or JSON) as demand observations. "
        "Nothing is written if any row has an error; the errors are listed by row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV or JSON file")
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
            self._import(path=options["file"], dry_run=options["dry_run"])

    def _import(self, *, path: Path, dry_run: bool) -> None:
        try:
            source = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
            ) from error
        report = demand_import(source=source, filename=path.name, dry_run=dry_run)
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
        if report.dry_run:
            summary = _(
                "Checked %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
                "unchanged observations. Dry run: nothing was written."
            )
        else:
            summary = _(
                "Imported %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
                "unchanged observations."
            )
        self.stdout.write(summary % counts)
        if report.ignored_columns:
            self.stdout.write(
                _("Columns not used: %(columns)s.") % {"columns": ", ".join(report.ignored_columns)}
            )
