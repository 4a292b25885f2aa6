"""The five counties (län) of Östra Mellansverige and their 52 municipalities (kommuner)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from valnav.core.models import BaseModel, ReferenceRowModel


class County(ReferenceRowModel):
    """A län, run by its region (Region Västmanland for län 19, …)."""

    code = models.CharField(_("county code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region_name = models.CharField(_("region"), max_length=100)
    letter = models.CharField(_("county letter"), max_length=2)
    nuts3_code = models.CharField(_("NUTS 3 code"), max_length=5)
    centroid_lat = models.FloatField(_("centroid latitude"))
    centroid_lon = models.FloatField(_("centroid longitude"))
    jobtech_id = models.CharField(_("JobTech concept id"), max_length=12, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def with_county(self) -> MunicipalityQuerySet:
        return self.select_related("county")


class Municipality(ReferenceRowModel):
    """A kommun, keyed by its four-digit SCB code (a string: the leading zero matters)."""

    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    centroid_lat = models.FloatField(_("centroid latitude"))
    centroid_lon = models.FloatField(_("centroid longitude"))
    jobtech_id = models.CharField(_("JobTech concept id"), max_length=12, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_4_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalityPopulation(BaseModel):
    """Inhabitants of a municipality in an age band at the end of a year (SCB's Folkmängd
    efter region, ålder och år). Imported by `import_population` from SCB's file; Valnav ships
    no figures of its own, so a missing row means "not imported", never zero."""

    AGE_20_64 = "20-64"

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="populations",
        verbose_name=_("municipality"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    age_band = models.CharField(_("age band"), max_length=8, default=AGE_20_64)
    count = models.PositiveIntegerField(_("inhabitants"))
    source = models.CharField(_("source"), max_length=200)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("municipality population")
        verbose_name_plural = _("municipality populations")
        ordering = ["municipality__code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "age_band"],
                name="municipality_population_unique_year_band",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year} ({self.age_band}): {self.count}"
