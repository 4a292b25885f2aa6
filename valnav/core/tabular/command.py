"""The one command base of every `import_*` command: FILE (or `--url` where the source is
published), `--dry-run` and `--language`; the source is handed to an all-or-nothing importer,
and either its errors are listed (exit 1, nothing written) or a one-line summary is printed,
with a progress bar on stderr for large files. Subclasses say only what differs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from valnav.core.tabular.errors import UnreadableFileError
from valnav.core.tabular.fetch import fetch_url
from valnav.core.tabular.report import ImportReport

# Files with more rows than this get a progress bar.
PROGRESS_FROM_ROWS = 2000


class ProgressBar:
    """A text bar on stderr, redrawn every 5 %: in place on a terminal, a line each otherwise.

    The runner counts each row once when checking and once more when writing, so `rows` is
    half the total when the file is applied.
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


class FileImportCommand(BaseCommand):
    file_help = "the CSV or XLSX file"
    # Whether the source can be fetched from its publisher with --url instead of FILE.
    accepts_url = False
    # "%(file)s", "%(created)s", "%(updated)s", "%(unchanged)s".
    checked_message: str | Promise = ""
    imported_message: str | Promise = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, nargs="?" if self.accepts_url else None, help=self.file_help
        )
        if self.accepts_url:
            parser.add_argument("--url", help="fetch the source from its publisher instead")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: %(default)s)",
        )
        self.add_import_arguments(parser)

    def add_import_arguments(self, parser: CommandParser) -> None:
        """Arguments of one importer beyond FILE, --dry-run and --language."""

    def progress_bar(self, options: dict[str, Any]) -> ProgressBar:
        return ProgressBar(getattr(self.stderr, "_out", sys.stderr), dry_run=options["dry_run"])

    def fetch(self, url: str) -> bytes:
        """The source at `url` (sources that span pages override this or fetch them later)."""
        return fetch_url(url)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            given: Path | None = options["file"]
            url: str | None = options.get("url")
            if (given is None) == (url is None):
                raise CommandError(_("Give either a file or --url."))
            if given is None:
                try:
                    source = self.fetch(str(url))
                except UnreadableFileError as refused:
                    raise CommandError(refused.message) from refused
                path = Path(str(url).rstrip("/").rsplit("/", 1)[-1] or "source")
            else:
                path = given
                try:
                    source = path.read_bytes()
                except OSError as error:
                    raise CommandError(
                        _("Cannot read %(file)s: %(reason)s")
                        % {"file": path, "reason": error.strerror}
                    ) from error
            report = self.run_import(path=path, source=source, options=options)
            if report.errors:
                for row_error in report.errors:
                    self.stderr.write(str(row_error))
                raise CommandError(
                    _("%(count)s errors in %(file)s; nothing was imported.")
                    % {"count": len(report.errors), "file": path.name}
                )
            self.stdout.write(self.summary(path=path, report=report, dry_run=options["dry_run"]))

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        raise NotImplementedError

    def summary(self, *, path: Path, report: Any, dry_run: bool) -> str:
        counted: ImportReport = report
        message = self.checked_message if dry_run else self.imported_message
        return str(message) % {
            "file": path.name,
            "created": counted.created,
            "updated": counted.updated,
            "unchanged": counted.unchanged,
        }

    @staticmethod
    def active_user(email: str | None) -> Any:
        """The active user an import acts as (None without an address); refused if unknown."""
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active user has the e-mail address %(email)s.") % {"email": email}
            )
        return user
