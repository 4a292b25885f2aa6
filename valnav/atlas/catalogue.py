"""Loading the catalogue of validation models (data/reference/validation_models.toml)."""

from __future__ import annotations

from pathlib import Path

from valnav.core.reference import REFERENCE_DIR, ImportCounts


def catalogue_import(*, reference_dir: Path = REFERENCE_DIR) -> ImportCounts:
    """Create or update every model of the catalogue; idempotent. (Being written.)"""
    return ImportCounts()
