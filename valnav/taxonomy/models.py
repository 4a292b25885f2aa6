"""Classifications: SSYK 2012 occupations with JobTech names, SNI 2007 industries and the
regions' smart-specialisation (S3) areas."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from valnav.core.models import ReferenceRowModel


def fold(text: str) -> str:
    """The form search text is stored and compared in."""
    return " ".join(text.casefold().split())


class OccupationQuerySet(models.QuerySet["Occupation"]):
    def unit_groups(self) -> OccupationQuerySet:
        return self.filter(level=4)

    def matching(self, query: str) -> OccupationQuerySet:
        """Occupations whose code, name or JobTech synonym contains every word of `query`."""
        queryset = self
        for word in fold(query).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset


class Occupation(ReferenceRowModel):
    """An SSYK 2012 group on one of its four levels (yrkesområde … undergrupp)."""

    code = models.CharField(_("SSYK code"), max_length=4, unique=True)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")]
    )
    name_sv = models.CharField(_("Swedish name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent group"),
    )
    # Code, names and JobTech synonyms, case-folded in Python: SQLite's LOWER() and LIKE fold
    # only ASCII, so "örebro" would not find "Örebro" on one of our two databases.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = OccupationQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupation (SSYK)")
        verbose_name_plural = _("occupations (SSYK)")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="occupation_level_1_to_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_sv}"


class OccupationName(ReferenceRowModel):
    """A JobTech occupation name (e.g. "Undersköterska, hemtjänst …"): a search synonym for the
    SSYK groups it belongs to. JobTech merges some SCB groups, so a name may point at two."""

    concept_id = models.CharField(_("JobTech concept id"), max_length=12, unique=True)
    label = models.CharField(_("occupation name"), max_length=200)
    occupation_field = models.CharField(_("occupation field"), max_length=200, blank=True)
    occupations = models.ManyToManyField(
        Occupation, related_name="names", blank=True, verbose_name=_("SSYK groups")
    )

    class Meta:
        verbose_name = _("occupation name (JobTech)")
        verbose_name_plural = _("occupation names (JobTech)")
        ordering = ["label"]
        indexes = [models.Index(Lower("label"), name="occupationname_label_lower")]

    def __str__(self) -> str:
        return self.label


class Industry(ReferenceRowModel):
    """An SNI 2007 section (letter) or division (two digits)."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section")
        DIVISION = "division", _("Division")

    code = models.CharField(_("SNI code"), max_length=2, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name_sv = models.CharField(_("Swedish name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("section"),
    )

    class Meta:
        verbose_name = _("industry (SNI 2007)")
        verbose_name_plural = _("industries (SNI 2007)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_sv}"


class S3Area(ReferenceRowModel):
    """A smart-specialisation area of one region, or of ÖMS jointly (county empty)."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="s3_areas",
        verbose_name=_("county (empty: ÖMS jointly)"),
    )
    strategy = models.CharField(_("strategy"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    verified = models.BooleanField(
        _("verified"), default=True, help_text=_("False where no formal S3 list was found.")
    )

    class Meta:
        verbose_name = _("smart-specialisation area")
        verbose_name_plural = _("smart-specialisation areas")
        ordering = ["county__code", "name"]

    def __str__(self) -> str:
        return self.name


class Branch(ReferenceRowModel):
    """A branch (bransch) as validation is organised: the owner of branch models, a filter in
    the atlas, and a candidate focus branch in insights."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_sv = models.CharField(_("Swedish name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    industries = models.ManyToManyField(
        Industry, related_name="branches", blank=True, verbose_name=_("SNI sections")
    )

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name_sv"]

    def __str__(self) -> str:
        return self.name_sv

    @property
    def name(self) -> str:
        """The name in the active language."""
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv
