"""Import validations reported as yearly totals per municipality, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from valnav.core.tabular.command import FileImportCommand
from valnav.insights.aggregates import aggregate_import


class Command(FileImportCommand):
    help = (
        "Import validations reported per municipality and year by municipalities not yet "
        "using casework, from a CSV file (columns kommunkod, år, påbörjade, avslutade, helt, "
        "delvis, ej). Nothing is written if any row has an error."
    )
    file_help = "the CSV file"
    checked_message = gettext_lazy(
        "Checked %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
        "unchanged yearly totals. Dry run: nothing was written."
    )
    imported_message = gettext_lazy(
        "Imported %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
        "unchanged yearly totals."
    )

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        return aggregate_import(source=source, dry_run=options["dry_run"])
