"""Writes for casework: registering individuals, opening cases and moving them through the
process. Every write checks the actor's role in the case's organisation, records who, when and
why, and is logged in the access log."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valnav.accounts.models import Organisation, User
from valnav.atlas.models import ComplementaryEducation, Criterion, ModelKind
from valnav.casework.komvux import komvux_catalogue
from valnav.casework.models import (
    CASE_ROLES,
    AssessmentMethod,
    CaseTransition,
    CourseExtent,
    CourseMatch,
    CriterionAssessment,
    CriterionResult,
    DocumentType,
    EducationPlanItem,
    EvidenceFile,
    Examination,
    Grade,
    Individual,
    PlanItemStatus,
    Referral,
    ReferralShare,
    ReferralStatus,
    ValidationCase,
)
from valnav.casework.states import CaseState, Decision, allowed_targets
from valnav.core.http import public_url
from valnav.core.models import AccessAction, AccessLogEntry
from valnav.core.permissions import Role
from valnav.core.services import access_log_record
from valnav.core.uploads import type_names, upload_check, upload_store
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


# Lazy: translated when shown, so each user (and each import) reads them in their language.
PERSONNUMMER_MESSAGES = {
    "format": gettext_lazy("A personnummer has 10 or 12 digits, e.g. 19900321-2389."),
    "date": gettext_lazy("The personnummer does not contain a real date."),
    "checksum": gettext_lazy("The check digit (the last digit) of the personnummer is wrong."),
    "future": gettext_lazy("The personnummer has a birth date in the future."),
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


# Only an assessor decides and documents.
ASSESSOR_ONLY_TARGETS = (CaseState.DECISION, CaseState.DOCUMENTED)


def _concurrent_edit_error() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Someone else changed this case after you opened it. Nothing was saved; "
            "reload the case to see their change and try again."
        ),
        code="concurrent_edit",
    )


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
    if to_state in ASSESSOR_ONLY_TARGETS:
        roles = (Role.ASSESSOR,)
    _require_role(actor, case.organisation, roles)
    if expected_version != case.version:
        # Chosen against a version the case no longer has: refuse before judging the target
        # against a state the user never saw.
        raise _concurrent_edit_error()
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
            raise _concurrent_edit_error()
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


@dataclass(frozen=True)
class AssessmentEntry:
    """One criterion's row of the assessment form (casework.views_cases.case_assess)."""

    criterion: Criterion
    result: CriterionResult | str
    method: AssessmentMethod | str
    note: str = ""


def assessments_record(
    *, case: ValidationCase, actor: User, entries: Sequence[AssessmentEntry]
) -> list[CriterionAssessment]:
    """Record the assessments of several criteria at once: all of them or, if one is refused,
    none, so that the page never shows half a save."""
    with transaction.atomic():
        return [
            assessment_record(
                case=case,
                actor=actor,
                criterion=entry.criterion,
                result=entry.result,
                method=entry.method,
                note=entry.note,
            )
            for entry in entries
        ]


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
        transaction.on_commit(lambda: _referral_notify(referral))
    return referral


def _referral_notify(referral: Referral) -> None:
    """Tell the receiving organisation's case handlers by e-mail. The e-mail carries the case
    reference and a link, never the person: what the referral shares is read after login,
    through casework.selectors.case_for."""
    recipients = sorted(
        User.objects.filter(
            is_active=True,
            memberships__organisation=referral.to_organisation,
            memberships__role__in=CASE_ROLES,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return
    reference = referral.case.reference
    body = render_to_string(
        "casework/referral_email.txt",
        {
            "sender": referral.from_organisation.name,
            "receiver": referral.to_organisation.name,
            "reference": reference,
            "link": public_url(reverse("casework:case-detail", kwargs={"reference": reference})),
        },
    )
    with translation.override("sv"):
        subject = _("Valnav: a case is referred to you (%(reference)s)") % {"reference": reference}
    send_mail(subject, body, None, recipients)


def case_transition_targets(*, case: ValidationCase, actor: User) -> tuple[CaseState, ...]:
    """The states `actor` may move the case to now (what case_transition would accept)."""
    roles = case_roles(actor, case.organisation)
    if not roles:
        return ()
    targets = allowed_targets(case.state)
    if Role.ASSESSOR not in roles:
        targets = tuple(state for state in targets if state not in ASSESSOR_ONLY_TARGETS)
    return targets


def case_views_log(*, actor: User, cases: Sequence[ValidationCase], purpose: str) -> None:
    """One VIEW entry per case shown, in one query: a list page costs the same however many
    rows it shows."""
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(
                actor=actor,
                action=AccessAction.VIEW,
                record_type="casework.validationcase",
                record_ref=case.reference,
                purpose=purpose[:200],
            )
            for case in cases
        ]
    )


def referral_respond(*, referral: Referral, actor: User, accept: bool) -> Referral:
    """The receiving organisation accepts or declines a referral it has not yet answered. A
    declined referral no longer shows the case to the receiver."""
    _require_role(actor, referral.to_organisation, CASE_ROLES)
    if referral.status != ReferralStatus.SENT:
        raise ValidationError(
            _("This referral has already been answered (%(status)s).")
            % {"status": ReferralStatus(referral.status).label},
            code="already_answered",
        )
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    with transaction.atomic():
        referral.full_clean()
        referral.save(update_fields=["status", "updated_at"])
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=referral.case.reference,
            purpose=_("Referral accepted") if accept else _("Referral declined"),
        )
    return referral


def _check_plan_dates(status: str, started_on: date | None, finished_on: date | None) -> None:
    errors: dict[str, str] = {}
    if status in (PlanItemStatus.STARTED, PlanItemStatus.FINISHED) and started_on is None:
        errors["started_on"] = _("Give the date the education started.")
    if status == PlanItemStatus.FINISHED and finished_on is None:
        errors["finished_on"] = _("Give the date the education finished.")
    if started_on and finished_on and finished_on < started_on:
        errors["finished_on"] = _("The education cannot finish before it started.")
    if errors:
        raise ValidationError(errors)


def plan_item_add(
    *,
    case: ValidationCase,
    actor: User,
    criterion: Criterion | None = None,
    education: ComplementaryEducation | None = None,
    status: PlanItemStatus | str = PlanItemStatus.PLANNED,
    started_on: date | None = None,
    finished_on: date | None = None,
    note: str = "",
) -> EducationPlanItem:
    """Add a step to the complementary-education plan: a gap of the case's model and the
    education chosen to close it."""
    _require_role(actor, case.organisation, CASE_ROLES)
    if criterion is not None and criterion.model_id != case.model_id:
        raise ValidationError(
            {"criterion": _("The criterion is not part of this case's validation model.")},
            code="foreign_criterion",
        )
    if criterion is None and education is None:
        raise ValidationError(
            {"education": _("Choose the gap, the education or both.")}, code="empty_plan_item"
        )
    _check_plan_dates(status, started_on, finished_on)
    item = EducationPlanItem(
        case=case,
        criterion=criterion,
        education=education,
        status=status,
        started_on=started_on,
        finished_on=finished_on,
        note=note,
    )
    with transaction.atomic():
        item.full_clean()
        item.save()
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Education plan changed"),
        )
    return item


def plan_item_update(
    *,
    item: EducationPlanItem,
    actor: User,
    status: PlanItemStatus | str,
    started_on: date | None = None,
    finished_on: date | None = None,
    note: str = "",
) -> EducationPlanItem:
    """Record how a step of the plan is going: started, finished or discontinued."""
    case = item.case
    _require_role(actor, case.organisation, CASE_ROLES)
    _check_plan_dates(status, started_on, finished_on)
    item.status = status
    item.started_on = started_on
    item.finished_on = finished_on
    item.note = note
    with transaction.atomic():
        item.full_clean()
        item.save()
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Education plan changed"),
        )
    return item


# What evidence may be, decided by the file's content (never its name or the browser's word):
# documents and photos an assessor can open without special software. HEIC is what iPhones
# take photos in.
EVIDENCE_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def evidence_type_names() -> str:
    return type_names(EVIDENCE_TYPES)


def evidence_add(
    *,
    case: ValidationCase,
    actor: User,
    upload: UploadedFile[bytes],
    assessment: CriterionAssessment | None = None,
    description: str = "",
) -> EvidenceFile:
    """Store a file supporting the case. Its type is recognised from its content; the stored
    name is random and the original name is kept only as data. If the database write fails,
    the stored file is removed again: no file without its row."""
    _require_role(actor, case.organisation, CASE_ROLES)
    if assessment is not None and assessment.case_id != case.pk:
        raise ValidationError(
            {"assessment": _("The criterion assessment belongs to another case.")},
            code="foreign_assessment",
        )
    checked = upload_check(
        upload,
        allowed=EVIDENCE_TYPES,
        max_bytes=settings.VALNAV_EVIDENCE_MAX_BYTES,
        default_stem="bevis",
    )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = EvidenceFile(
        case=case,
        assessment=assessment,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=actor,
    )
    evidence.full_clean(exclude=["file"])
    upload_store(evidence.file, upload)
    try:
        with transaction.atomic():
            evidence.full_clean()
            evidence.save()
            access_log_record(
                actor=actor,
                action=AccessAction.CREATE,
                record_type="casework.evidencefile",
                record_ref=case.reference,
                purpose=_("Evidence file added"),
            )
    except BaseException:
        if evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


# Documents: what each track issues ------------------------------------------------------------

# States in which the case has a decision that can be documented.
DOCUMENT_STATES = (
    CaseState.DECISION,
    CaseState.DOCUMENTED,
    CaseState.COMPLEMENTARY_EDUCATION,
    CaseState.REASSESSMENT,
    CaseState.CLOSED,
)
# Outside Komvux a document records a recognition: only these decisions lead to one.
RECOGNISING_DECISIONS = (Decision.FULL, Decision.PARTIAL)
# What Komvux validation issues when its model does not say (skollagen 20 kap. 43–45 §§;
# förordningen om vuxenutbildning 4 kap. 24 §).
KOMVUX_DOCUMENTS = (DocumentType.INTYG, DocumentType.BETYG)
# How a signer's role names the rektor, in Swedish or English (also "biträdande rektor").
SIGNER_WORDS_FOR_RECTOR = ("rektor", "principal")


def case_is_komvux(case: ValidationCase) -> bool:
    """A Komvux validation: the case's model is a Komvux one, or it has a Komvux course and
    no model."""
    if case.model is not None:
        return case.model.kind == ModelKind.KOMVUX
    return bool(case.komvux_course)


def document_types_of_track(case: ValidationCase) -> list[DocumentType]:
    """The documents the catalogue says the case's track issues: a Komvux intyg (and a betyg
    after prövning), or the model's own documents (validation_models.toml outcome_documents),
    or an intyg where no model names any."""
    named = list(case.model.outcome_documents) if case.model is not None else []
    if case_is_komvux(case):
        named = named or list(KOMVUX_DOCUMENTS)
        if DocumentType.INTYG not in named:
            named.insert(0, DocumentType.INTYG)
    types = [DocumentType(value) for value in named if value in DocumentType.values]
    return types or [DocumentType.INTYG]


def case_has_passed_examination(case: ValidationCase) -> bool:
    return case.examinations.exclude(grade=Grade.F).exists()


def document_types_allowed(case: ValidationCase) -> list[DocumentType]:
    """The documents that can be issued for the case now: those of its track, a betyg only
    after a passed prövning."""
    types = document_types_of_track(case)
    if DocumentType.BETYG in types and not case_has_passed_examination(case):
        types.remove(DocumentType.BETYG)
    return types


def document_issuable(case: ValidationCase) -> bool:
    """Whether the case has a decision that a document can record (of any kind)."""
    if case.state not in DOCUMENT_STATES or not case.decision:
        return False
    return case_is_komvux(case) or case.decision in RECOGNISING_DECISIONS


def document_issue_check(
    case: ValidationCase, document_type: DocumentType | str, *, signer_title: str = "rektor"
) -> None:
    """Refuse a document the case cannot have: before a decision; outside Komvux after a
    decision of 'not met' (a Komvux assessment always ends in an intyg, whatever its result);
    a betyg without a passed prövning; a document its track does not issue; a Komvux intyg
    not signed by the rektor (skollagen 20 kap. 43 §)."""
    komvux = case_is_komvux(case)
    if (
        komvux
        and document_type == DocumentType.INTYG
        and not any(word in signer_title.lower() for word in SIGNER_WORDS_FOR_RECTOR)
    ):
        raise ValidationError(
            {"signer_title": _("A Komvux intyg is signed by the rektor (principal).")},
            code="intyg_needs_rektor",
        )
    if case.state not in DOCUMENT_STATES or not case.decision:
        raise ValidationError(
            _("A document is issued after the decision of the assessment."), code="no_decision"
        )
    if document_type == DocumentType.BETYG and not case_has_passed_examination(case):
        raise ValidationError(
            {
                "document_type": _(
                    "A betyg needs a passed examination (prövning) in the course or subject."
                )
            },
            code="betyg_needs_examination",
        )
    if not komvux and case.decision not in RECOGNISING_DECISIONS:
        raise ValidationError(
            _("A document is issued after a decision of full or partial recognition."),
            code="no_decision",
        )
    allowed = document_types_of_track(case)
    if document_type not in allowed:
        raise ValidationError(
            {
                "document_type": _("This case's track issues only: %(documents)s.")
                % {"documents": ", ".join(str(choice.label) for choice in allowed)}
            },
            code="document_not_of_track",
        )


def document_issued_in_name_of(case: ValidationCase) -> Organisation | None:
    """A branch model's document is issued in the name of the model's owner; Komvux and
    other documents in the name of the case's organisation (None)."""
    model = case.model
    if model is None or model.kind != ModelKind.BRANCH or model.owner_id is None:
        return None
    return model.owner


# Komvux: matched courses and prövning -------------------------------------------------------

MATCHABLE_STATES = (
    CaseState.IN_DEPTH_MAPPING,
    CaseState.ASSESSMENT,
    CaseState.REASSESSMENT,
    CaseState.DECISION,
)
EXAMINATION_STATES = (
    CaseState.DECISION,
    CaseState.DOCUMENTED,
    CaseState.COMPLEMENTARY_EDUCATION,
    CaseState.REASSESSMENT,
)


def _catalogue_course(course_key: str) -> tuple[str, str]:
    course = komvux_catalogue().get(course_key)
    if course is None:
        raise ValidationError(
            {"course_key": _("Choose a course or subject from the Komvux catalogue.")},
            code="unknown_course",
        )
    return course.key, course.name


def course_match_set(
    *,
    case: ValidationCase,
    actor: User,
    course_key: str,
    extent: CourseExtent | str,
) -> CourseMatch:
    """Record that the person's knowledge corresponds fully or partly to a Komvux course or
    subject level (named on the intyg), or correct how far it does."""
    _require_role(actor, case.organisation, (Role.ASSESSOR,))
    if not case_is_komvux(case):
        raise ValidationError(
            _("Courses and subjects are matched in Komvux validation only."), code="not_komvux"
        )
    if case.state not in MATCHABLE_STATES:
        raise ValidationError(
            _("Courses are matched during in-depth mapping, assessment or re-assessment."),
            code="not_assessable",
        )
    key, name = _catalogue_course(course_key)
    with transaction.atomic():
        match = CourseMatch.objects.filter(case=case, course_key=key).first()
        match = match or CourseMatch(case=case, course_key=key)
        match.course_name = name
        match.extent = extent
        match.full_clean()
        match.save()
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Course matched"),
        )
    return match


def course_match_remove(*, match: CourseMatch, actor: User) -> None:
    case = match.case
    _require_role(actor, case.organisation, (Role.ASSESSOR,))
    if case.state not in MATCHABLE_STATES:
        raise ValidationError(
            _("Courses are matched during in-depth mapping, assessment or re-assessment."),
            code="not_assessable",
        )
    with transaction.atomic():
        match.delete()
        access_log_record(
            actor=actor,
            action=AccessAction.UPDATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Course matched"),
        )


def examination_record(
    *,
    case: ValidationCase,
    actor: User,
    course_key: str,
    examiner_name: str,
    grade: Grade | str,
    held_on: date | None = None,
) -> Examination:
    """Record a prövning in a Komvux course or subject level after the validation's decision:
    the examiner and the grade. A passed one (A–E) lets a betyg be issued."""
    _require_role(actor, case.organisation, (Role.ASSESSOR,))
    if not case_is_komvux(case):
        raise ValidationError(
            _("An examination (prövning) belongs to Komvux validation."), code="not_komvux"
        )
    if case.state not in EXAMINATION_STATES:
        raise ValidationError(
            _("An examination (prövning) follows the decision of the validation."),
            code="not_examinable",
        )
    key, name = _catalogue_course(course_key)
    errors: dict[str, str] = {}
    if not examiner_name.strip():
        errors["examiner_name"] = _("Name the teacher who examined.")
    if grade not in Grade.values:
        errors["grade"] = _("Choose a grade from A to F.")
    if errors:
        raise ValidationError(errors)
    examination = Examination(
        case=case,
        course_key=key,
        course_name=name,
        examiner_name=examiner_name.strip(),
        grade=grade,
        held_on=held_on or timezone.localdate(),
        recorded_by=actor,
    )
    with transaction.atomic():
        examination.full_clean()
        examination.save()
        access_log_record(
            actor=actor,
            action=AccessAction.CREATE,
            record_type="casework.validationcase",
            record_ref=case.reference,
            purpose=_("Examination (prövning) recorded"),
        )
    return examination
