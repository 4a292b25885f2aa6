"""Import offers from a CSV or XLSX file, all or nothing; `--dry-run` only checks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from valnav.atlas.offer_io import offers_import
from valnav.core.tabular.command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import offers from a CSV (comma or semicolon; UTF-8 or Windows-1252) or XLSX file. "
        "Nothing is written if any row has an error; the errors are listed by row and column."
    )
    checked_message = gettext_lazy(
        "Checked %(file)s: %(created)s new, %(updated)s changed, %(unchanged)s "
        "unchanged. Dry run: nothing was written."
    )
    imported_message = gettext_lazy(
        "Imported %(file)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged."
    )

    def add_import_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="import as this user: their permissions apply and the history names them",
        )

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        actor = self.active_user(options["user"])
        bar = self.progress_bar(options)
        report = offers_import(
            actor=actor,
            source=source,
            filename=path.name,
            dry_run=options["dry_run"],
            progress=bar,
        )
        bar.close()
        return report
