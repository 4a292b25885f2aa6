"""Loading the catalogue of validation models (data/reference/validation_models.toml).

The whole file is read and checked before anything is written, so a broken catalogue is
refused with a message that names the model and nothing changes. A second run with the same
file writes nothing: models are compared field by field, and their steps, criteria and SSYK
occupations are replaced only when they differ.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.accounts.services import organisation_create
from valnav.atlas.models import (
    Criterion,
    ModelKind,
    ModelStep,
    OutcomeDocument,
    Payer,
    ValidationModel,
)
from valnav.atlas.services import search_stems_refresh
from valnav.core.reference import (
    REFERENCE_DIR,
    ImportCounts,
    ReferenceDataError,
    dataset_register,
    manifest,
)
from valnav.taxonomy.models import Branch, Occupation

DATASET_KEY = "validation_models"

# A TOML table after parsing; values are checked one by one below.
type RawTable = Mapping[str, object]


@dataclass(frozen=True)
class StepSpec:
    title: str
    description: str


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    title: str
    description: str


@dataclass(frozen=True)
class ModelSpec:
    """One [[model]] table of the catalogue, checked against the reference data."""

    key: str
    name: str
    kind: str
    branch_key: str
    owner: str
    owner_kind: str
    parties: str
    summary: str
    ssyk: tuple[str, ...]
    seqf_level: int | None
    outcome_documents: tuple[str, ...]
    payer: str
    source_urls: tuple[str, ...]
    last_verified: date | None
    steps: tuple[StepSpec, ...]
    criteria: tuple[CriterionSpec, ...]


class _ModelTableError(Exception):
    """A problem in one model table; catalogue_import adds the file and model key."""


def _string(table: RawTable, name: str, *, required: bool = True) -> str:
    value = table.get(name, "")
    if not isinstance(value, str):
        raise _ModelTableError(f"{name} must be text")
    value = value.strip()
    if required and not value:
        raise _ModelTableError(f"{name} is missing")
    return value


def _strings(table: RawTable, name: str) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _ModelTableError(f"{name} must be a list of text values")
    return tuple(item.strip() for item in value if isinstance(item, str))


def _tables(table: RawTable, name: str) -> list[RawTable]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _ModelTableError(f"{name} must be a list of tables")
    return [item for item in value if isinstance(item, dict)]


def _date(table: RawTable, name: str) -> date | None:
    value = table.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):  # TOML date-times are dates too; keep the day
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise _ModelTableError(f"{name} is not a date (YYYY-MM-DD): {value!r}") from error
    raise _ModelTableError(f"{name} is not a date (YYYY-MM-DD)")


def _model_spec(table: RawTable, *, branch_keys: set[str], ssyk_codes: set[str]) -> ModelSpec:
    key = _string(table, "key")
    if slugify(key) != key:
        raise _ModelTableError(f"key {key!r} is not a slug (lower-case letters, digits and dashes)")
    kind = _string(table, "kind")
    if kind not in ModelKind.values:
        raise _ModelTableError(f"unknown kind {kind!r}")
    branch_key = _string(table, "branch", required=False)
    if branch_key and branch_key not in branch_keys:
        raise _ModelTableError(f"unknown branch {branch_key!r}")
    owner = _string(table, "owner", required=False)
    default_kind = (
        OrganisationKind.BRANCH_ORGANISATION if kind == ModelKind.BRANCH else OrganisationKind.OTHER
    )
    owner_kind = _string(table, "owner_kind", required=False) or default_kind
    if owner_kind not in OrganisationKind.values:
        raise _ModelTableError(f"unknown owner_kind {owner_kind!r}")
    ssyk = _strings(table, "ssyk")
    if not ssyk:
        raise _ModelTableError("no SSYK code")
    unknown_codes = [code for code in ssyk if code not in ssyk_codes]
    if unknown_codes:
        raise _ModelTableError(
            f"unknown SSYK code {', '.join(unknown_codes)} (need 4-digit SSYK 2012)"
        )
    seqf = table.get("seqf")
    if seqf is not None and (isinstance(seqf, bool) or not isinstance(seqf, int)):
        raise _ModelTableError("seqf must be a whole number")
    if isinstance(seqf, int) and not 1 <= seqf <= 8:
        raise _ModelTableError(f"seqf {seqf} is outside SeQF levels 1–8")
    documents = _strings(table, "outcome_documents")
    unknown_documents = [value for value in documents if value not in OutcomeDocument.values]
    if unknown_documents:
        raise _ModelTableError(f"unknown outcome document {', '.join(unknown_documents)}")
    payer = _string(table, "payer")
    if payer not in Payer.values:
        raise _ModelTableError(f"unknown payer {payer!r}")
    steps = tuple(
        StepSpec(
            title=_string(step, "title"), description=_string(step, "description", required=False)
        )
        for step in _tables(table, "steps")
    )
    if not steps:
        raise _ModelTableError("no steps")
    criteria = tuple(
        CriterionSpec(
            code=_string(item, "code"),
            title=_string(item, "title"),
            description=_string(item, "description", required=False),
        )
        for item in _tables(table, "criteria")
    )
    if not criteria:
        raise _ModelTableError("no criteria")
    codes = [criterion.code for criterion in criteria]
    if len(set(codes)) != len(codes):
        raise _ModelTableError("criterion codes repeat")
    return ModelSpec(
        key=key,
        name=_string(table, "name"),
        kind=kind,
        branch_key=branch_key,
        owner=owner,
        owner_kind=owner_kind,
        parties=_string(table, "parties", required=False),
        summary=_string(table, "summary"),
        ssyk=tuple(dict.fromkeys(ssyk)),
        seqf_level=seqf if isinstance(seqf, int) else None,
        outcome_documents=documents,
        payer=payer,
        source_urls=_strings(table, "sources"),
        last_verified=_date(table, "last_verified"),
        steps=steps,
        criteria=criteria,
    )


def catalogue_read(path: Path, *, branch_keys: set[str], ssyk_codes: set[str]) -> list[ModelSpec]:
    """Parse and check the whole catalogue; raises ReferenceDataError naming file and model."""
    name = path.name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ReferenceDataError(f"{name}: {error}") from error
    tables = data.get("model", [])
    if not isinstance(tables, list) or not tables:
        raise ReferenceDataError(f"{name}: no [[model]] tables")
    specs: list[ModelSpec] = []
    seen: set[str] = set()
    for position, table in enumerate(tables, start=1):
        label = (
            str(table.get("key") or f"#{position}") if isinstance(table, dict) else str(position)
        )
        if not isinstance(table, dict):
            raise ReferenceDataError(f"{name} model {label}: not a table")
        try:
            spec = _model_spec(table, branch_keys=branch_keys, ssyk_codes=ssyk_codes)
        except _ModelTableError as problem:
            raise ReferenceDataError(f"{name} model {label}: {problem}") from problem
        if spec.key in seen:
            raise ReferenceDataError(f"{name} model {spec.key}: the key is used twice")
        seen.add(spec.key)
        specs.append(spec)
    return specs


def _owner(
    spec: ModelSpec, owners: dict[str, Organisation], counts: ImportCounts
) -> Organisation | None:
    """The owner organisation, found by name first and created when missing."""
    if not spec.owner:
        return None
    organisation = owners.get(spec.owner)
    if organisation is None:
        organisation = Organisation.objects.filter(name=spec.owner, is_demo=False).first()
    if organisation is None:
        organisation = organisation_create(name=spec.owner, kind=spec.owner_kind)
        counts.created += 1
    owners[spec.owner] = organisation
    return organisation


def _steps_of(model: ValidationModel) -> list[StepSpec]:
    return [StepSpec(step.title, step.description) for step in model.steps.all()]


def _criteria_of(model: ValidationModel) -> list[CriterionSpec]:
    return [CriterionSpec(item.code, item.title, item.description) for item in model.criteria.all()]


def _apply_spec(
    model: ValidationModel, spec: ModelSpec, *, branch: Branch | None, owner: Organisation | None
) -> bool:
    """Copy the spec's own fields onto the model; True when something changed."""
    values: dict[str, object] = {
        "name": spec.name,
        "kind": spec.kind,
        "parties": spec.parties,
        "summary": spec.summary,
        "seqf_level": spec.seqf_level,
        "outcome_documents": list(spec.outcome_documents),
        "payer": spec.payer,
        "source_urls": list(spec.source_urls),
        "last_verified": spec.last_verified,
    }
    changed = False
    for name, value in values.items():
        if getattr(model, name) != value:
            setattr(model, name, value)
            changed = True
    # Foreign keys compared by id, so the related rows are not loaded.
    branch_id = branch.pk if branch else None
    if model.branch_id != branch_id:
        model.branch = branch
        changed = True
    owner_id = owner.pk if owner else None
    if model.owner_id != owner_id:
        model.owner = owner
        changed = True
    return changed


def _save(model: ValidationModel, spec: ModelSpec) -> None:
    try:
        model.full_clean()
    except ValidationError as error:
        raise ReferenceDataError(
            f"validation_models.toml model {spec.key}: {'; '.join(error.messages)}"
        ) from error
    model.save()


def _write_model(
    spec: ModelSpec,
    *,
    existing: ValidationModel | None,
    branch: Branch | None,
    owner: Organisation | None,
    occupations: Mapping[str, Occupation],
) -> tuple[ValidationModel, bool]:
    """Create or update one model with its steps, criteria and occupations; True if changed."""
    model = existing or ValidationModel(key=spec.key)
    changed = _apply_spec(model, spec, branch=branch, owner=owner) or existing is None
    if changed:
        _save(model, spec)
    if existing is None or _steps_of(model) != list(spec.steps):
        ModelStep.objects.filter(model=model).delete()
        ModelStep.objects.bulk_create(
            ModelStep(
                model=model, position=position, title=step.title, description=step.description
            )
            for position, step in enumerate(spec.steps, start=1)
        )
        changed = True
    if existing is None or _criteria_of(model) != list(spec.criteria):
        Criterion.objects.filter(model=model).delete()
        Criterion.objects.bulk_create(
            Criterion(
                model=model,
                position=position,
                code=criterion.code,
                title=criterion.title,
                description=criterion.description,
            )
            for position, criterion in enumerate(spec.criteria, start=1)
        )
        changed = True
    current_codes = {occupation.code for occupation in model.occupations.all()}
    if current_codes != set(spec.ssyk):
        model.occupations.set([occupations[code] for code in spec.ssyk])
        changed = True
    if changed and existing is not None:
        # Steps, criteria and occupations are part of the model: show the change on it too.
        ValidationModel.objects.filter(pk=model.pk).update(updated_at=timezone.now())
    return model, changed


def catalogue_import(*, reference_dir: Path = REFERENCE_DIR) -> ImportCounts:
    """Create or update every model of the catalogue; idempotent and all-or-nothing.

    Models that are no longer in the file are left as they are (offers may point at them);
    their keys are listed in the returned notes.
    """
    counts = ImportCounts()
    entry = manifest(reference_dir)[DATASET_KEY]
    path = reference_dir / entry["file"]
    branches = {branch.key: branch for branch in Branch.objects.all()}
    occupations = {occupation.code: occupation for occupation in Occupation.objects.unit_groups()}
    specs = catalogue_read(path, branch_keys=set(branches), ssyk_codes=set(occupations))
    existing = {
        model.key: model
        for model in ValidationModel.objects.prefetch_related("steps", "criteria", "occupations")
    }
    owners: dict[str, Organisation] = {}
    changed_ids: list[int] = []
    with transaction.atomic():
        for spec in specs:
            model = existing.get(spec.key)
            owner = _owner(spec, owners, counts)
            branch = branches.get(spec.branch_key) if spec.branch_key else None
            saved, changed = _write_model(
                spec, existing=model, branch=branch, owner=owner, occupations=occupations
            )
            if model is None:
                counts.created += 1
            elif changed:
                counts.updated += 1
            else:
                counts.unchanged += 1
            if changed:
                changed_ids.append(saved.pk)
        dataset_register(
            DATASET_KEY, reference_dir=reference_dir, row_count=len(specs), counts=counts
        )
        if changed_ids:
            search_stems_refresh(model_ids=changed_ids)
    missing = sorted(set(existing) - {spec.key for spec in specs})
    if missing:
        counts.notes.append(f"Models not in the catalogue (left unchanged): {', '.join(missing)}")
    return counts
