"""Individuals and their validation cases. Personal data lives only here, encrypted where it
identifies (personnummer), and every read and write is logged (core.AccessLogEntry)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from valnav.casework.states import CaseState, Decision
from valnav.core.models import BaseModel
from valnav.core.permissions import Role

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

# Roles that handle cases inside their own organisation (DOMAIN.md §7: secrecy per organisation).
CASE_ROLES = (Role.ASSESSOR, Role.GUIDANCE_COUNSELLOR)

_PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_pseudonym() -> str:
    """A random reference such as P-7K3M9Q2X: usable in URLs and logs, tells nothing."""
    return "P-" + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(8))


def new_case_reference() -> str:
    return "V-" + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(8))


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other or non-binary")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class Individual(BaseModel):
    """A person whose competence is validated. Not a user: they never log in here."""

    pseudonym = models.CharField(
        _("pseudonym"), max_length=12, unique=True, default=new_pseudonym, editable=False
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="individuals",
        verbose_name=_("registered by"),
    )
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    # Fernet token of the canonical 12-digit number, and an HMAC of it for look-up.
    personnummer_encrypted = models.TextField(_("personnummer (encrypted)"), blank=True)
    personnummer_lookup = models.CharField(
        _("personnummer look-up hash"), max_length=64, blank=True, db_index=True
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home municipality"),
    )
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    born_abroad = models.BooleanField(_("born abroad"), null=True, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    # Why each optional item was collected, e.g. {"gender": "Uppföljning av jämställdhet"}.
    purposes = models.JSONField(_("recorded purposes"), default=dict, blank=True)
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_("Name and contact are shown only to the responsible assessor."),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("individual")
        verbose_name_plural = _("individuals")
        ordering = ["pseudonym"]

    def __str__(self) -> str:
        # Never the name: objects end up in logs and error reports.
        return self.pseudonym


class _AnyOf(models.Lookup[object]):
    """`field IN (subquery)`, which on PostgreSQL is written `field = ANY(ARRAY(subquery))`.

    PostgreSQL runs an IN subquery under OR as a filter on every row (a sequential scan: 95 ms
    for a million cases). ARRAY(subquery) is computed once, and `= ANY` of it can use an index,
    so both sides of visible_to's OR become index scans (11 ms; bench/run_cases.py)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT …)"
        template = "{} = ANY(ARRAY{})" if connection.vendor == "postgresql" else "{} IN {}"
        return template.format(lhs, rhs), (*lhs_params, *rhs_params)


class ValidationCaseQuerySet(models.QuerySet["ValidationCase"]):
    def visible_to(self, user: object) -> ValidationCaseQuerySet:
        """Cases of the organisations where the user is an assessor or a counsellor. Regional
        strategists and administrators see cases only inside aggregates."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        memberships = user.memberships.filter(role__in=CASE_ROLES)  # type: ignore[attr-defined]
        organisations = memberships.values("organisation_id")
        # Also cases referred to the user's organisations; what of them is shown is decided by
        # the referral's `shares` (casework.selectors.case_for).
        referred = (
            Referral.objects.filter(
                to_organisation_id__in=organisations,
                status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
            )
            .order_by()
            .values("case_id")
        )
        return self.filter(
            _AnyOf(F("organisation_id"), organisations.order_by()) | _AnyOf(F("pk"), referred)
        )

    def open(self) -> ValidationCaseQuerySet:
        return self.exclude(state__in=[CaseState.CLOSED, CaseState.WITHDRAWN, CaseState.REFERRED])


class ValidationCase(BaseModel):
    """One person's way through the validation process towards one target."""

    reference = models.CharField(
        _("case reference"),
        max_length=12,
        unique=True,
        default=new_case_reference,
        editable=False,
    )
    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="cases", verbose_name=_("individual")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("responsible organisation"),
    )
    model = models.ForeignKey(
        "atlas.ValidationModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("validation model"),
    )
    occupation = models.ForeignKey(
        "taxonomy.Occupation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("occupation"),
    )
    komvux_course = models.CharField(_("Komvux course or package"), max_length=120, blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assessed_cases",
        blank=True,
        verbose_name=_("assessors"),
    )
    # The individual's municipality when the case opened: statistics keep it after anonymisation.
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("municipality"),
    )
    state = models.CharField(
        _("state"), max_length=32, choices=CaseState.choices, default=CaseState.INQUIRY
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    first_contact = models.DateField(_("first contact"))
    # Set when the case reaches closed, withdrawn or referred: retention counts from here.
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    # Set by `apply_retention` when the case's working material was culled.
    culled_at = models.DateTimeField(_("working material culled"), null=True, blank=True)
    # Optimistic locking: every save through the services raises it by one, and a save based
    # on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ValidationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("validation case")
        verbose_name_plural = _("validation cases")
        ordering = ["-first_contact", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=CaseState.DECISION) | ~Q(decision=""),
                name="case_decision_needs_a_result",
            ),
            models.CheckConstraint(
                condition=Q(model__isnull=False)
                | Q(occupation__isnull=False)
                | ~Q(komvux_course=""),
                name="case_has_a_target",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-first_contact", "-id"], name="case_org_list"),
            models.Index(fields=["municipality", "state"], name="case_municipality_state"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseTransition(models.Model):
    """A move from one state to another: who, when and why. Lead times derive from these."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("case"),
    )
    from_state = models.CharField(_("from"), max_length=32, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=32, choices=CaseState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"))
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("case transition")
        verbose_name_plural = _("case transitions")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_state or '–'} → {self.to_state}"


class CriterionResult(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class AssessmentMethod(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    PRACTICAL = "practical", _("Practical demonstration")
    DOCUMENTATION = "documentation", _("Documentation review")
    TEST = "test", _("Test")
    WORKPLACE = "workplace", _("Workplace observation")


class CriterionAssessment(BaseModel):
    """The assessment of one criterion of the model's kompetensstandard in one case."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("case"),
    )
    criterion = models.ForeignKey(
        "atlas.Criterion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("criterion"),
    )
    result = models.CharField(_("result"), max_length=16, choices=CriterionResult.choices)
    method = models.CharField(_("method"), max_length=16, choices=AssessmentMethod.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessor"),
    )
    assessed_on = models.DateField(_("assessed on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        ordering = ["case", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "criterion"], name="assessment_one_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.criterion_id}: {self.result}"


class ReferralShare(models.TextChoices):
    CONTACT = "contact", _("Name and contact")
    TARGET = "target", _("Target occupation or model")
    CRITERIA = "criteria", _("Criteria results")
    DECISION = "decision", _("Decision")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Referral(BaseModel):
    """A case passed from one organisation to another (e.g. Arbetsförmedlingen → Komvux → a
    branch test centre), with the individual's consent. The receiving organisation sees only
    what `shares` lists."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("case"),
    )
    from_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from organisation"),
    )
    to_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to organisation"),
    )
    shares = models.JSONField(_("shared with the receiver"), default=list)
    consent_recorded_at = models.DateTimeField(_("consent recorded"))
    consent_how = models.CharField(
        _("how consent was given"),
        max_length=200,
        help_text=_("For example: orally at the meeting on 2026-11-20, noted by the counsellor."),
    )
    message = models.TextField(_("message to the receiver"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_organisation_id} → {self.to_organisation_id}"


class DocumentType(models.TextChoices):
    """The document a recognition results in (DOMAIN.md §1: erkännande)."""

    INTYG = "intyg", _("Certificate (intyg)")
    KOMPETENSBEVIS = "kompetensbevis", _("Competence certificate (kompetensbevis)")
    BRANSCHINTYG = "branschintyg", _("Industry certificate (branschintyg)")
    YRKESBEVIS = "yrkesbevis", _("Trade certificate (yrkesbevis)")
    BETYG = "betyg", _("Grade (betyg)")
    # The branch models' own documents (atlas.OutcomeDocument, validation_models.toml).
    VALIDERINGSINTYG = "valideringsintyg", _("Validation certificate (valideringsintyg)")
    ERKANNANDEINTYG = "erkannandeintyg", _("Recognition certificate (erkännandeintyg)")
    KVALIFIKATIONSBEVIS = "kvalifikationsbevis", _("Proof of qualification (kvalifikationsbevis)")
    CERTIFIKAT = "certifikat", _("Certification (certifikat)")
    GESALLBREV = "gesallbrev", _("Journeyman's certificate (gesällbrev)")
    MASTARBREV = "mastarbrev", _("Master's certificate (mästarbrev)")
    GRONT_KORT = "gront_kort", _("Green card (grönt kort)")


class CourseExtent(models.TextChoices):
    """How far a person's knowledge corresponds to a Komvux course or subject level."""

    FULL = "full", _("Fully corresponds")
    PARTLY = "partly", _("Partly corresponds")


class CourseMatch(BaseModel):
    """A Komvux course (Gy11) or subject level (Gy25) that the assessment found the person's
    knowledge to correspond to, fully or partly: what the Komvux intyg names (skollagen
    20 kap. 43–45 §§). The name is kept as the catalogue (casework.komvux) gave it."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="course_matches",
        verbose_name=_("case"),
    )
    course_key = models.CharField(_("course or subject"), max_length=60)
    course_name = models.CharField(_("course or subject name"), max_length=200)
    extent = models.CharField(_("corresponds"), max_length=8, choices=CourseExtent.choices)

    class Meta:
        verbose_name = _("matched course")
        verbose_name_plural = _("matched courses")
        ordering = ["case", "course_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "course_key"], name="course_match_once")
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.course_key} {self.extent}"


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"


PASSING_GRADES = (Grade.A, Grade.B, Grade.C, Grade.D, Grade.E)


class Examination(BaseModel):
    """A prövning in one Komvux course or subject level, which a betyg needs (förordningen om
    vuxenutbildning 4 kap. 24 §): who examined, when, and the grade."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="examinations",
        verbose_name=_("case"),
    )
    course_key = models.CharField(_("course or subject"), max_length=60)
    course_name = models.CharField(_("course or subject name"), max_length=200)
    examiner_name = models.CharField(
        _("examiner"), max_length=120, help_text=_("The teacher who set the grade.")
    )
    held_on = models.DateField(_("examined on"))
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("examination (prövning)")
        verbose_name_plural = _("examinations (prövning)")
        ordering = ["case", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: prövning {self.course_key} {self.grade}"

    @property
    def passed(self) -> bool:
        return self.grade in PASSING_GRADES


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    # A random name: the uploaded file's own name may carry personal data.
    return f"evidence/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


def private_storage() -> Storage:
    """Files that are never served by the web server: only by views that check access."""
    return storages["private"]


class EvidenceFile(BaseModel):
    """A file supporting the assessment of a case (or of one criterion): a photo of work done,
    a reference, a certificate from abroad. Stored outside the web root under a random name."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("case"),
    )
    assessment = models.ForeignKey(
        CriterionAssessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("criterion assessment"),
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["case", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: evidence {self.pk}"


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STARTED = "started", _("Started")
    FINISHED = "finished", _("Finished")
    DROPPED = "dropped", _("Discontinued")


class EducationPlanItem(BaseModel):
    """One step of the complementary-education plan: a gap (criterion partly or not met) and
    the education chosen to close it."""

    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.CASCADE,
        related_name="plan_items",
        verbose_name=_("case"),
    )
    criterion = models.ForeignKey(
        "atlas.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("criterion"),
    )
    education = models.ForeignKey(
        "atlas.ComplementaryEducation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_items",
        verbose_name=_("complementary education"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    started_on = models.DateField(_("started"), null=True, blank=True)
    finished_on = models.DateField(_("finished"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("education plan item")
        verbose_name_plural = _("education plan items")
        ordering = ["case", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True)
                | Q(started_on__isnull=False, finished_on__gte=F("started_on")),
                name="plan_item_finishes_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: plan item {self.pk}"


def new_signing_key_id() -> str:
    return "key-" + secrets.token_hex(6)


class SigningKey(BaseModel):
    """A public key credentials are signed with. The private half is never in the database:
    it comes from VALNAV_CREDENTIAL_SIGNING_KEY (docs/deploy.md). Retired keys stay so that
    credentials they signed still verify."""

    kid = models.CharField(_("key id"), max_length=40, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


def new_public_id() -> str:
    """An unguessable id (144 random bits) for public links to a credential."""
    return secrets.token_urlsafe(18)


class StatusList(BaseModel):
    """A W3C Bitstring Status List for revocation: each credential owns one bit."""

    public_id = models.CharField(
        _("public id"), max_length=40, unique=True, default=new_public_id, editable=False
    )
    purpose = models.CharField(_("purpose"), max_length=20, default="revocation")
    # 131 072 bits (16 KiB), the specification's minimum, so no one learns from the list's size.
    size = models.PositiveIntegerField(_("size in bits"), default=131072)
    next_index = models.PositiveIntegerField(_("next free index"), default=0)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.public_id}"


class Credential(BaseModel):
    """An issued document: the PDF intyg and the signed Open Badges 3.0 credential of the same
    outcome. Kept permanently (archive law): anonymisation and culling never touch it."""

    public_id = models.CharField(
        _("public id"), max_length=40, unique=True, default=new_public_id, editable=False
    )
    case = models.ForeignKey(
        ValidationCase,
        on_delete=models.PROTECT,
        related_name="credentials",
        verbose_name=_("case"),
    )
    issuer = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="credentials",
        verbose_name=_("issuer"),
    )
    document_type = models.CharField(_("document"), max_length=20, choices=DocumentType.choices)
    # A branch model's document is issued in the name of the model's owner (the yrkesnämnd),
    # whoever runs the test centre that assessed the case.
    on_behalf_of = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credentials_in_own_name",
        verbose_name=_("issued in the name of"),
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    title = models.CharField(_("title"), max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    signer_name = models.CharField(_("signed by"), max_length=120)
    signer_title = models.CharField(
        _("signer's role"), max_length=120, help_text=_("For example: rektor.")
    )
    # The credential as signed (its JSON) and its compact JWS (VC-JWT, EdDSA / Ed25519).
    payload = models.JSONField(_("credential"))
    jws = models.TextField(_("signed credential"))
    key = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, related_name="+", verbose_name=_("signing key")
    )
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="credentials"
    )
    status_index = models.PositiveIntegerField(_("status list index"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.CharField(_("why revoked"), max_length=200, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_one_status_bit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.document_type} {self.public_id[:6]}…"


class CaseFactRow(models.Model):
    """The facts of one case that statistics need, kept beside the case so that insights
    count a million cases with one grouped query on one narrow table instead of working out
    each case's milestones from its transitions, plan and documents on every page.

    Derived data only (no name, no identity number): rebuilt by
    `valnav.casework.facts.case_facts_refresh` whenever a case, its transitions, its plan, its
    documents or its person change, and in full by `manage.py refresh_case_facts`."""

    case = models.OneToOneField(
        ValidationCase,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="fact_row",
        verbose_name=_("validation case"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    county = models.ForeignKey(
        "places.County", on_delete=models.CASCADE, null=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "places.Municipality", on_delete=models.CASCADE, null=True, related_name="+"
    )
    model = models.ForeignKey(
        "atlas.ValidationModel", on_delete=models.CASCADE, null=True, related_name="+"
    )
    occupation = models.ForeignKey(
        "taxonomy.Occupation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    first_contact = models.DateField()
    # The year of first_contact, as a column of its own so that the case counts per year are
    # read from an index in its order rather than worked out and sorted row by row.
    first_contact_year = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=16, blank=True)
    decision_date = models.DateField(null=True)
    days_to_decision = models.IntegerField(null=True)
    days_to_documented = models.IntegerField(null=True)
    document_type = models.CharField(max_length=32, blank=True)
    complementary_started = models.DateField(null=True)
    complementary_finished = models.DateField(null=True)
    # Whether the two dates above are set, as columns of their own so that indexes cover them.
    complementary = models.BooleanField(default=False)
    complementary_done = models.BooleanField(default=False)
    ended_on = models.DateField(null=True)
    gender = models.CharField(max_length=16, blank=True)
    born_abroad = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("case facts")
        verbose_name_plural = _("case facts")
        # Each covers one family of grouped counts, so that it reads the index and not the
        # table: the case counts (casework.statistics), lead times, targets, gaps, complementary
        # education, focus branches (by model, and per county), outcomes for the value
        # calculator, and the period covered.
        indexes = [
            models.Index(
                fields=[
                    "municipality",
                    "first_contact_year",
                    "gender",
                    "born_abroad",
                    "decision",
                    "complementary",
                    "document_type",
                ],
                name="casefact_counts",
            ),
            models.Index(
                fields=[
                    "municipality",
                    "gender",
                    "born_abroad",
                    "days_to_decision",
                    "decision",
                    "first_contact",
                ],
                name="casefact_lead_time",
            ),
            models.Index(
                fields=["county", "municipality", "occupation", "model", "gender"],
                name="casefact_target",
            ),
            models.Index(fields=["municipality", "occupation", "model"], name="casefact_gaps"),
            models.Index(fields=["county", "model", "occupation", "gender"], name="casefact_focus"),
            models.Index(
                fields=["county", "municipality", "complementary", "complementary_done"],
                name="casefact_complementary",
            ),
            models.Index(fields=["model", "occupation", "gender"], name="casefact_branch"),
            models.Index(
                fields=["municipality", "decision", "model", "first_contact"],
                name="casefact_outcome",
            ),
            models.Index(fields=["first_contact"], name="casefact_first_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}"
