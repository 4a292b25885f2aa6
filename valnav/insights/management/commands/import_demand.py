"""Import Arbetsförmedlingen's Yrkesbarometer (its JSON, or the same columns as CSV or XLSX),
from a file or with --url from the publisher, all or nothing; `--dry-run` checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valnav.core.tabular.command import FileImportCommand
from valnav.insights.demand import OFFICIAL_URL, DemandImportReport, demand_import


class Command(FileImportCommand):
    help = (
        "Import Arbetsförmedlingen's Yrkesbarometer (yrkesbarometer.json as published, or the "
        f"same columns as CSV or XLSX), from FILE or --url {OFFICIAL_URL}. The country's and "
        "Valnav's counties' rows are kept. Nothing is written if any row has an error; the "
        "errors are listed by row and field."
    )
    file_help = "the JSON, CSV or XLSX file"
    accepts_url = True
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
        counted: DemandImportReport = report
        if counted.passed_over:
            summary += "\n" + _(
                "%(count)s rows of counties outside Östra Mellansverige were passed over."
            ) % {"count": counted.passed_over}
        return summary
