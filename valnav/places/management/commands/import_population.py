"""Import SCB's inhabitants aged 20–64 per municipality and year, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from valnav.core.tabular.command import FileImportCommand
from valnav.places.population_io import population_import


class Command(FileImportCommand):
    help = (
        "Import inhabitants aged 20–64 per municipality and year from SCB's table Folkmängd "
        "efter region, ålder, kön och år: PxWebApi 2's JSON-stat 2.0 answer (a file, or --url "
        "to fetch it), or a CSV (kommunkod, år, antal 20–64 år; or one row per age). Nothing "
        "is written if anything is wrong."
    )
    file_help = "the JSON-stat or CSV file"
    accepts_url = True
    checked_message = gettext_lazy(
        "Checked %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
        "unchanged population figures. Dry run: nothing was written."
    )
    imported_message = gettext_lazy(
        "Imported %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
        "unchanged population figures."
    )

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        return population_import(source=source, dry_run=options["dry_run"], filename=path.name)
