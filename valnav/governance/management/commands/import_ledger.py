"""Import a ledger export (CSV or XLSX) as a project's booked costs, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from valnav.core.tabular.command import FileImportCommand
from valnav.governance.budget import kr
from valnav.governance.ledger import LedgerReport, ledger_import
from valnav.governance.models import Project


class Command(FileImportCommand):
    help = (
        "Import a ledger export (CSV or XLSX: date, verification number, account, cost "
        "category, region, amount) as a project's booked costs. Nothing is written if any row "
        "has an error; the errors are listed by row and column."
    )

    def add_import_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", type=int, required=True, help="the project's id")

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        project = Project.objects.filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(_("There is no project %(id)s.") % {"id": options["project"]})
        return ledger_import(
            project=project, source=source, filename=path.name, dry_run=options["dry_run"]
        )

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
