"""Import one organisation's cases from a CSV or XLSX file, all or nothing; `--dry-run` checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation
from valnav.casework.case_io import cases_import
from valnav.core.tabular.command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import validation cases (and the individuals they are about) for one organisation from "
        "a CSV or XLSX file. Nothing is written if any row has an error; the errors are listed "
        "by row and column."
    )

    def add_import_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation",
            required=True,
            metavar="NAME_OR_ID",
            help="the responsible organisation: its id, organisationsnummer or exact name",
        )
        parser.add_argument(
            "--actor",
            metavar="EMAIL",
            help="import as this user (an assessor of the organisation); the history and the "
            "access log name them. Without it the system imports.",
        )

    def _organisation(self, wanted: str) -> Organisation:
        found = list(Organisation.objects.filter(name__iexact=wanted.strip())[:2])
        if not found:
            found = list(Organisation.objects.filter(org_number=wanted.strip())[:2])
        if not found and wanted.strip().isdigit():
            found = list(Organisation.objects.filter(pk=int(wanted))[:1])
        if len(found) != 1:
            raise CommandError(
                _("No single organisation is called or numbered %(value)s.") % {"value": wanted}
            )
        return found[0]

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        organisation = self._organisation(options["organisation"])
        actor = self.active_user(options["actor"])
        try:
            return cases_import(
                actor=actor,
                organisation=organisation,
                source=source,
                filename=path.name,
                dry_run=options["dry_run"],
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error

    def summary(self, *, path: Path, report: Any, dry_run: bool) -> str:
        if dry_run:
            summary = _(
                "Checked %(file)s: %(cases)s new cases and %(individuals)s new individuals; "
                "%(existing)s cases were imported before. Dry run: nothing was written."
            )
        else:
            summary = _(
                "Imported %(file)s: %(cases)s new cases and %(individuals)s new individuals; "
                "%(existing)s cases were imported before."
            )
        return summary % {
            "file": path.name,
            "cases": report.cases,
            "individuals": report.individuals,
            "existing": report.existing,
        }
