"""Writes for places: loading the shipped county and municipality files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from valnav.core.reference import (
    REFERENCE_DIR,
    ImportCounts,
    ReferenceDataError,
    dataset_register,
    manifest,
    upsert_rows,
)
from valnav.lib.csv_io import read_csv_rows
from valnav.places.models import County, Municipality


def _geometries(path: Path, code_field: str) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    geometries: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(collection.get("features", []), start=1):
        code = str(feature.get("properties", {}).get(code_field, ""))
        if not code or not feature.get("geometry"):
            raise ReferenceDataError(
                f"{path.name}: feature {number} lacks {code_field} or geometry"
            )
        geometries[code] = feature["geometry"]
    return geometries


def places_import(*, reference_dir: Path = REFERENCE_DIR) -> ImportCounts:
    """Load counties and municipalities with boundaries; idempotent."""
    counts = ImportCounts()
    files = manifest(reference_dir)
    with transaction.atomic():
        regions = {
            row["lan_code"]: row
            for _, row in read_csv_rows(reference_dir / files["county_regions"]["file"])
        }
        county_rows = list(read_csv_rows(reference_dir / files["counties"]["file"]))
        county_shapes = _geometries(reference_dir / files["county_boundaries"]["file"], "lan_code")
        dataset = dataset_register(
            "counties", reference_dir=reference_dir, row_count=len(county_rows), counts=counts
        )
        dataset_register(
            "county_regions", reference_dir=reference_dir, row_count=len(regions), counts=counts
        )
        dataset_register(
            "county_boundaries",
            reference_dir=reference_dir,
            row_count=len(county_shapes),
            counts=counts,
        )
        rows = []
        for line, row in county_rows:
            code = row["lan_code"]
            if code not in regions or code not in county_shapes:
                raise ReferenceDataError(
                    f"counties.csv line {line}: county {code} lacks a region or a boundary"
                )
            rows.append(
                {
                    "code": code,
                    "name": row["lan_name"],
                    "region_name": regions[code]["region_name"],
                    "letter": regions[code]["lan_letter"],
                    "nuts3_code": row["nuts3_code"],
                    "centroid_lat": float(row["centroid_lat"]),
                    "centroid_lon": float(row["centroid_lon"]),
                    "jobtech_id": row["jobtech_region_id"],
                    "boundary": county_shapes[code],
                    "dataset": dataset,
                }
            )
        counties = upsert_rows(County, key_field="code", rows=rows, counts=counts)

        municipality_rows = list(read_csv_rows(reference_dir / files["municipalities"]["file"]))
        shapes = _geometries(
            reference_dir / files["municipality_boundaries"]["file"], "kommun_code"
        )
        dataset = dataset_register(
            "municipalities",
            reference_dir=reference_dir,
            row_count=len(municipality_rows),
            counts=counts,
        )
        dataset_register(
            "municipality_boundaries",
            reference_dir=reference_dir,
            row_count=len(shapes),
            counts=counts,
        )
        rows = []
        for line, row in municipality_rows:
            code = row["kommun_code"]
            if row["lan_code"] not in counties:
                raise ReferenceDataError(
                    f"counties_municipalities.csv line {line}: unknown county {row['lan_code']}"
                )
            if code not in shapes:
                raise ReferenceDataError(
                    f"counties_municipalities.csv line {line}: municipality {code} has no boundary"
                )
            rows.append(
                {
                    "code": code,
                    "name": row["kommun_name"],
                    "county": counties[row["lan_code"]],
                    "centroid_lat": float(row["centroid_lat"]),
                    "centroid_lon": float(row["centroid_lon"]),
                    "jobtech_id": row["jobtech_municipality_id"],
                    "boundary": shapes[code],
                    "dataset": dataset,
                }
            )
        upsert_rows(Municipality, key_field="code", rows=rows, counts=counts)
    return counts
