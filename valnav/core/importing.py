"""The shape every `import_*` command shares: FILE, `--dry-run` and `--language`; the file is
read, handed to an all-or-nothing importer, and either its row errors are listed (exit 1,
nothing written) or a one-line summary is printed. Subclasses say only what differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class ImportReport(Protocol):
    @property
    def errors(self) -> Any: ...


class CountedReport(ImportReport, Protocol):
    created: int
    updated: int
    unchanged: int


class FileImportCommand(BaseCommand):
    file_help = "the CSV or XLSX file"
    # For importers that report created/updated/unchanged: "%(file)s", "%(created)s", … .
    checked_message: str | Promise = ""
    imported_message: str | Promise = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=self.file_help)
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

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            path: Path = options["file"]
            try:
                source = path.read_bytes()
            except OSError as error:
                raise CommandError(
                    _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
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
        counted: CountedReport = report
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
