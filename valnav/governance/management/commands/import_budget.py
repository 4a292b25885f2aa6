"""Import a project's cost and financing budget (CSV or XLSX), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from valnav.governance.budget_io import BudgetImportReport, budget_import
from valnav.governance.commands import ProjectImportCommand
from valnav.governance.models import Project


class Command(ProjectImportCommand):
    help = (
        "Import a project's cost budget and financing plan (columns Typ, Post, Andel, Region "
        "and one per year), replacing the earlier one. Nothing is written if any row has an "
        "error or the costs and the financing differ in any year."
    )

    def import_into(self, project: Project, *, path: Path, source: bytes, dry_run: bool) -> Any:
        return budget_import(project=project, source=source, filename=path.name, dry_run=dry_run)

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
