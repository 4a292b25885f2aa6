"""Load the shipped reference data (places and classifications); safe to run again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from valnav.atlas.catalogue import catalogue_import
from valnav.atlas.models import ValidationModel
from valnav.core.reference import REFERENCE_DIR, ReferenceDataError
from valnav.places.models import County, Municipality
from valnav.places.services import places_import
from valnav.taxonomy.models import Industry, Occupation, OccupationName, S3Area
from valnav.taxonomy.services import taxonomy_import


class Command(BaseCommand):
    help = (
        "Load counties, municipalities, SSYK 2012, JobTech names, SNI 2007, S3 areas, branches "
        "and the catalogue of validation models."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=REFERENCE_DIR, help="reference folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                counts = places_import(reference_dir=options["dir"])
                counts.add(taxonomy_import(reference_dir=options["dir"]))
                counts.add(catalogue_import(reference_dir=options["dir"]))
        except (ReferenceDataError, OSError, KeyError, ValueError) as error:
            raise CommandError(f"Reference data not loaded, nothing changed: {error}") from error
        self.stdout.write(
            f"Reference data: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged. Now {County.objects.count()} counties, "
            f"{Municipality.objects.count()} municipalities, {Occupation.objects.count()} SSYK "
            f"rows, {OccupationName.objects.count()} JobTech names, "
            f"{Industry.objects.count()} SNI rows, {S3Area.objects.count()} S3 areas, "
            f"{ValidationModel.objects.count()} validation models."
        )
