"""Import offers from a CSV or XLSX file, all or nothing; `--dry-run` only checks it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from valnav.accounts.models import User
from valnav.atlas.offer_io import offers_import

# Files with more rows than this get a progress bar.
PROGRESS_FROM_ROWS = 2000


class ProgressBar:
    """A text bar on stderr, redrawn every 5 %: in place on a terminal, a line each otherwise.

    The import counts each row once when checking and once more when writing (see
    offers_import), so `rows` is half the total when the file is applied.
    """

    def __init__(self, out: TextIO, *, dry_run: bool) -> None:
        self.out = out
        self.dry_run = dry_run
        self.shown = -1
        self.in_place = out.isatty()

    def __call__(self, done: int, total: int) -> None:
        rows = total if self.dry_run else total // 2
        if rows <= PROGRESS_FROM_ROWS:
            return
        step = done * 100 // total // 5 * 5
        if step <= self.shown:
            return
        self.shown = step
        line = f"[{'#' * (step // 5)}{'-' * (20 - step // 5)}] {step:3d} %"
        self.out.write(f"\r{line}" if self.in_place else f"{line}\n")
        self.out.flush()

    def close(self) -> None:
        """End the line a terminal bar was drawn on."""
        if self.in_place and self.shown >= 0:
            self.out.write("\n")
            self.out.flush()


class Command(BaseCommand):
    help = (
        "Import offers from a CSV (comma or semicolon; UTF-8 or Windows-1252) or XLSX file. "
        "Nothing is written if any row has an error; the errors are listed by row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="import as this user: their permissions apply and the history names them",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            source = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
            ) from error
        actor: User | None = None
        if options["user"]:
            actor = User.objects.filter(email__iexact=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(
                    _("No active user has the e-mail address %(email)s.")
                    % {"email": options["user"]}
                )
        bar = ProgressBar(getattr(self.stderr, "_out", sys.stderr), dry_run=options["dry_run"])
        report = offers_import(
            actor=actor,
            source=source,
            filename=path.name,
            dry_run=options["dry_run"],
            progress=bar,
        )
        bar.close()
        if report.errors:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(
                _("%(count)s errors in %(file)s; nothing was imported.")
                % {"count": len(report.errors), "file": path.name}
            )
        counts = {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.dry_run:
            summary = _(
                "Checked %(file)s: %(created)s new, %(updated)s changed, %(unchanged)s "
                "unchanged. Dry run: nothing was written."
            )
        else:
            summary = _(
                "Imported %(file)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged."
            )
        self.stdout.write(summary % {"file": path.name, **counts})
