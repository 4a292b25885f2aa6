"""Loading shipped reference files idempotently: a second run changes nothing, a changed file
updates rows in place, and every row points at the ReferenceDataset it came from."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from valnav.core.figures_cache import figures_data_changed
from valnav.core.models import ReferenceDataset
from valnav.lib.csv_io import file_sha256

REFERENCE_DIR = Path(settings.BASE_DIR) / "data" / "reference"


class ReferenceDataError(Exception):
    """A reference file that cannot be loaded; the message names file and line."""


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.notes.extend(other.notes)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def manifest(reference_dir: Path = REFERENCE_DIR) -> dict[str, dict[str, str]]:
    with (reference_dir / "datasets.toml").open("rb") as handle:
        return tomllib.load(handle)


def dataset_register(
    key: str, *, reference_dir: Path, row_count: int, counts: ImportCounts
) -> ReferenceDataset:
    """Create or refresh the provenance record of one file; untouched when nothing changed."""
    entry = manifest(reference_dir)[key]
    path = reference_dir / entry["file"]
    values: dict[str, Any] = {
        "title": entry["title"],
        "file_name": entry["file"],
        "publisher": entry["publisher"],
        "licence": entry["licence"],
        "version": entry["version"],
        "source_url": entry.get("source_url", ""),
        "sha256": file_sha256(path),
        "row_count": row_count,
    }
    dataset = ReferenceDataset.objects.filter(key=key).first()
    if dataset is None:
        counts.created += 1
        return ReferenceDataset.objects.create(key=key, imported_at=timezone.now(), **values)
    if any(getattr(dataset, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(dataset, name, value)
        dataset.imported_at = timezone.now()
        dataset.save()
        counts.updated += 1
    else:
        counts.unchanged += 1
    return dataset


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    if isinstance(value, models.Model) or (value is None and hasattr(obj, f"{name}_id")):
        # Compare foreign keys by id, without loading the related row.
        return bool(getattr(obj, f"{name}_id") != (value.pk if value is not None else None))
    return bool(getattr(obj, name) != value)


def upsert_rows[M: models.Model](
    model: type[M],
    *,
    key_field: str,
    rows: Iterable[Mapping[str, Any]],
    counts: ImportCounts,
) -> dict[str, M]:
    """Insert new rows and update changed ones, keyed by `key_field`; returns all by key.

    Rows are compared field by field so a second run with the same file writes nothing.
    """
    existing: dict[str, M] = {getattr(obj, key_field): obj for obj in model._default_manager.all()}
    to_create: list[M] = []
    to_update: list[M] = []
    update_fields: set[str] = set()
    for row in rows:
        key = row[key_field]
        obj = existing.get(key)
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
            existing[key] = obj
            continue
        changed = [name for name, value in row.items() if _differs(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            update_fields.update(changed)
            to_update.append(obj)
        else:
            counts.unchanged += 1
    if to_create or to_update:
        figures_data_changed()  # bulk writes send no signals
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=500)
        counts.created += len(to_create)
    if to_update:
        # bulk_update skips auto_now, so stamp the rows it touches.
        now = timezone.now()
        for obj in to_update:
            obj.updated_at = now  # type: ignore[attr-defined]  # every reference model has it
        update_fields.add("updated_at")
        model._default_manager.bulk_update(to_update, sorted(update_fields), batch_size=500)
        counts.updated += len(to_update)
    return existing
