"""GDPR and secrecy for casework: the register extract (GDPR art. 15), anonymisation, retention
(gallring) per record class, re-encryption under a new field key, and searching the access log.

Swedish terms: *registerutdrag* (register extract: everything stored about one person),
*gallring* (culling: destroying records whose retention period has passed, under a decision
that the archive law, arkivlagen 1990:782, requires), *allmän handling* (an official document,
which an authority keeps or culls only as its archive rules say). docs/privacy.md explains what
is kept, culled and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.accounts.models import User
from valnav.casework.models import (
    CASE_ROLES,
    CaseTransition,
    CourseMatch,
    Credential,
    CriterionAssessment,
    EducationPlanItem,
    EvidenceFile,
    Examination,
    Individual,
    Referral,
    ReferralShare,
    ValidationCase,
)
from valnav.core.models import AccessAction, AccessLogEntry
from valnav.core.permissions import Role
from valnav.core.services import access_log_record
from valnav.lib import fieldcrypto

INDIVIDUAL_RECORD = "casework.individual"
CASE_RECORD = "casework.validationcase"

# Register extract ------------------------------------------------------------------------------
#
# Every key below is the model field's own name, so the completeness test can check each stored
# value against the extract (valnav/casework/tests/test_privacy.py). A `*_label` key beside a
# choice field carries its readable text. Times are local, to the second.


class IndividualExtract(TypedDict):
    pseudonym: str
    organisation: str
    given_name: str
    family_name: str
    email: str
    phone: str
    personnummer: str
    municipality: str | None
    gender: str
    gender_label: str
    birth_year: int | None
    born_abroad: bool | None
    languages: str
    purposes: dict[str, str]
    protected_identity: bool
    anonymised_at: str | None
    is_demo: bool
    created_at: str | None
    updated_at: str | None


class TransitionExtract(TypedDict):
    from_state: str
    from_state_label: str
    to_state: str
    to_state_label: str
    actor: str | None
    at: str | None
    reason: str


class AssessmentExtract(TypedDict):
    criterion: str
    result: str
    result_label: str
    method: str
    method_label: str
    assessor: str
    assessed_on: str | None
    note: str
    created_at: str | None
    updated_at: str | None


class EvidenceExtract(TypedDict):
    """What is known about a file; the file itself is not part of the extract (it can be handed
    over separately when the person asks for a copy)."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    description: str
    assessment: str | None
    uploaded_by: str
    created_at: str | None
    updated_at: str | None


class PlanItemExtract(TypedDict):
    criterion: str | None
    education: str | None
    status: str
    status_label: str
    started_on: str | None
    finished_on: str | None
    note: str
    created_at: str | None
    updated_at: str | None


class CourseMatchExtract(TypedDict):
    course_key: str
    course_name: str
    extent: str
    extent_label: str
    created_at: str | None
    updated_at: str | None


class ExaminationExtract(TypedDict):
    course_key: str
    course_name: str
    examiner_name: str
    held_on: str | None
    grade: str
    recorded_by: str
    created_at: str | None
    updated_at: str | None


class ReferralExtract(TypedDict):
    from_organisation: str
    to_organisation: str
    shares: list[str]
    shares_labels: list[str]
    consent_recorded_at: str | None
    consent_how: str
    message: str
    status: str
    status_label: str
    created_by: str
    created_at: str | None
    updated_at: str | None


class CredentialExtract(TypedDict):
    public_id: str
    verification_url: str
    issuer: str
    on_behalf_of: str | None
    document_type: str
    document_type_label: str
    decision: str
    decision_label: str
    title: str
    issued_at: str | None
    issued_by: str
    signer_name: str
    signer_title: str
    revoked_at: str | None
    revoked_by: str | None
    revocation_reason: str
    key: str
    payload: object
    jws: str
    is_demo: bool
    created_at: str | None
    updated_at: str | None


class CaseExtract(TypedDict):
    reference: str
    organisation: str
    model: str | None
    occupation: str | None
    komvux_course: str
    assessors: list[str]
    municipality: str | None
    state: str
    state_label: str
    decision: str
    decision_label: str
    first_contact: str | None
    ended_on: str | None
    culled_at: str | None
    version: int
    is_demo: bool
    created_at: str | None
    updated_at: str | None
    transitions: list[TransitionExtract]
    assessments: list[AssessmentExtract]
    evidence: list[EvidenceExtract]
    plan_items: list[PlanItemExtract]
    course_matches: list[CourseMatchExtract]
    examinations: list[ExaminationExtract]
    referrals: list[ReferralExtract]
    credentials: list[CredentialExtract]


class AccessExtract(TypedDict):
    at: str | None
    actor: str | None
    action: str
    action_label: str
    record_type: str
    record_ref: str
    purpose: str


class RegisterExtract(TypedDict):
    generated_at: str | None
    controller: str
    individual: IndividualExtract
    cases: list[CaseExtract]
    access_log: list[AccessExtract]


# Fields left out of the extract on purpose, with the reason. The completeness test skips these
# (and every primary key); any other field must appear in the extract.
EXTRACT_EXCLUDED_FIELDS: dict[str, dict[str, str]] = {
    "casework.individual": {
        "personnummer_encrypted": "exported decrypted, as `personnummer`",
        "personnummer_lookup": "a keyed hash of the personnummer, which is exported",
    },
    "casework.evidencefile": {
        "file": "a random storage name; the file's contents are not part of the extract",
    },
    "casework.credential": {
        "status_list": "technical: which revocation list holds the credential's status bit",
        "status_index": "technical: the position of that bit",
    },
}
# Tables linked to the person that the extract leaves out whole, and why.
EXTRACT_EXCLUDED_MODELS: dict[str, str] = {
    "casework.casefactrow": (
        "derived: worked out from the case, its transitions, plan and documents, which the "
        "extract carries; it holds nothing else"
    ),
}


def _when(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _name(value: object | None) -> str | None:
    return None if value is None else str(value)


def _transition(row: CaseTransition) -> TransitionExtract:
    return {
        "from_state": row.from_state,
        "from_state_label": row.get_from_state_display(),
        "to_state": row.to_state,
        "to_state_label": row.get_to_state_display(),
        "actor": _name(row.actor),
        "at": _when(row.at),
        "reason": row.reason,
    }


def _assessment(row: CriterionAssessment) -> AssessmentExtract:
    return {
        "criterion": str(row.criterion),
        "result": row.result,
        "result_label": row.get_result_display(),
        "method": row.method,
        "method_label": row.get_method_display(),
        "assessor": str(row.assessor),
        "assessed_on": _day(row.assessed_on),
        "note": row.note,
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _evidence(row: EvidenceFile) -> EvidenceExtract:
    return {
        "original_name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "description": row.description,
        "assessment": _name(row.assessment),
        "uploaded_by": str(row.uploaded_by),
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _plan_item(row: EducationPlanItem) -> PlanItemExtract:
    return {
        "criterion": _name(row.criterion),
        "education": _name(row.education),
        "status": row.status,
        "status_label": row.get_status_display(),
        "started_on": _day(row.started_on),
        "finished_on": _day(row.finished_on),
        "note": row.note,
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _course_match(row: CourseMatch) -> CourseMatchExtract:
    return {
        "course_key": row.course_key,
        "course_name": row.course_name,
        "extent": row.extent,
        "extent_label": row.get_extent_display(),
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _examination(row: Examination) -> ExaminationExtract:
    return {
        "course_key": row.course_key,
        "course_name": row.course_name,
        "examiner_name": row.examiner_name,
        "held_on": _day(row.held_on),
        "grade": row.grade,
        "recorded_by": str(row.recorded_by),
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _referral(row: Referral) -> ReferralExtract:
    labels = dict(ReferralShare.choices)
    return {
        "from_organisation": str(row.from_organisation),
        "to_organisation": str(row.to_organisation),
        "shares": list(row.shares),
        "shares_labels": [str(labels.get(share, share)) for share in row.shares],
        "consent_recorded_at": _when(row.consent_recorded_at),
        "consent_how": row.consent_how,
        "message": row.message,
        "status": row.status,
        "status_label": row.get_status_display(),
        "created_by": str(row.created_by),
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _credential(row: Credential) -> CredentialExtract:
    return {
        "public_id": row.public_id,
        "verification_url": reverse("casework:credential-verify", args=[row.public_id]),
        "issuer": str(row.issuer),
        "on_behalf_of": _name(row.on_behalf_of),
        "document_type": row.document_type,
        "document_type_label": row.get_document_type_display(),
        "decision": row.decision,
        "decision_label": row.get_decision_display(),
        "title": row.title,
        "issued_at": _when(row.issued_at),
        "issued_by": str(row.issued_by),
        "signer_name": row.signer_name,
        "signer_title": row.signer_title,
        "revoked_at": _when(row.revoked_at),
        "revoked_by": _name(row.revoked_by),
        "revocation_reason": row.revocation_reason,
        "key": str(row.key),
        "payload": row.payload,
        "jws": row.jws,
        "is_demo": row.is_demo,
        "created_at": _when(row.created_at),
        "updated_at": _when(row.updated_at),
    }


def _case(case: ValidationCase) -> CaseExtract:
    return {
        "reference": case.reference,
        "organisation": str(case.organisation),
        "model": _name(case.model),
        "occupation": _name(case.occupation),
        "komvux_course": case.komvux_course,
        "assessors": sorted(str(user) for user in case.assessors.all()),
        "municipality": _name(case.municipality),
        "state": case.state,
        "state_label": case.get_state_display(),
        "decision": case.decision,
        "decision_label": case.get_decision_display() if case.decision else "",
        "first_contact": _day(case.first_contact),
        "ended_on": _day(case.ended_on),
        "culled_at": _when(case.culled_at),
        "version": case.version,
        "is_demo": case.is_demo,
        "created_at": _when(case.created_at),
        "updated_at": _when(case.updated_at),
        "transitions": [_transition(row) for row in case.transitions.all()],
        "assessments": [_assessment(row) for row in case.assessments.all()],
        "evidence": [_evidence(row) for row in case.evidence.all()],
        "plan_items": [_plan_item(row) for row in case.plan_items.all()],
        "course_matches": [_course_match(row) for row in case.course_matches.all()],
        "examinations": [_examination(row) for row in case.examinations.all()],
        "referrals": [_referral(row) for row in case.referrals.all()],
        "credentials": [_credential(row) for row in case.credentials.all()],
    }


def individual_personnummer(individual: Individual) -> str:
    """The decrypted personnummer (12 digits), or "" when none is stored."""
    token = individual.personnummer_encrypted
    return fieldcrypto.decrypt(token) if token else ""


def individual_record_refs(individual: Individual) -> list[str]:
    """The references the access log knows the person's records by."""
    cases = ValidationCase.objects.filter(individual=individual).order_by("pk")
    return [individual.pseudonym, *cases.values_list("reference", flat=True)]


def register_extract(*, individual: Individual) -> RegisterExtract:
    """Everything stored about one person (GDPR art. 15): the person, every case with all that
    belongs to it, and who read or changed the records, when and why. Only the evidence files'
    contents and a few technical fields are left out (EXTRACT_EXCLUDED_FIELDS)."""
    cases = (
        ValidationCase.objects.filter(individual=individual)
        .select_related("organisation", "model", "occupation", "municipality")
        .prefetch_related(
            "assessors",
            "transitions__actor",
            "assessments__criterion",
            "assessments__assessor",
            "evidence__assessment__criterion",
            "evidence__uploaded_by",
            "plan_items__criterion",
            "plan_items__education__municipality",
            "course_matches",
            "examinations__recorded_by",
            "referrals__from_organisation",
            "referrals__to_organisation",
            "referrals__created_by",
            "credentials__issuer",
            "credentials__on_behalf_of",
            "credentials__issued_by",
            "credentials__revoked_by",
            "credentials__key",
        )
        .order_by("first_contact", "pk")
    )
    log = (
        AccessLogEntry.objects.filter(record_ref__in=individual_record_refs(individual))
        .select_related("actor")
        .order_by("at", "pk")
    )
    person: IndividualExtract = {
        "pseudonym": individual.pseudonym,
        "organisation": str(individual.organisation),
        "given_name": individual.given_name,
        "family_name": individual.family_name,
        "email": individual.email,
        "phone": individual.phone,
        "personnummer": individual_personnummer(individual),
        "municipality": _name(individual.municipality),
        "gender": individual.gender,
        "gender_label": individual.get_gender_display() if individual.gender else "",
        "birth_year": individual.birth_year,
        "born_abroad": individual.born_abroad,
        "languages": individual.languages,
        "purposes": dict(individual.purposes),
        "protected_identity": individual.protected_identity,
        "anonymised_at": _when(individual.anonymised_at),
        "is_demo": individual.is_demo,
        "created_at": _when(individual.created_at),
        "updated_at": _when(individual.updated_at),
    }
    return {
        "generated_at": _when(timezone.now()),
        "controller": str(individual.organisation),
        "individual": person,
        "cases": [_case(case) for case in cases],
        "access_log": [
            {
                "at": _when(entry.at),
                "actor": _name(entry.actor),
                "action": entry.action,
                "action_label": entry.get_action_display(),
                "record_type": entry.record_type,
                "record_ref": entry.record_ref,
                "purpose": entry.purpose,
            }
            for entry in log
        ],
    }


def individual_for_extract(*, user: User, pseudonym: str) -> Individual | None:
    """The person, when `user` sees their cases in full: an assessor or counsellor of the
    organisation that registered them. With a protected identity (skyddad identitet) only the
    responsible assessors: those of the person's cases, or while no case has one, the
    organisation's assessors. None otherwise, so the view answers 404 whether the person
    exists or not."""
    individual = (
        Individual.objects.filter(
            pseudonym=pseudonym,
            organisation__memberships__user=user,
            organisation__memberships__role__in=CASE_ROLES,
        )
        .select_related("organisation", "municipality")
        .first()
    )
    if individual is None or not individual.protected_identity:
        return individual
    responsible = User.objects.filter(assessed_cases__individual=individual)
    if responsible.exists():
        return individual if responsible.filter(pk=user.pk).exists() else None
    is_assessor = user.memberships.filter(
        organisation=individual.organisation, role=Role.ASSESSOR
    ).exists()
    return individual if is_assessor else None


def register_extract_export(
    *, individual: Individual, actor: User, file_format: str
) -> RegisterExtract:
    """The extract, logged as an export of the person's records."""
    extract = register_extract(individual=individual)
    access_log_record(
        actor=actor,
        action=AccessAction.EXPORT,
        record_type=INDIVIDUAL_RECORD,
        record_ref=individual.pseudonym,
        purpose=_("Register extract (GDPR art. 15), %(format)s") % {"format": file_format},
    )
    return extract


# Anonymisation ---------------------------------------------------------------------------------


def _delete_evidence(evidence: QuerySet[EvidenceFile]) -> int:
    """Delete the rows now and their stored files once the transaction commits, so a rollback
    never leaves rows whose files are gone."""
    stored = [(row.file.storage, row.file.name) for row in evidence if row.file.name]
    count, _by_model = evidence.delete()

    def remove_files() -> None:
        for storage, name in stored:
            if name is not None:
                storage.delete(name)

    transaction.on_commit(remove_files)
    return count


def _blank_working_notes(cases: QuerySet[ValidationCase]) -> int:
    """Blank the free text written about the person; returns how many texts were blanked."""
    return (
        CaseTransition.objects.filter(case__in=cases).exclude(reason="").update(reason="")
        + CriterionAssessment.objects.filter(case__in=cases).exclude(note="").update(note="")
        + EducationPlanItem.objects.filter(case__in=cases).exclude(note="").update(note="")
        + Referral.objects.filter(case__in=cases).exclude(message="").update(message="")
    )


def individual_anonymise(
    *,
    individual: Individual,
    actor: User | None,
    reason: str,
    action: AccessAction = AccessAction.ANONYMISE,
) -> Individual:
    """Remove what identifies the person and keep what statistics need.

    Blanked: name, contact, personnummer (token and look-up hash), home municipality, birth
    year, languages, recorded purposes, the protected-identity flag, and the free text about
    them (assessment notes, transition reasons, plan notes, referral messages and consent
    notes); evidence files are deleted, rows and stored files. Kept: gender and born abroad
    (equity statistics), each case's municipality, model, occupation, course, state, decision
    and dates, the transitions (lead times), and issued credentials, which the archive law
    keeps (docs/privacy.md). Run by operators (`anonymise_individual`) and by retention; there
    is no page for it.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the person is anonymised.")})
    with transaction.atomic():
        individual = Individual.objects.select_for_update().get(pk=individual.pk)
        cases = ValidationCase.objects.filter(individual=individual)
        _delete_evidence(EvidenceFile.objects.filter(case__in=cases))
        _blank_working_notes(cases)
        Referral.objects.filter(case__in=cases).exclude(consent_how="").update(consent_how="")
        now = timezone.now()
        cases.filter(culled_at__isnull=True).update(culled_at=now)
        individual.given_name = ""
        individual.family_name = ""
        individual.email = ""
        individual.phone = ""
        individual.personnummer_encrypted = ""
        individual.personnummer_lookup = ""
        individual.municipality = None
        individual.birth_year = None
        individual.languages = ""
        individual.purposes = {}
        individual.protected_identity = False
        individual.anonymised_at = individual.anonymised_at or now
        # No full_clean(): removing data must succeed even for a row that today's rules would
        # reject for another reason (an old import, a changed validator).
        individual.save()
        for ref in individual_record_refs(individual):
            access_log_record(
                actor=actor,
                action=action,
                record_type=INDIVIDUAL_RECORD if ref == individual.pseudonym else CASE_RECORD,
                record_ref=ref,
                purpose=reason,
            )
    return individual


# Retention (gallring) --------------------------------------------------------------------------

RETENTION_CLASSES = ("evidence", "working_notes", "individual", "credential")

RETENTION_VARIABLES = {
    "evidence": "VALNAV_RETAIN_EVIDENCE_YEARS",
    "working_notes": "VALNAV_RETAIN_NOTES_YEARS",
    "individual": "VALNAV_RETAIN_INDIVIDUAL_YEARS",
}


@dataclass(frozen=True)
class RetentionOutcome:
    """What one retention class did (or, in a dry run, would do)."""

    retention_class: str
    years: int | None  # None: kept permanently
    cutoff: dt.date | None  # cases that ended on or before this day are due
    records: list[str] = field(default_factory=list)  # case references or pseudonyms
    items: int = 0  # files deleted, texts blanked or individuals anonymised


@dataclass(frozen=True)
class RetentionReport:
    today: dt.date
    dry_run: bool
    outcomes: list[RetentionOutcome]

    def outcome(self, retention_class: str) -> RetentionOutcome:
        return next(o for o in self.outcomes if o.retention_class == retention_class)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _retention_years(retention_class: str) -> int | None:
    years = settings.VALNAV_RETENTION_YEARS.get(retention_class)
    if years is not None and years < 0:
        raise ImproperlyConfigured(f"VALNAV_RETENTION_YEARS[{retention_class!r}] is negative.")
    return years


def _rule(retention_class: str, years: int) -> str:
    return _(
        "Retention (%(class)s): culled %(years)s years after the case ended (%(variable)s)"
    ) % {"class": retention_class, "years": years, "variable": RETENTION_VARIABLES[retention_class]}


def _cull_log(*, record_type: str, record_ref: str, purpose: str) -> None:
    access_log_record(
        actor=None,
        action=AccessAction.CULL,
        record_type=record_type,
        record_ref=record_ref,
        purpose=purpose,
    )


def _retain_evidence(today: dt.date, dry_run: bool) -> RetentionOutcome:
    years = _retention_years("evidence")
    if years is None:
        return RetentionOutcome("evidence", None, None)
    cutoff = _years_before(today, years)
    due = EvidenceFile.objects.filter(case__ended_on__lte=cutoff)
    references = sorted(set(due.values_list("case__reference", flat=True)))
    items = due.count()
    if not dry_run and items:
        purpose = _rule("evidence", years)
        with transaction.atomic():
            _delete_evidence(due)
            ValidationCase.objects.filter(reference__in=references).update(culled_at=timezone.now())
            for reference in references:
                _cull_log(record_type=CASE_RECORD, record_ref=reference, purpose=purpose)
    return RetentionOutcome("evidence", years, cutoff, references, items)


def _notes_filter() -> Q:
    return (
        Q(transitions__reason__gt="")
        | Q(assessments__note__gt="")
        | Q(plan_items__note__gt="")
        | Q(referrals__message__gt="")
    )


def _retain_working_notes(today: dt.date, dry_run: bool) -> RetentionOutcome:
    years = _retention_years("working_notes")
    if years is None:
        return RetentionOutcome("working_notes", None, None)
    cutoff = _years_before(today, years)
    due = ValidationCase.objects.filter(_notes_filter(), ended_on__lte=cutoff).distinct()
    references = sorted(due.values_list("reference", flat=True))
    cases = ValidationCase.objects.filter(reference__in=references)
    if dry_run:
        items = (
            CaseTransition.objects.filter(case__in=cases).exclude(reason="").count()
            + CriterionAssessment.objects.filter(case__in=cases).exclude(note="").count()
            + EducationPlanItem.objects.filter(case__in=cases).exclude(note="").count()
            + Referral.objects.filter(case__in=cases).exclude(message="").count()
        )
        return RetentionOutcome("working_notes", years, cutoff, references, items)
    items = 0
    if references:
        purpose = _rule("working_notes", years)
        with transaction.atomic():
            items = _blank_working_notes(cases)
            cases.update(culled_at=timezone.now())
            for reference in references:
                _cull_log(record_type=CASE_RECORD, record_ref=reference, purpose=purpose)
    return RetentionOutcome("working_notes", years, cutoff, references, items)


def _retain_individuals(today: dt.date, dry_run: bool) -> RetentionOutcome:
    years = _retention_years("individual")
    if years is None:
        return RetentionOutcome("individual", None, None)
    cutoff = _years_before(today, years)
    # Every case ended (none without an end date) and the last of them on or before the cut-off.
    due = (
        Individual.objects.filter(anonymised_at__isnull=True, cases__isnull=False)
        .exclude(cases__ended_on__isnull=True)
        .annotate(last_ended=Max("cases__ended_on"))
        .filter(last_ended__lte=cutoff)
        .order_by("pseudonym")
    )
    individuals = list(due)
    if not dry_run:
        purpose = _(
            "Retention (individual): anonymised %(years)s years after the last case ended "
            "(%(variable)s)"
        ) % {"years": years, "variable": RETENTION_VARIABLES["individual"]}
        for individual in individuals:
            individual_anonymise(
                individual=individual, actor=None, reason=purpose, action=AccessAction.CULL
            )
    pseudonyms = [individual.pseudonym for individual in individuals]
    return RetentionOutcome("individual", years, cutoff, pseudonyms, len(pseudonyms))


def _retain_credentials(today: dt.date, dry_run: bool) -> RetentionOutcome:
    years = settings.VALNAV_RETENTION_YEARS.get("credential")
    if years is not None:
        # Issued intyg are kept permanently under the archive law (DOMAIN.md §7); culling them
        # needs a decision this software does not take.
        raise ImproperlyConfigured(
            'VALNAV_RETENTION_YEARS["credential"] must be None: issued credentials are kept.'
        )
    return RetentionOutcome("credential", None, None, [], Credential.objects.count())


_RETENTION_STEPS: list[Callable[[dt.date, bool], RetentionOutcome]] = [
    _retain_evidence,
    _retain_working_notes,
    _retain_individuals,
    _retain_credentials,
]


def retention_apply(*, today: dt.date, dry_run: bool) -> RetentionReport:
    """Cull what has passed its retention period (settings.VALNAV_RETENTION_YEARS, counted from
    the case's end date): evidence files, then working notes, then whole individuals (by
    anonymisation). Each culling is logged as the system (no actor). Running it again culls
    nothing more; a dry run reports what would be culled and writes nothing."""
    return RetentionReport(
        today=today, dry_run=dry_run, outcomes=[step(today, dry_run) for step in _RETENTION_STEPS]
    )


# Key rotation ----------------------------------------------------------------------------------


def field_keys_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every stored personnummer under the first key of
    VALNAV_FIELD_ENCRYPTION_KEYS; returns how many were re-encrypted. All or nothing: a token no
    configured key opens stops the rotation and changes nothing."""
    count = 0
    with transaction.atomic():
        rows = (
            Individual.objects.select_for_update()
            .exclude(personnummer_encrypted="")
            .only("pk", "personnummer_encrypted")
            .order_by("pk")
        )
        batch: list[Individual] = []
        for individual in rows.iterator(chunk_size=batch_size):
            individual.personnummer_encrypted = fieldcrypto.rotate(
                individual.personnummer_encrypted
            )
            batch.append(individual)
            if len(batch) >= batch_size:
                Individual.objects.bulk_update(batch, ["personnummer_encrypted"])
                count += len(batch)
                batch = []
        Individual.objects.bulk_update(batch, ["personnummer_encrypted"])
        count += len(batch)
    return count


# The access log --------------------------------------------------------------------------------


def access_log_search(
    *,
    record_ref: str = "",
    actor_email: str = "",
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Entries matching every given filter, newest first. A person's pseudonym also finds the
    entries of their cases."""
    entries = AccessLogEntry.objects.select_related("actor").order_by("-at", "-pk")
    if record_ref.strip():
        # References are upper case (P-…, V-…); what was typed is tried as well.
        refs = {record_ref.strip(), record_ref.strip().upper()}
        case_refs = ValidationCase.objects.filter(individual__pseudonym__in=refs).values_list(
            "reference", flat=True
        )
        entries = entries.filter(Q(record_ref__in=refs) | Q(record_ref__in=case_refs))
    if actor_email.strip():
        entries = entries.filter(actor__email__iexact=actor_email.strip())
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries
