"""Import a project's cost and financing budget (CSV or XLSX), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from valnav.core.tabular.command import FileImportCommand
from valnav.governance.budget_io import BudgetImportReport, budget_import
from valnav.governance.models import Project


class Command(FileImportCommand):
    help = (
        "Import a project's cost budget and financing plan (columns Typ, Post, Andel, Region "
        "and one per year), replacing the earlier one. Nothing is written if any row has an "
        "error or the costs and the financing differ in any year."
    )

    def add_import_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", type=int, required=True, help="the project's id")

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        project = Project.objects.filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(_("There is no project %(id)s.") % {"id": options["project"]})
        return budget_import(
            project=project, source=source, filename=path.name, dry_run=options["dry_run"]
        )

    def summary(self, *, path: Path, report: Any, dry_run: bool) -> str:
        budget: BudgetImportReport = report
        values = {"file": path.name, "costs": budget.cost_lines, "financiers": budget.financiers}
        lines = [
            (
                _("Checked %(file)s: %(costs)s cost lines, %(financiers)s financiers. Dry run.")
                if dry_run
                else _("Imported %(file)s: %(costs)s cost lines, %(financiers)s financiers.")
            )
            % values
        ]
        lines += [check.message for check in budget.year_checks]
        lines += budget.share_warnings
        return "\n".join(lines)
