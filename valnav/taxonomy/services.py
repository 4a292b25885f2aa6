"""Writes for the classifications: loading SSYK 2012, JobTech names, SNI 2007 and S3 areas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from valnav.core.figures_cache import figures_data_changed
from valnav.core.reference import (
    REFERENCE_DIR,
    ImportCounts,
    ReferenceDataError,
    dataset_register,
    manifest,
    upsert_rows,
)
from valnav.lib.csv_io import read_csv_rows
from valnav.places.models import County
from valnav.taxonomy.models import (
    Branch,
    Industry,
    Occupation,
    OccupationName,
    S3Area,
    fold,
)


def _load(
    key: str, reference_dir: Path, counts: ImportCounts
) -> tuple[list[tuple[int, dict[str, str]]], Any]:
    entry = manifest(reference_dir)[key]
    rows = list(read_csv_rows(reference_dir / entry["file"]))
    dataset = dataset_register(key, reference_dir=reference_dir, row_count=len(rows), counts=counts)
    return rows, dataset


def occupations_import(*, reference_dir: Path, counts: ImportCounts) -> dict[str, Occupation]:
    rows, dataset = _load("ssyk2012", reference_dir, counts)
    by_code: dict[str, Occupation] = {}
    # Parents first: level 1 has no parent, each later level points one level up.
    for level in (1, 2, 3, 4):
        level_rows = []
        for line, row in rows:
            if int(row["level"]) != level:
                continue
            if len(row["code"]) != level:
                raise ReferenceDataError(f"ssyk2012.csv line {line}: code and level disagree")
            parent = by_code.get(row["parent"]) if row["parent"] else None
            if level > 1 and parent is None:
                raise ReferenceDataError(f"ssyk2012.csv line {line}: unknown parent")
            level_rows.append(
                {
                    "code": row["code"],
                    "level": level,
                    "name_sv": row["name_sv"],
                    "name_en": row["name_en"],
                    "parent": parent,
                    "dataset": dataset,
                }
            )
        found = upsert_rows(Occupation, key_field="code", rows=level_rows, counts=counts)
        by_code.update(found)
    return by_code


def occupation_names_import(
    *, reference_dir: Path, counts: ImportCounts, occupations: dict[str, Occupation]
) -> None:
    rows, dataset = _load("jobtech_occupation_names", reference_dir, counts)
    names = upsert_rows(
        OccupationName,
        key_field="concept_id",
        rows=[
            {
                "concept_id": row["concept_id"],
                "label": row["preferred_label"],
                "occupation_field": row["occupation_field"],
                "dataset": dataset,
            }
            for _, row in rows
        ],
        counts=counts,
    )
    wanted: set[tuple[int, int]] = set()
    for line, row in rows:
        for code in filter(None, row["ssyk_code"].split(";")):
            if code not in occupations:
                raise ReferenceDataError(
                    f"jobtech_occupation_names.csv line {line}: unknown SSYK code {code}"
                )
            wanted.add((names[row["concept_id"]].pk, occupations[code].pk))
    through = OccupationName.occupations.through
    present = set(through.objects.values_list("occupationname_id", "occupation_id"))
    missing = wanted - present
    through.objects.bulk_create(
        [through(occupationname_id=name, occupation_id=occ) for name, occ in sorted(missing)],
        batch_size=1000,
    )
    stale = present - wanted
    for name_id, occupation_id in stale:
        through.objects.filter(occupationname_id=name_id, occupation_id=occupation_id).delete()
    counts.created += len(missing)
    counts.updated += len(stale)
    occupation_search_text_refresh(counts=counts)


def occupation_search_text_refresh(*, counts: ImportCounts) -> None:
    """Recompute each occupation's search text from its names and synonyms."""
    synonyms: dict[int, list[str]] = {}
    through = OccupationName.occupations.through
    for occupation_id, label in through.objects.values_list(
        "occupation_id", "occupationname__label"
    ):
        synonyms.setdefault(occupation_id, []).append(label)
    changed = []
    for occupation in Occupation.objects.all():
        parts = [occupation.code, occupation.name_sv, occupation.name_en]
        parts += sorted(synonyms.get(occupation.pk, []))
        text = fold(" | ".join(part for part in parts if part))
        if occupation.search_text != text:
            occupation.search_text = text
            changed.append(occupation)
    Occupation.objects.bulk_update(changed, ["search_text"], batch_size=500)
    counts.updated += len(changed)


def industries_import(*, reference_dir: Path, counts: ImportCounts) -> None:
    rows, dataset = _load("sni2007", reference_dir, counts)
    sections = upsert_rows(
        Industry,
        key_field="code",
        rows=[
            {
                "code": row["code"],
                "level": row["level"],
                "name_sv": row["name_sv"],
                "parent": None,
                "dataset": dataset,
            }
            for _, row in rows
            if row["level"] == Industry.Level.SECTION
        ],
        counts=counts,
    )
    division_rows = []
    for line, row in rows:
        if row["level"] != Industry.Level.DIVISION:
            continue
        if row["parent"] not in sections:
            raise ReferenceDataError(f"sni2007.csv line {line}: unknown section {row['parent']}")
        division_rows.append(
            {
                "code": row["code"],
                "level": row["level"],
                "name_sv": row["name_sv"],
                "parent": sections[row["parent"]],
                "dataset": dataset,
            }
        )
    upsert_rows(Industry, key_field="code", rows=division_rows, counts=counts)


def s3_areas_import(*, reference_dir: Path, counts: ImportCounts) -> None:
    rows, dataset = _load("s3_areas", reference_dir, counts)
    counties = {county.code: county for county in County.objects.all()}
    area_rows = []
    for line, row in rows:
        county = counties.get(row["lan_code"]) if row["lan_code"] else None
        if row["lan_code"] and county is None:
            raise ReferenceDataError(f"s3_areas.csv line {line}: unknown county {row['lan_code']}")
        area_rows.append(
            {
                "key": row["key"],
                "name": row["name"],
                "county": county,
                "strategy": row["strategy"],
                "source": row["source"],
                "verified": row["verified"] == "1",
                "dataset": dataset,
            }
        )
    upsert_rows(S3Area, key_field="key", rows=area_rows, counts=counts)


def branches_import(*, reference_dir: Path, counts: ImportCounts) -> None:
    rows, dataset = _load("branches", reference_dir, counts)
    sections = {industry.code: industry for industry in Industry.objects.filter(level="section")}
    branches = upsert_rows(
        Branch,
        key_field="key",
        rows=[
            {
                "key": row["key"],
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
                "dataset": dataset,
            }
            for _, row in rows
        ],
        counts=counts,
    )
    for line, row in rows:
        wanted = []
        for code in filter(None, row["sni_sections"].split(";")):
            if code not in sections:
                raise ReferenceDataError(f"branches.csv line {line}: unknown SNI section {code}")
            wanted.append(sections[code])
        branch = branches[row["key"]]
        if {i.pk for i in wanted} != set(branch.industries.values_list("pk", flat=True)):
            branch.industries.set(wanted)
            counts.updated += 1


def taxonomy_import(*, reference_dir: Path = REFERENCE_DIR) -> ImportCounts:
    """Load every classification; idempotent. Needs the counties (places_import) first."""
    counts = ImportCounts()
    with transaction.atomic():
        figures_data_changed()  # the classifications are written in bulk
        occupations = occupations_import(reference_dir=reference_dir, counts=counts)
        occupation_names_import(reference_dir=reference_dir, counts=counts, occupations=occupations)
        industries_import(reference_dir=reference_dir, counts=counts)
        branches_import(reference_dir=reference_dir, counts=counts)
        s3_areas_import(reference_dir=reference_dir, counts=counts)
    return counts
