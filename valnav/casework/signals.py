"""Keeping the case fact rows (`CaseFactRow`) in step with what they are derived from.

The rows are a cache of facts worked out from a case and what hangs on it, so they are the
one use the house style allows signals for: whatever saves a case, a transition, a plan item,
a document or a person (services, the admin, a shell), the affected cases' rows are rebuilt in
the same transaction. Bulk writes send no signals: `import_cases`, `credential_revoke`
and the demo data call `case_facts_refresh` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from valnav.casework.facts import case_facts_refresh
from valnav.casework.models import (
    CaseTransition,
    Credential,
    EducationPlanItem,
    Individual,
    ValidationCase,
)


def _case_saved(sender: type[ValidationCase], instance: ValidationCase, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the rows are rebuilt by `refresh_case_facts`
    case_facts_refresh([instance.pk])


def _part_changed(
    sender: type[CaseTransition | EducationPlanItem | Credential],
    instance: CaseTransition | EducationPlanItem | Credential,
    **kwargs: Any,
) -> None:
    if kwargs.get("raw"):
        return
    if ValidationCase.objects.filter(pk=instance.case_id).exists():
        case_facts_refresh([instance.case_id])


def _part_deleted(
    sender: type[CaseTransition | EducationPlanItem | Credential],
    instance: CaseTransition | EducationPlanItem | Credential,
    **kwargs: Any,
) -> None:
    # After the commit: the part may be going with its whole case, whose row the deletion has
    # already collected; a row written now would then block the case's deletion.
    case_id = instance.case_id

    def refresh() -> None:
        if ValidationCase.objects.filter(pk=case_id).exists():
            case_facts_refresh([case_id])

    transaction.on_commit(refresh)


def _individual_saved(sender: type[Individual], instance: Individual, **kwargs: Any) -> None:
    if kwargs.get("raw") or kwargs.get("created"):
        return  # a new person has no cases yet
    case_facts_refresh(instance.cases.values_list("pk", flat=True))


def connect() -> None:
    post_save.connect(_case_saved, sender=ValidationCase, dispatch_uid="casefacts-case")
    for model in (CaseTransition, EducationPlanItem, Credential):
        uid = f"casefacts-{model._meta.model_name}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_part_deleted, sender=model, dispatch_uid=f"{uid}-delete")
    post_save.connect(_individual_saved, sender=Individual, dispatch_uid="casefacts-individual")
