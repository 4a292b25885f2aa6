"""Import Yrkesbarometer demand data from a CSV or JSON file, all or nothing; `--dry-run` checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valnav.core.importing import FileImportCommand
from valnav.insights.demand import demand_import


class Command(FileImportCommand):
    help = (
        "Import Arbetsförmedlingen's Yrkesbarometer (CSV or JSON) as demand observations. "
        "Nothing is written if any row has an error; the errors are listed by row and column."
    )
    file_help = "the CSV or JSON file"
    checked_message = gettext_lazy(
        "Checked %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
        "unchanged observations. Dry run: nothing was written."
    )
    imported_message = gettext_lazy(
        "Imported %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s "
        "unchanged observations."
    )

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        return demand_import(source=source, filename=path.name, dry_run=options["dry_run"])

    def summary(self, *, path: Path, report: Any, dry_run: bool) -> str:
        summary = super().summary(path=path, report=report, dry_run=dry_run)
        if report.ignored_columns:
            summary += "\n" + _("Columns not used: %(columns)s.") % {
                "columns": ", ".join(report.ignored_columns)
            }
        return summary
