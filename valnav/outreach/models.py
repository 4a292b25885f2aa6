"""Information material: articles, guides, fact sheets and success stories (kommunicerbara
exempel) for the project's five target groups, in several languages.

A text and its translations share a `translation_group`; each language occurs at most once in a
group. Every saved change of title, summary or body keeps a `MaterialVersion`, and every change
of state a `MaterialTransition` (who and when).
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from valnav.core.audiences import TargetGroup
from valnav.core.models import BaseModel

LATTLAST = "sv-x-lattlast"  # lättläst svenska: Swedish in easy-to-read form (a BCP 47 private use)
# Language names in the language itself, for the switcher; Django's LANG_INFO knows the rest.
_OWN_NAMES = {LATTLAST: "Lättläst", "sv": "Svenska", "en": "English"}
_BCP47 = re.compile(r"^[a-z]{2,3}(-[a-zA-Z0-9]{1,8})*$")


def validate_language_tag(value: str) -> None:
    """A BCP 47 tag as we use them: a two- or three-letter primary language, then subtags."""
    if not _BCP47.match(value) or len(value) > 35:
        raise ValidationError(
            _("Enter a language code such as sv, en, ar or sv-x-lattlast."), code="invalid"
        )


def language_own_name(code: str) -> str:
    """The language's name as its readers write it ("Svenska", "العربيّة", "Lättläst")."""
    if code in _OWN_NAMES:
        return _OWN_NAMES[code]
    try:
        return str(get_language_info(code.split("-")[0])["name_local"])
    except KeyError:
        return code


def is_rtl(code: str) -> bool:
    """Whether the language is written right to left (Arabic, Persian, Hebrew, Urdu, …)."""
    try:
        return bool(get_language_info(code.split("-")[0])["bidi"])
    except KeyError:
        return False


def html_lang(code: str) -> str:
    """The value for `lang`: lättläst is Swedish to browsers and screen readers."""
    return "sv" if code == LATTLAST else code


class MaterialKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    GUIDE = "guide", _("Guide")
    FACT_SHEET = "fact_sheet", _("Fact sheet")
    SUCCESS_STORY = "success_story", _("Success story")


class MaterialState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class MaterialQuerySet(models.QuerySet["Material"]):
    def published(self) -> MaterialQuerySet:
        return self.filter(state=MaterialState.PUBLISHED)

    def for_target_group(self, target_group: str) -> MaterialQuerySet:
        return self.filter(
            pk__in=MaterialTargetGroup.objects.filter(target_group=target_group).values(
                "material_id"
            )
        )


class Material(BaseModel):
    translation_group = models.UUIDField(
        _("translation group"),
        default=uuid.uuid4,
        db_index=True,
        help_text=_("A text and its translations share this."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address name"),
        max_length=200,
        unique=True,
        help_text=_("The end of the page's address: lowercase letters, digits and hyphens."),
    )
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(_("text"), help_text=_("Markdown: ## headings, lists, links."))
    branch = models.ForeignKey(
        "taxonomy.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    occupations = models.ManyToManyField(
        "taxonomy.Occupation", blank=True, related_name="+", verbose_name=_("occupations")
    )
    counties = models.ManyToManyField(
        "places.County",
        blank=True,
        related_name="+",
        verbose_name=_("counties"),
        help_text=_("None: all of Östra Mellansverige."),
    )
    language = models.CharField(
        _("language"), max_length=35, default="sv", validators=[validate_language_tag]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=MaterialState.choices, default=MaterialState.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    review_by = models.DateField(
        _("review by"), null=True, blank=True, help_text=_("When the text must be checked again.")
    )
    # The review-by date the owner was last reminded of, so each date is reminded once.
    reminded_for = models.DateField(_("reminded of review date"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("information material")
        verbose_name_plural = _("information material")
        ordering = ["-published_at", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_group", "language"],
                name="outreach_material_one_language_per_group",
                violation_error_message=_("This text already has a version in that language."),
            ),
        ]
        indexes = [models.Index(fields=["state", "language"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:material-detail", kwargs={"slug": self.slug})

    @property
    def language_name(self) -> str:
        return language_own_name(self.language)

    @property
    def html_lang(self) -> str:
        return html_lang(self.language)

    @property
    def is_rtl(self) -> bool:
        return is_rtl(self.language)

    @property
    def text_dir(self) -> str:
        return "rtl" if self.is_rtl else "ltr"


class MaterialTargetGroup(models.Model):
    """One of the target groups a material is written for (a material has one or more)."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="audiences", verbose_name=_("material")
    )
    target_group = models.CharField(
        _("target group"), max_length=32, choices=TargetGroup.choices, db_index=True
    )

    class Meta:
        verbose_name = _("target group of material")
        verbose_name_plural = _("target groups of material")
        constraints = [
            models.UniqueConstraint(
                fields=["material", "target_group"], name="outreach_material_target_group_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material} – {self.get_target_group_display()}"


class MaterialVersion(models.Model):
    """Title, summary and body as they were saved once, by whom and when."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="versions", verbose_name=_("material")
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("saved by"),
    )

    class Meta:
        verbose_name = _("version of material")
        verbose_name_plural = _("versions of material")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "number"], name="outreach_material_version_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material} v{self.number}"


class MaterialTransition(models.Model):
    """A change of state: from which, to which, by whom and when."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("material")
    )
    from_state = models.CharField(_("from"), max_length=16, choices=MaterialState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=MaterialState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("state change of material")
        verbose_name_plural = _("state changes of material")
        ordering = ["material", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.material}: {self.from_state} → {self.to_state}"
