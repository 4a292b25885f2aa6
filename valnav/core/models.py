"""Shared model bases and the provenance record every reference row points to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Timestamps every Valnav table carries."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ReferenceDataset(BaseModel):
    """One shipped reference file as it was imported: where it comes from and which version.

    Every reference row (county, occupation, …) points here, so each row knows its source and
    version, and a changed file is visible as a new checksum.
    """

    key = models.SlugField(_("key"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=200)
    licence = models.CharField(_("licence"), max_length=100)
    version = models.CharField(_("version"), max_length=100)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("reference dataset")
        verbose_name_plural = _("reference datasets")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class ReferenceRowModel(BaseModel):
    """A row that came from a shipped reference file."""

    dataset = models.ForeignKey(
        ReferenceDataset,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("source dataset"),
    )

    class Meta:
        abstract = True


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    ANONYMISE = "anonymise", _("Anonymised")
    CULL = "cull", _("Culled")


class AccessLogEntry(models.Model):
    """One read or write of personal data: who, when, which record, why. Append-only: rows are
    never changed or deleted by the application: accountability and security of processing (GDPR
    art. 5(2) and 32)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
        help_text=_("Empty for the system itself, e.g. retention jobs."),
    )
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    record_type = models.CharField(_("record type"), max_length=60)
    # The record's pseudonymous reference, never a name or personnummer.
    record_ref = models.CharField(_("record"), max_length=60, db_index=True)
    purpose = models.CharField(_("why"), max_length=200)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.record_type} {self.record_ref}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("The access log is append-only.")


class DataVersion(models.Model):
    """A token that changes whenever the data under a family of computed figures changes, so
    that caches keyed by it are never read after the data moved on
    (valnav.core.figures_cache). A random token rather than a counter, so that a rolled-back
    transaction or a restored backup never brings back an old key."""

    key = models.CharField(_("key"), max_length=40, primary_key=True)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.key} {self.token}"


class RateLimitCount(models.Model):
    """POSTs counted in one rate-limit window (valnav.core.ratelimit): one row per scope, client
    address and minute. In the database, not the cache, so that every worker of every app server
    counts into the same row whatever cache is configured, and increments with one atomic UPDATE.
    Rows live a minute or two: each new window deletes the expired ones."""

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("rate-limit count")
        verbose_name_plural = _("rate-limit counts")

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
