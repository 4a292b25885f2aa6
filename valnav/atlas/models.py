"""The atlas: validation models, where they are offered, and the complementary education that
closes the gaps they find.

Swedish terms kept: *kompetensstandard* (the standard a model assesses against), *yrkesbevis*,
*branschintyg*, *gesällbrev* and the other outcome documents (DOMAIN.md §2), *prövning* (the
Komvux examination that gives a grade).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valnav.accounts.selectors import organisations_with_perm
from valnav.core.models import BaseModel
from valnav.core.numbers import number_text
from valnav.core.permissions import Perm, user_has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from valnav.accounts.models import User

STALE_AFTER = timedelta(days=365)


class ModelKind(models.TextChoices):
    BRANCH = "branch", _("Branch validation model")
    KOMVUX = "komvux", _("Komvux validation")
    HIGHER_EDUCATION = "higher_education", _("Higher vocational or higher education")
    FOLKHOGSKOLA = "folkhogskola", _("Folk high school")
    AF_PROCURED = "af_procured", _("Procured by Arbetsförmedlingen")
    OTHER = "other", _("Other")


class OutcomeDocument(models.TextChoices):
    INTYG = "intyg", _("Certificate (intyg)")
    BRANSCHINTYG = "branschintyg", _("Trade certificate (branschintyg)")
    VALIDERINGSINTYG = "valideringsintyg", _("Validation certificate (valideringsintyg)")
    ERKANNANDEINTYG = "erkannandeintyg", _("Recognition certificate (erkännandeintyg)")
    KOMPETENSBEVIS = "kompetensbevis", _("Proof of competence (kompetensbevis)")
    KVALIFIKATIONSBEVIS = "kvalifikationsbevis", _("Proof of qualification (kvalifikationsbevis)")
    YRKESBEVIS = "yrkesbevis", _("Professional certificate (yrkesbevis)")
    CERTIFIKAT = "certifikat", _("Certification (certifikat)")
    GESALLBREV = "gesallbrev", _("Journeyman's certificate (gesällbrev)")
    MASTARBREV = "mastarbrev", _("Master's certificate (mästarbrev)")
    BETYG = "betyg", _("Grade after examination (betyg efter prövning)")
    SKYDDAD_YRKESTITEL = "skyddad_yrkestitel", _("Protected professional title (bevis)")
    GRONT_KORT = "gront_kort", _("Green card (grönt kort)")


class Payer(models.TextChoices):
    FREE_KOMVUX = "municipality", _("The municipality (free for the individual)")
    BRANCH = "branch", _("The branch or its test centres")
    EMPLOYER = "employer", _("The employer")
    PUBLIC_EMPLOYMENT_SERVICE = "public_employment_service", _("Arbetsförmedlingen")
    INDIVIDUAL = "individual", _("The individual")
    MIXED = "mixed", _("Depends on the case")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ValidationModelQuerySet(models.QuerySet["ValidationModel"]):
    def active(self) -> ValidationModelQuerySet:
        return self.filter(is_active=True)


class ValidationModel(BaseModel):
    """A way to get validated against a standard: a branch model (BYN's yrkesbevis, ECY's
    electrician validation, …) or Komvux validation in a vocational area."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ModelKind.choices)
    branch = models.ForeignKey(
        "taxonomy.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_models",
        verbose_name=_("branch"),
    )
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_models",
        verbose_name=_("owner organisation"),
    )
    parties = models.TextField(_("parties"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    occupations = models.ManyToManyField(
        "taxonomy.Occupation",
        related_name="validation_models",
        blank=True,
        limit_choices_to={"level": 4},
        verbose_name=_("occupations (SSYK)"),
    )
    seqf_level = models.PositiveSmallIntegerField(
        _("SeQF level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    outcome_documents = models.JSONField(_("outcome documents"), default=list, blank=True)
    payer = models.CharField(_("who pays"), max_length=32, choices=Payer.choices)
    source_urls = models.JSONField(_("sources"), default=list, blank=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ValidationModelQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("validation model")
        verbose_name_plural = _("validation models")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seqf_level__isnull=True) | Q(seqf_level__gte=1, seqf_level__lte=8),
                name="validationmodel_seqf_1_to_8",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.outcome_documents or []) - set(OutcomeDocument.values)
        if unknown:
            raise ValidationError(
                {
                    "outcome_documents": _("Unknown outcome document: %(names)s")
                    % {"names": ", ".join(sorted(unknown))}
                }
            )

    def outcome_labels(self) -> list[str]:
        labels = dict(OutcomeDocument.choices)
        return [str(labels[value]) for value in self.outcome_documents if value in labels]


class ModelStep(models.Model):
    """One step of a model's process, in order (kartläggning, bedömning, …)."""

    model = models.ForeignKey(
        ValidationModel, on_delete=models.CASCADE, related_name="steps", verbose_name=_("model")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "position"], name="modelstep_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Criterion(models.Model):
    """A criterion or module of a model's kompetensstandard, in order."""

    model = models.ForeignKey(
        ValidationModel,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("model"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="criterion_unique_code"),
            models.UniqueConstraint(fields=["model", "position"], name="criterion_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PublishableQuerySet[M: models.Model](models.QuerySet[M]):
    def published(self, *, on: date | None = None) -> PublishableQuerySet[M]:
        """Published and valid on `on` (today by default): what the public sees."""
        today = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_to__isnull=True) | Q(valid_to__gte=today),
            status=PublicationStatus.PUBLISHED,
        )

    def visible_to(self, user: User | AnonymousUser) -> PublishableQuerySet[M]:
        """The public sees published rows; members also see their organisations' own rows;
        regional staff who review publications see everything."""
        public = self.published()
        if not user.is_authenticated:
            return public
        if user_has_perm(user, Perm.REVIEW_ATLAS):
            return self.all()
        organisation_ids = list(user.memberships.values_list("organisation_id", flat=True))
        if not organisation_ids:
            return public
        return self.filter(Q(pk__in=public.values("pk")) | Q(provider_id__in=organisation_ids))

    def editable_by(self, user: User | AnonymousUser) -> PublishableQuerySet[M]:
        """Entries of the organisations where the user holds a role that edits the atlas (all
        of them for reviewers); a role held elsewhere gives nothing here."""
        if not user_has_perm(user, Perm.EDIT_OWN_ATLAS):
            return self.none()
        return self.filter(
            provider__in=organisations_with_perm(user=user, perm=Perm.EDIT_OWN_ATLAS)
        )

    def stale(self) -> PublishableQuerySet[M]:
        """Published entries nobody has confirmed for a year. Drafts and entries awaiting review
        are not stale: the public does not see them, and publishing marks them reviewed."""
        cutoff = timezone.localdate() - STALE_AFTER
        return self.filter(
            Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff),
            status=PublicationStatus.PUBLISHED,
        )


class AtlasEntry(BaseModel):
    """What offers and complementary education share: the provider's own id, publication and
    review, and the search text."""

    external_id = models.CharField(
        _("provider's own id"),
        max_length=80,
        help_text=_("The provider's identifier; imports update the entry with the same id."),
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web page"), max_length=400, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # Snowball stems of the texts a search should find, kept by services (see atlas.search).
    search_stems = models.TextField(editable=False, blank=True)

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        """As `stale()` for one entry."""
        if self.status != PublicationStatus.PUBLISHED:
            return False
        return self.last_reviewed is None or self.last_reviewed < timezone.localdate() - STALE_AFTER


def cost_amount_text(cost: int | None) -> str:
    """An offer's cost as the reader's language writes it: "Free of charge", "Cost not known"
    (the provider has not said) or the amount ("1 500 kr")."""
    if cost is None:
        return gettext("Cost not known")
    if cost == 0:
        return gettext("Free of charge")
    return f"{number_text(cost)}\u00a0kr"


def cost_text(cost: int | None) -> str:
    """The cost in a result line: as `cost_amount_text`, an amount after "Cost:"."""
    if not cost:
        return cost_amount_text(cost)
    return gettext("Cost: %(cost)s kr") % {"cost": number_text(cost)}


class Offer(AtlasEntry):
    """A validation model delivered by a provider in a municipality."""

    model = models.ForeignKey(
        ValidationModel, on_delete=models.PROTECT, related_name="offers", verbose_name=_("model")
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("provider"),
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    on_site = models.BooleanField(_("on site"), default=True)
    remote = models.BooleanField(_("remote"), default=False)
    at_workplace = models.BooleanField(_("at the workplace"), default=False)
    # ISO 639-1 codes between commas (",sv,ar,"), so one LIKE finds a language on both databases.
    languages = models.CharField(_("assessment languages"), max_length=120, default=",sv,")
    capacity_per_year = models.PositiveIntegerField(_("capacity per year"), null=True, blank=True)
    lead_time_weeks = models.PositiveSmallIntegerField(
        _("typical lead time (weeks)"), null=True, blank=True
    )
    # None: the provider has not said (shown as not known), which is not the same as 0 (free).
    cost_to_individual = models.PositiveIntegerField(
        _("cost to the individual (SEK)"),
        null=True,
        blank=True,
        default=None,
        help_text=_("0 if free of charge; leave empty if the cost is not known."),
    )
    eligibility = models.TextField(_("eligibility"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)

    objects = PublishableQuerySet["Offer"].as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search_stems"])

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["municipality__code", "model__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"], name="offer_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="offer_valid_to_after_from",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]
        indexes = [
            # Covers the published() filter, so counting public offers reads only the index.
            models.Index(fields=["status", "valid_from", "valid_to"], name="offer_published"),
            models.Index(fields=["model", "status"], name="offer_model_status"),
            # A search page reads the offers of a few (model, municipality) pairs: straight to
            # them, instead of intersecting every offer of the models with every offer of the
            # places (1.7 ms → 0.45 ms at 100 000 offers on PostgreSQL).
            models.Index(fields=["model", "municipality", "status"], name="offer_model_place"),
            # The first published offers by id of one pair, or of one model: a page of the
            # public search reads those few from each pair it needs (atlas.selectors).
            models.Index(
                fields=["model", "municipality", "id"],
                condition=Q(status="published"),
                name="offer_published_place",
            ),
            models.Index(
                fields=["model", "id"],
                condition=Q(status="published"),
                name="offer_published_model",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} – {self.municipality}"

    def get_absolute_url(self) -> str:
        return reverse("atlas:offer-detail", kwargs={"pk": self.pk})

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def cost_amount_text(self) -> str:
        return cost_amount_text(self.cost_to_individual)

    @property
    def cost_text(self) -> str:
        return cost_text(self.cost_to_individual)


class EducationForm(models.TextChoices):
    KOMVUX_COURSE = "komvux_course", _("Komvux course")
    YRKESPAKET = "yrkespaket", _("Komvux vocational package (yrkespaket)")
    YH = "yh", _("Higher vocational education (YH)")
    FOLKHOGSKOLA = "folkhogskola", _("Folk high school")
    LABOUR_MARKET_TRAINING = "labour_market_training", _("Labour-market training")
    EMPLOYER_TRAINING = "employer_training", _("Employer training")


# Kept by name so that services can write the single history entry of a new education once its
# occupations and models are set (see services.education_create).
EDUCATION_HISTORY = HistoricalRecords(
    excluded_fields=["updated_at", "search_stems"],
    m2m_fields=["occupations", "closes_gaps_of"],
)


class ComplementaryEducation(AtlasEntry):
    """Education that closes a gap a validation found (kompletterande utbildning)."""

    title = models.CharField(_("title"), max_length=200)
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="educations",
        verbose_name=_("provider"),
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        related_name="educations",
        verbose_name=_("municipality"),
    )
    form = models.CharField(_("form"), max_length=32, choices=EducationForm.choices)
    code = models.CharField(_("course or programme code"), max_length=20, blank=True)
    occupations = models.ManyToManyField(
        "taxonomy.Occupation",
        related_name="educations",
        blank=True,
        verbose_name=_("occupations (SSYK)"),
    )
    closes_gaps_of = models.ManyToManyField(
        ValidationModel,
        related_name="educations",
        blank=True,
        verbose_name=_("closes gaps found by"),
    )
    start_dates = models.JSONField(_("start dates"), default=list, blank=True)
    pace_percent = models.PositiveSmallIntegerField(
        _("pace (%)"), default=100, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    remote = models.BooleanField(_("distance"), default=False)

    objects = PublishableQuerySet["ComplementaryEducation"].as_manager()
    history = EDUCATION_HISTORY

    class Meta:
        verbose_name = _("complementary education")
        verbose_name_plural = _("complementary education")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"], name="education_unique_external_id"
            )
        ]
        indexes = [
            models.Index(fields=["status", "municipality"], name="education_status_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.municipality}"

    def get_absolute_url(self) -> str:
        return reverse("atlas:education-detail", kwargs={"pk": self.pk})


class RegionPolicy(models.Model):
    """Choices a region makes for its county, e.g. whether offers need review to publish."""

    county = models.OneToOneField(
        "places.County", on_delete=models.CASCADE, related_name="policy", verbose_name=_("county")
    )
    review_required = models.BooleanField(
        _("publishing needs review"),
        default=False,
        help_text=_("Offers and education in this county are published by a regional strategist."),
    )

    class Meta:
        verbose_name = _("region policy")
        verbose_name_plural = _("region policies")

    def __str__(self) -> str:
        return str(self.county)
