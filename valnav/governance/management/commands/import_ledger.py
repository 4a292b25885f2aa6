"""Import a ledger export (CSV, XLSX or SIE 4) as a project's booked costs, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from valnav.governance.budget import kr
from valnav.governance.commands import ProjectImportCommand
from valnav.governance.ledger import LedgerReport, ledger_import
from valnav.governance.models import Project


class Command(ProjectImportCommand):
    help = (
        "Import a ledger export (CSV or XLSX: date, verification number, account, cost "
        "category, region, amount; or the accounting system's SIE 4 file) as a project's "
        "booked costs. Nothing is written if any row has an error; the errors are listed by "
        "row and column (in a SIE file, by line)."
    )

    def import_into(self, project: Project, *, path: Path, source: bytes, dry_run: bool) -> Any:
        return ledger_import(project=project, source=source, filename=path.name, dry_run=dry_run)

    def summary(self, *, path: Path, report: Any, dry_run: bool) -> str:
        ledger: LedgerReport = report
        values = {
            "file": path.name,
            "created": ledger.created,
            "unchanged": ledger.unchanged,
            "total": kr(ledger.total),
        }
        if dry_run:
            return (
                _(
                    "Checked %(file)s: %(created)s new lines and %(unchanged)s already booked, "
                    "%(total)s kr. Dry run: nothing was written."
                )
                % values
            )
        return (
            _(
                "Imported %(file)s: %(created)s new lines (%(unchanged)s already booked), "
                "%(total)s kr."
            )
            % values
        )
