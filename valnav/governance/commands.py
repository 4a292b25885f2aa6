"""What the governance import commands share: the project they import into (`--project ID`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from valnav.core.tabular.command import FileImportCommand
from valnav.governance.models import Project


class ProjectImportCommand(FileImportCommand):
    """FILE, --project ID, --dry-run; subclasses say what is imported into the project."""

    def add_import_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", type=int, required=True, help="the project's id")

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        project = Project.objects.filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(_("There is no project %(id)s.") % {"id": options["project"]})
        return self.import_into(project, path=path, source=source, dry_run=options["dry_run"])

    def import_into(self, project: Project, *, path: Path, source: bytes, dry_run: bool) -> Any:
        raise NotImplementedError
