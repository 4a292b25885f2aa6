"""Import offers from a CSV or XLSX file, all or nothing; `--dry-run` only checks it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from valnav.atlas.offer_io import offers_import
from valnav.core.importing import FileImportCommand

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
        bar = ProgressBar(getattr(self.stderr, "_out", sys.stderr), dry_run=options["dry_run"])
        report = offers_import(
            actor=actor,
            source=source,
            filename=path.name,
            dry_run=options["dry_run"],
            progress=bar,
        )
        bar.close()
        return report
