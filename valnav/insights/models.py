"""Labour-market demand: Arbetsförmedlingen's Yrkesbarometer per län and omgång, and the rule
that calls an occupation a bristyrke.

*Yrkesbarometer* is Arbetsförmedlingen's twice-yearly assessment, per barometer occupation and
län (and the whole country, `lan` "00"), of the job opportunities (jobbmöjligheter: små,
medelstora, stora), the recruitment situation (rekryteringssituation: brist, balans, överskott
or paradox, or none where Arbetsförmedlingen made no assessment) and the five-year outlook
(prognos: öka, vara oförändrad, minska). An *omgång* is one such round, e.g. "2026-1". It has no
numeric index; the 1–5 bristindex of Arbetsförmedlingen's older forecasts is kept only where an
older file gives it.

"Bristyrke" has no legal definition (DOMAIN.md §4): which recruitment situations count as
shortage, and whether a county without its own assessment takes the country's, is data
(`ShortageRule`), so a region can change it and see what changed.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from valnav.core.models import BaseModel
from valnav.places.models import County
from valnav.taxonomy.models import Occupation

YRKESBAROMETER = "Arbetsförmedlingen Yrkesbarometer"
# The retired 1–5 bristindex, readable from older files only.
INDEX_MIN = Decimal("1.00")
INDEX_MAX = Decimal("5.00")


class RecruitmentSituation(models.TextChoices):
    """Arbetsförmedlingen's rekryteringssituation, stored in its own words. *Paradox*: employers
    find it hard to recruit although there are many job seekers in the occupation."""

    SHORTAGE = "brist", _("Shortage (brist)")
    BALANCE = "balans", _("Balance (balans)")
    SURPLUS = "överskott", _("Surplus (överskott)")
    PARADOX = "paradox", _("Paradox (paradox)")


class JobOpportunities(models.TextChoices):
    """Arbetsförmedlingen's jobbmöjligheter, in its own words."""

    SMALL = "små", _("Small (små)")
    MEDIUM = "medelstora", _("Medium (medelstora)")
    LARGE = "stora", _("Large (stora)")


class Outlook(models.TextChoices):
    """The direction of demand a prognos gives (Arbetsförmedlingen: öka, vara oförändrad,
    minska)."""

    INCREASING = "increasing", _("Increase (öka)")
    UNCHANGED = "unchanged", _("Stay unchanged (vara oförändrad)")
    DECREASING = "decreasing", _("Decrease (minska)")


class DemandObservationQuerySet(models.QuerySet["DemandObservation"]):
    def in_round(self, round: str) -> DemandObservationQuerySet:
        return self.filter(round=round)

    def with_places(self) -> DemandObservationQuerySet:
        return self.select_related("county", "occupation")


class DemandObservation(BaseModel):
    """One barometer occupation's assessment in one län (or the whole country) in one round,
    for one of its SSYK codes: a row naming several SSYK-4 codes is stored once per code."""

    source = models.CharField(_("source"), max_length=100, default=YRKESBAROMETER)
    round = models.CharField(_("round (omgång)"), max_length=20, help_text=_("For example 2026-1."))
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demand_observations",
        verbose_name=_("county"),
        help_text=_("Empty for the whole country."),
    )
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="demand_observations",
        verbose_name=_("occupation (SSYK)"),
    )
    occupation_area = models.CharField(
        _("occupation area (yrkesområde)"), max_length=200, blank=True
    )
    yb_occupation = models.CharField(_("Yrkesbarometer occupation"), max_length=200, blank=True)
    yb_concept_id = models.CharField(_("Yrkesbarometer concept id"), max_length=40, blank=True)
    ssyk_text = models.TextField(_("SSYK names as published (ssyk_text)"), blank=True)
    yb_description = models.TextField(_("description (yb_beskrivning)"), blank=True)
    recruitment_situation = models.CharField(
        _("recruitment situation (rekryteringssituation)"),
        max_length=12,
        choices=RecruitmentSituation.choices,
        blank=True,
        help_text=_("Empty: Arbetsförmedlingen made no assessment."),
    )
    paradox = models.JSONField(
        _("paradox"),
        default=list,
        blank=True,
        help_text=_("Arbetsförmedlingen's list given with a paradox, word for word."),
    )
    shortage_index = models.DecimalField(
        _("older shortage index (1–5)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only from older files: Arbetsförmedlingen no longer publishes an index."),
    )
    job_opportunities = models.CharField(
        _("job opportunities (jobbmöjligheter)"),
        max_length=12,
        choices=JobOpportunities.choices,
        blank=True,
    )
    outlook_1y = models.CharField(
        _("outlook in one year"), max_length=12, choices=Outlook.choices, blank=True
    )
    outlook_5y = models.CharField(
        _("outlook in five years (prognos)"), max_length=12, choices=Outlook.choices, blank=True
    )
    text_job_opportunities = models.TextField(
        _("text on job opportunities (text_jobbmojligheter)"), blank=True
    )
    text_recruitment_situation = models.TextField(
        _("text on the recruitment situation (text_rekryteringssituation)"), blank=True
    )
    highest_assessment_level = models.CharField(
        _("highest assessment level (högsta bedömningsnivå)"), max_length=100, blank=True
    )
    partly_or_wholly = models.CharField(
        _("partly or wholly (delvis_helt)"), max_length=20, blank=True
    )
    taxonomy_version = models.CharField(_("taxonomy version"), max_length=20, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    imported_at = models.DateTimeField(_("imported"))

    objects = DemandObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand observation")
        verbose_name_plural = _("demand observations")
        ordering = ["-round", "county__code", "occupation__code"]
        constraints = [
            # Two constraints rather than nulls_distinct=False, which SQLite does not enforce:
            # the whole country (no county) is one row per key too.
            models.UniqueConstraint(
                fields=["source", "round", "county", "occupation", "yb_concept_id"],
                condition=models.Q(county__isnull=False),
                name="demandobservation_unique_in_county",
            ),
            models.UniqueConstraint(
                fields=["source", "round", "occupation", "yb_concept_id"],
                condition=models.Q(county__isnull=True),
                name="demandobservation_unique_national",
            ),
            models.CheckConstraint(
                condition=models.Q(shortage_index__isnull=True)
                | models.Q(shortage_index__gte=INDEX_MIN, shortage_index__lte=INDEX_MAX),
                name="demandobservation_index_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(round=""), name="demandobservation_round_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["round", "county"], name="demandobs_round_county")]

    def __str__(self) -> str:
        place = self.county.name if self.county else _("Sweden")
        return f"{self.round} {place} {self.occupation.code}"


def default_shortage_situations() -> list[str]:
    return [RecruitmentSituation.SHORTAGE.value]


def validate_situations(value: object) -> None:
    allowed = set(RecruitmentSituation.values)
    if not isinstance(value, list) or not all(item in allowed for item in value):
        raise ValidationError(
            _("Choose recruitment situations among: %(allowed)s."),
            params={"allowed": ", ".join(RecruitmentSituation.values)},
            code="invalid",
        )


class ShortageRule(BaseModel):
    """When an assessment counts as shortage (bristyrke): its recruitment situation is one of
    `situations` in the latest round; where a county has no assessment of its own and
    `national_fallback` is set, the whole country's counts. No assessment is never a shortage.
    One row is active at a time."""

    situations = models.JSONField(
        _("recruitment situations counted as shortage"),
        default=default_shortage_situations,
        validators=[validate_situations],
        help_text=_("Among brist, balans, överskott and paradox; by default brist only."),
    )
    national_fallback = models.BooleanField(
        _("use the country's assessment where a county has none"),
        default=True,
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("How the rule is explained to readers of the demand page."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shortage rule")
        verbose_name_plural = _("shortage rules")
        ordering = ["-is_active", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="shortagerule_one_active",
            ),
        ]

    def __str__(self) -> str:
        return _("Shortage: %(situations)s") % {"situations": ", ".join(self.situations)}

    def counts(self, situation: str) -> bool:
        """Whether an assessment of `situation` ("" for none) is a shortage by this rule."""
        return bool(situation) and situation in self.situations


class FocusScenario(models.Model):
    """A strategist's named set of weights for focus-branch scoring (valnav.insights.focus),
    kept so that scenarios can be reopened and compared. Private to the person who saved it."""

    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="focus_scenarios",
        verbose_name=_("county"),
        help_text=_("Empty for all of Östra Mellansverige."),
    )
    weights = models.JSONField(
        _("weights"), default=dict, help_text=_("Weight 0–5 per criterion, by criterion key.")
    )
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="focus_scenarios",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("focus scenario")
        verbose_name_plural = _("focus scenarios")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "name"], name="focusscenario_unique_name_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AggregateStatistic(BaseModel):
    """Validations a municipality reported as totals for a year, for municipalities not yet
    using casework (valnav.insights.aggregates). Counts of people: never published below five."""

    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        related_name="aggregate_statistics",
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    started = models.PositiveIntegerField(_("validations started"))
    completed = models.PositiveIntegerField(_("completed (decision)"))
    full = models.PositiveIntegerField(_("fully met"))
    partial = models.PositiveIntegerField(_("partly met"))
    not_met = models.PositiveIntegerField(_("not met"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("aggregate statistic")
        verbose_name_plural = _("aggregate statistics")
        ordering = ["municipality__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="aggregatestatistic_unique_year"
            ),
            models.CheckConstraint(
                condition=models.Q(completed__lte=models.F("started")),
                name="aggregatestatistic_completed_le_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"


class ValueScenario(models.Model):
    """A named calculation of the socio-economic value calculator (valnav.insights.value): its
    inputs and the selection of cases they came from, with the results as they were when it
    was saved, so that a success story can show the figures it illustrates. Listed only to
    the person who saved it. People validated taken from cases is never one to four (the
    calculator does not use such a count)."""

    name = models.CharField(_("name"), max_length=100)
    parameters = models.JSONField(
        _("parameters"), default=dict, help_text=_("The calculator's inputs and case selection.")
    )
    people_validated = models.PositiveIntegerField(_("people validated"))
    horizon_years = models.PositiveSmallIntegerField(_("horizon in years"))
    total_low = models.DecimalField(_("total, low"), max_digits=16, decimal_places=0)
    total_base = models.DecimalField(_("total, base"), max_digits=16, decimal_places=0)
    total_high = models.DecimalField(_("total, high"), max_digits=16, decimal_places=0)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="value_scenarios",
        verbose_name=_("created by"),
    )
    # The success story this calculation illustrates: the story's page shows its figures.
    story = models.ForeignKey(
        "outreach.Material",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="value_scenarios",
        limit_choices_to={"kind": "success_story"},
        verbose_name=_("success story"),
    )
    saved_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("value scenario")
        verbose_name_plural = _("value scenarios")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "name"], name="valuescenario_unique_name_per_user"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def query(self) -> str:
        """The calculator's address query that reopens this calculation."""
        return urlencode(self.parameters)
