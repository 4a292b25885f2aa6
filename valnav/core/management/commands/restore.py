"""Replace the database and every stored file with a backup (docs/deploy.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from valnav.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Replace the database and all uploaded and evidence files with a backup."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="an archive made by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask: everything is replaced")
        parser.add_argument(
            "--manifest-sha256",
            default=None,
            help="the manifest checksum that `backup` printed; the archive must match it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        expected: str | None = options["manifest_sha256"]
        try:
            # Checked before asking, so that nobody confirms a restore of a broken archive.
            manifest = backup_verify(source=source, manifest_sha256=expected)
            if not options["yes"]:
                self._confirm(manifest.created_at.isoformat(timespec="seconds"))
            result = backup_restore(source=source, manifest_sha256=expected)
        except BackupError as error:
            raise CommandError(str(error)) from error
        restored = ngettext(
            "Restored the %(engine)s database and %(files)s file from %(path)s, made %(created)s.",
            "Restored the %(engine)s database and %(files)s files from %(path)s, made %(created)s.",
            result.files_written,
        ) % {
            "engine": result.manifest.engine,
            "files": result.files_written,
            "path": source,
            "created": result.manifest.created_at.isoformat(timespec="seconds"),
        }
        removed = ngettext(
            "Removed %(removed)s file that was not in the backup.",
            "Removed %(removed)s files that were not in the backup.",
            result.files_removed,
        ) % {"removed": result.files_removed}
        self.stdout.write(f"{restored} {removed}")

    def _confirm(self, created: str) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                _("Restoring replaces the whole database and all files; pass --yes to confirm.")
            )
        answer = input(
            _(
                "This replaces the whole database and all files with the backup made %(created)s. "
                "Type 'yes' to continue: "
            )
            % {"created": created}
        )
        if answer.strip().lower() != "yes":
            raise CommandError(_("Restore cancelled; nothing was changed."))
