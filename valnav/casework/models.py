"""Individuals and their validation cases. Personal data lives only here, encrypted where it
identifies (personnummer), and every read and write is logged (core.AccessLogEntry)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from valnav.casework.states import CaseState, Decision
from valnav.core.models import BaseModel
from valnav.core.permissions import Role

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


class ValidationCaseQuerySet(models.QuerySet["ValidationCase"]):
    def visible_to(self, user: object) -> ValidationCaseQuerySet:
        """Cases of the organisations where the user is an assessor or a counsellor. Regional
        strategists and administrators see cases only inside aggregates."""
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return self.none()
        memberships = user.memberships.filter(role__in=CASE_ROLES)  # type: ignore[attr-defined]
        organisations = memberships.values("organisation_id")
        # Also cases referred to the user's organisations; what of them is shown is decided by
        # the referral's `shares` (casework.selectors.case_view_for).
        referred = Referral.objects.filter(
            to_organisation_id__in=organisations,
            status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
        ).values("case_id")
        return self.filter(Q(organisation_id__in=organisations) | Q(pk__in=referred))

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
