"""Back up the database and every stored file into one archive (docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import ngettext

from valnav.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded and evidence files into a new tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="the new archive, e.g. valnav.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        destination: Path = options["destination"]
        try:
            manifest = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = len(manifest.file_members)
        self.stdout.write(
            ngettext(
                "Backed up the %(engine)s database and %(files)s file (%(size)s) to %(path)s; "
                "manifest SHA-256 %(checksum)s",
                "Backed up the %(engine)s database and %(files)s files (%(size)s) to %(path)s; "
                "manifest SHA-256 %(checksum)s",
                files,
            )
            % {
                "engine": manifest.engine,
                "files": files,
                "size": filesizeformat(manifest.file_bytes),
                "path": destination,
                "checksum": manifest.checksum,
            }
        )
