"""Import one organisation's cases from a CSV or XLSX file, all or nothing; `--dry-run` checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, User
from valnav.casework.case_io import cases_import


class Command(BaseCommand):
    help = (
        "Import validation cases (and the individuals they are about) for one organisation from "
        "a CSV or XLSX file. Nothing is written if any row has an error; the errors are listed "
        "by row and column."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV or XLSX file")
        parser.add_argument(
            "--organisation",
            required=True,
            metavar="NAME_OR_ID",
            help="the responsible organisation: its id, organisationsnummer or exact name",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--actor",
            metavar="EMAIL",
            help="import as this user (an assessor of the organisation); the history and the "
            "access log name them. Without it the system imports.",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._import(options)

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

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            source = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": error.strerror}
            ) from error
        organisation = self._organisation(options["organisation"])
        actor: User | None = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(
                    _("No active user has the e-mail address %(email)s.")
                    % {"email": options["actor"]}
                )
        try:
            report = cases_import(
                actor=actor,
                organisation=organisation,
                source=source,
                filename=path.name,
                dry_run=options["dry_run"],
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        if report.errors:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(
                _("%(count)s errors in %(file)s; nothing was imported.")
                % {"count": len(report.errors), "file": path.name}
            )
        counts = {
            "file": path.name,
            "cases": report.cases,
            "individuals": report.individuals,
            "existing": report.existing,
        }
        if report.dry_run:
            summary = _(
                "Checked %(file)s: %(cases)s new cases and %(individuals)s new individuals; "
                "%(existing)s cases were imported before. Dry run: nothing was written."
            )
        else:
            summary = _(
                "Imported %(file)s: %(cases)s new cases and %(individuals)s new individuals; "
                "%(existing)s cases were imported before."
            )
        self.stdout.write(summary % counts)
