"""Export every offer to a CSV or XLSX file that `import_offers` reads back unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from valnav.atlas.models import Offer
from valnav.atlas.offer_io import ExportFormat, offers_export


class Command(BaseCommand):
    help = "Export all offers, in exactly the columns import_offers reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the file to write")
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="file format (default: from the file name, else csv)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        file_format: ExportFormat = (
            "xlsx" if (options["format"] or path.suffix.lstrip(".").lower()) == "xlsx" else "csv"
        )
        # The whole atlas, as the system sees it: every provider, every status.
        offers = Offer.objects.order_by("provider__name", "external_id")
        content = offers_export(queryset=offers, format=file_format)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        self.stdout.write(f"Wrote {offers.count()} offers to {path} ({file_format}).")
