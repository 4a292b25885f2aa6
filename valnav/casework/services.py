"""Writes for casework: registering individuals, opening cases and moving them through the
process. Every write checks the actor's role in the case's organisation, records who, when and
why, and is logged in the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, User
from valnav.atlas.models import Criterion
from valnav.casework.models import (
    CASE_ROLES,
    AssessmentMethod,
    CaseTransition,
    CriterionAssessment,
    CriterionResult,
    Individual,
    Referral,
    ReferralShare,
    ValidationCase,
)
from valnav.casework.states import CaseState, Decision, allowed_targets
from valnav.core.models import AccessAction
from valnav.core.permissions import Role
from valnav.core.services import access_log_record
from valnav.lib import fieldcrypto
from valnav.lib.personnummer import PersonnummerError, parse_personnummer

OPTIONAL_ITEMS = ("gender", "birth_year", "born_abroad", "languages")


class ConcurrentEditError(ValidationError):
    """Someone else saved the case after it was opened for editing."""


def case_roles(actor: User, organisation: Organisation) -> set[str]:
    return set(
        actor.memberships.filter(organisation=organisation, role__in=CASE_ROLES).values_list(
            "role", flat=True
        )
    )


def _require_role(actor: User, organisation: Organisation, roles: tuple[str, ...]) -> None:
    if not case_roles(actor, organisation) & set(roles):
        raise PermissionDenied(_("You do not handle cases for this organisation."))


def individual_register(
    *,
    actor: User,
    organisation: Organisation,
    data: dict[str, Any],
    personnummer: str = "",
    purposes: dict[str, str] | None = None,
) -> Individual:
    """Register a person. Optional items (gender, birth year, born abroad, languages) need a
    recorded purpose; a personnummer is validated, encrypted and hashed for look-up."""
    _require_role(actor, organisation, CASE_ROLES)
    purposes = {key: value for key, value in (purposes or {}).items() if value.strip()}
    missing = [
        item
        for item in OPTIONAL_ITEMS
        if data.get(item) not in (None, "") and not purposes.get(item)
    ]
    if missing:
        raise ValidationError(
            {item: _("Say why this is recorded (its purpose).") for item in missing}
        )
    individual = Individual(organisation=organisation, purposes=purposes, **data)
    if personnummer.strip():
        try:
            identity = parse_personnummer(personnummer)
        except PersonnummerError as error:
            raise ValidationError(
                {"personnummer": PERSONNUMMER_MESSAGES[error.code]}, code=error.code
            ) from error
        individual.personnummer_encrypted = fieldcrypto.encrypt(identity.number)
        individual.personnummer_lookup = fieldcrypto.lookup_hash(identity.number)
    with transaction.atomic():
        individual.full_clean()
        individual.save()
        access_log_record(
            actor=actor,
            action=AccessAction.CREATE,
            record_type="casework.individual",
            record_ref=individual.pseudonym,
            purpose=_("Registered for validation"),
        )
    return individual


PERSONNUMMER_MESSAGES = {
    "format": _("A personnummer has 10 or 12 digits, e.g. 19811218-9876."),
    "date": _("The personnummer does not contain a real date."),
    "checksum": _("The check digit (the last digit) of the personnummer is wrong."),
    "future": _("The personnummer has a birth date in the future."),
}


def case_open(
    *,
    actor: User,
    individual: Individual,
    organisation: Organisation,
    first_contact: date | None = None,
    target: dict[str, Any],
    reason: str = "",
) -> ValidationCase:
    """Open a case at the inquiry state for a model, an occupation or a Komvux course."""
    _require_role(actor, organisation, CASE_ROLES)
    case = ValidationCase(
        individual=individual,
        organisation=organisation,
        municipality=individual.municipality,
        first_contact=first_contact or timezone.localdate(),
        **target,
    )
    with transaction.atomic():
        case.full_clean()
        case.save()
        if Role.ASSESSOR in case_roles(actor, organisation):
            case.assessors.add(actor)
        CaseTransition.objects.create(
            case=case,
            from_state="",
            to_state=CaseState.INQUIRY,
            actor=actor,
            at=timezone.now(),
            reason=reason,
        )
        access_log_record(
            actor=actor,
            action=AccessAction.CREATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Case opened"),
        )
    return case


def case_transition(
    *,
    case: ValidationCase,
    actor: User,
    to_state: CaseState | str,
    expected_version: int,
    reason: str = "",
    decision: Decision | str = "",
) -> ValidationCase:
    """Move a case to `to_state`, or refuse: a transition the process does not allow, a
    decision without its result, or a case saved by someone else since `expected_version`."""
    to_state = CaseState(to_state)
    roles: tuple[str, ...] = CASE_ROLES
    if to_state in (CaseState.DECISION, CaseState.DOCUMENTED):
        roles = (Role.ASSESSOR,)  # only an assessor decides and documents
    _require_role(actor, case.organisation, roles)
    current = CaseState(case.state)
    if to_state not in allowed_targets(current):
        raise ValidationError(
            _("A case in the state “%(current)s” cannot go to “%(target)s”.")
            % {"current": current.label, "target": to_state.label},
            code="invalid_transition",
        )
    if to_state == CaseState.DECISION and decision not in Decision.values:
        raise ValidationError(
            {"decision": _("Choose the decision: fully met, partly met or not met.")},
            code="decision_required",
        )
    changes: dict[str, Any] = {
        "state": to_state,
        "version": F("version") + 1,
        "updated_at": timezone.now(),
    }
    if to_state == CaseState.DECISION:
        changes["decision"] = decision
    if not allowed_targets(to_state):  # closed, withdrawn or referred: retention starts
        changes["ended_on"] = timezone.localdate()
    with transaction.atomic():
        updated = ValidationCase.objects.filter(pk=case.pk, version=expected_version).update(
            **changes
        )
        if not updated:
            raise ConcurrentEditError(
                _(
                    "Someone else changed this case after you opened it. Nothing was saved; "
                    "reload the case to see their change and try again."
                ),
                code="concurrent_edit",
            )
        CaseTransition.objects.create(
            case=case,
            from_state=current,
            to_state=to_state,
            actor=actor,
            at=timezone.now(),
            reason=reason,
        )
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("State changed"),
        )
    case.refresh_from_db()
    return case


ASSESSABLE_STATES = (CaseState.IN_DEPTH_MAPPING, CaseState.ASSESSMENT, CaseState.REASSESSMENT)


def assessment_record(
    *,
    case: ValidationCase,
    actor: User,
    criterion: Criterion,
    result: CriterionResult | str,
    method: AssessmentMethod | str,
    note: str = "",
    assessed_on: date | None = None,
) -> CriterionAssessment:
    """Record (or correct) the assessment of one criterion of the case's model."""
    _require_role(actor, case.organisation, (Role.ASSESSOR,))
    if case.state not in ASSESSABLE_STATES:
        raise ValidationError(
            _("Criteria are assessed during in-depth mapping, assessment or re-assessment."),
            code="not_assessable",
        )
    if case.model_id is None or criterion.model_id != case.model_id:
        raise ValidationError(
            {"criterion": _("The criterion is not part of this case's validation model.")},
            code="foreign_criterion",
        )
    with transaction.atomic():
        assessment = CriterionAssessment.objects.filter(case=case, criterion=criterion).first()
        assessment = assessment or CriterionAssessment(case=case, criterion=criterion)
        assessment.result = result
        assessment.method = method
        assessment.note = note
        assessment.assessor = actor
        assessment.assessed_on = assessed_on or timezone.localdate()
        assessment.full_clean()
        assessment.save()
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Criterion assessed"),
        )
    return assessment


def referral_send(
    *,
    case: ValidationCase,
    actor: User,
    to_organisation: Organisation,
    shares: list[str],
    consent_how: str,
    message: str = "",
) -> Referral:
    """Refer a case to another organisation. Needs the individual's recorded consent and
    shares only the listed parts; the case itself becomes 'referred' when it is the
    sending organisation's last step."""
    _require_role(actor, case.organisation, CASE_ROLES)
    unknown = set(shares) - set(ReferralShare.values)
    if unknown or not consent_how.strip():
        raise ValidationError(
            {
                **({"shares": _("Unknown parts to share.")} if unknown else {}),
                **(
                    {"consent_how": _("Record how the person consented to the referral.")}
                    if not consent_how.strip()
                    else {}
                ),
            }
        )
    referral = Referral(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        shares=sorted(set(shares)),
        consent_recorded_at=timezone.now(),
        consent_how=consent_how,
        message=message,
        created_by=actor,
    )
    with transaction.atomic():
        referral.full_clean()
        referral.save()
        access_log_record(
            actor=actor,
            action=AccessAction.EXPORT,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Referred to another organisation with consent"),
        )
    return referral
