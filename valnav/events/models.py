"""Events the project holds (seminars, webinars, conferences, kunskapshöjande insatser) and the
people who register for them.

A registration holds a few personal items (name, e-mail, organisation name, dietary or access
needs) for as long as the event needs them; `purge_event_registrations` blanks them twelve months
after the event, so that the statistics (organisation kind, county, gender, attendance) stay.
Links in e-mails carry only a random token whose SHA-256 is stored (`RegistrationToken`), never
a name or an address.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valnav.accounts.models import Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.core.audiences import TargetGroup
from valnav.core.models import BaseModel
from valnav.core.permissions import Perm
from valnav.core.validators import single_line
from valnav.places.models import County


class EventKind(models.TextChoices):
    # Kunskapshöjande insats: a knowledge-raising effort, the project's own word for them.
    KNOWLEDGE_RAISING = "knowledge_raising", _("Knowledge-raising event")
    SEMINAR = "seminar", _("Seminar")
    WEBINAR = "webinar", _("Webinar")
    CONFERENCE = "conference", _("Conference")
    EXPERIENCE_EXCHANGE = "experience_exchange", _("Experience exchange")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class EventQuerySet(models.QuerySet["Event"]):
    def published(self) -> EventQuerySet:
        """What visitors see: published and cancelled events (a cancelled one says so)."""
        return self.filter(state__in=[EventState.PUBLISHED, EventState.CANCELLED])

    def upcoming(self) -> EventQuerySet:
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self) -> EventQuerySet:
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def manageable_by(self, user: User) -> EventQuerySet:
        """Events the user runs: organised by an organisation where they hold MANAGE_EVENTS
        (a role counts only where it was given). Their registrations name people, so another
        organisation's events stay out of reach."""
        return self.filter(
            organiser__in=organisations_with_perm(user=user, perm=Perm.MANAGE_EVENTS).values("pk")
        )


class Event(BaseModel):
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organiser"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("county"),
        null=True,
        blank=True,
        help_text=_("Empty for an event for the whole of Östra Mellansverige."),
    )
    place = models.CharField(_("place"), max_length=300, blank=True, validators=[single_line])
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    state = models.CharField(
        _("state"), max_length=16, choices=EventState.choices, default=EventState.DRAFT
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_url=""),
                name="event_has_place_or_link",
                violation_error_message=_("Give a place or an online link."),
            ),
        ]
        indexes = [models.Index(fields=["state", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", kwargs={"slug": self.slug})

    @property
    def places_left(self) -> int:
        """From the `confirmed_count` annotation (selectors.with_places) when there is one."""
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            confirmed = self.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        return max(self.capacity - confirmed, 0)

    @property
    def is_open_for_registration(self) -> bool:
        return (
            self.state == EventState.PUBLISHED
            and timezone.now() < self.registration_closes_at
            and timezone.now() < self.ends_at
        )


class EventTargetGroup(models.Model):
    """One of an event's target groups (an event has several)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="target_groups", verbose_name=_("event")
    )
    target_group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)

    class Meta:
        verbose_name = _("target group of an event")
        verbose_name_plural = _("target groups of events")
        constraints = [
            models.UniqueConstraint(fields=["event", "target_group"], name="event_target_unique")
        ]

    def __str__(self) -> str:
        return str(TargetGroup(self.target_group).label)


class ParticipantOrganisationKind(models.TextChoices):
    KOMVUX = "komvux", _("Komvux / municipality")
    REGION = "region", _("Region")
    EMPLOYER = "employer", _("Employer")
    BRANCH = "branch", _("Branch organisation")
    EDUCATION_PROVIDER = "education_provider", _("Education provider")
    ARBETSFORMEDLINGEN = "arbetsformedlingen", _("Arbetsförmedlingen")
    OTHER = "other", _("Other")


class ParticipantGender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Do not want to say")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


NEEDS_MAX_LENGTH = 500


class Registration(BaseModel):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    # Personal data: blanked by purge_event_registrations a year after the event.
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[single_line])
    email = models.EmailField(_("e-mail address"), blank=True)
    organisation_name = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[single_line]
    )
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=32, choices=ParticipantOrganisationKind.choices
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county"),
        null=True,
        blank=True,
    )
    # Personal data (it may reveal health or religion): shown only to the event's organisers,
    # never in logs, URLs or statistics, and blanked with the name by the purge.
    needs = models.TextField(_("dietary or access needs"), max_length=NEEDS_MAX_LENGTH, blank=True)
    # Asked only for the follow-up of the horizontal principles (jämställdhet): reported as
    # counts, never per person, and optional.
    gender = models.CharField(
        _("gender"), max_length=16, choices=ParticipantGender.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices)
    attended = models.BooleanField(_("attended"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)
    # One stamp per kind of e-mail: a conditional UPDATE on it makes each e-mail go out once.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    waitlist_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    promotion_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    evaluation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    event_cancelled_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest, since this one may go out again (emails.EmailKind.again_after).
    already_registered_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active registration per address and event; a purged one has no address.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(email="") & ~Q(status="cancelled"),
                name="registration_email_once_per_event",
                violation_error_message=_("This e-mail address is already registered."),
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        # No name: __str__ ends up in logs and the admin's history.
        return f"{self.event} #{self.pk}"


class TokenPurpose(models.TextChoices):
    CANCEL = "cancel", _("Cancel the registration")
    EVALUATE = "evaluate", _("Answer the evaluation")


class RegistrationToken(models.Model):
    """A no-login link's secret, stored as its SHA-256 only. Each e-mail that carries a link
    issues a fresh token (the raw token exists only in that e-mail), so earlier e-mails' links
    keep working and nothing in the database can be turned back into a link."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=16, choices=TokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link token")
        verbose_name_plural = _("link tokens")

    def __str__(self) -> str:
        return f"{self.purpose} {self.registration_id}"


LIKERT_CHOICES = [(value, str(value)) for value in range(1, 6)]
# The evaluation's statements, each answered from 1 (do not agree at all) to 5 (agree completely).
LIKERT_LABELS = {
    "relevance": _("The content was relevant to my work"),
    "knowledge": _("I know more about validation after the event"),
    "organisation": _("The event was well organised"),
    "recommend": _("I would recommend the event to a colleague"),
}
LIKERT_ITEMS = tuple(LIKERT_LABELS)
COMMENT_LABEL = _("Anything else you want to tell us")


class EvaluationResponse(BaseModel):
    """A participant's evaluation: Likert items 1 (disagree) … 5 (agree) and free text. At most
    one per registration; shown to staff only as aggregates from five answers on."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="evaluation",
        verbose_name=_("registration"),
    )
    relevance = models.PositiveSmallIntegerField(LIKERT_LABELS["relevance"], choices=LIKERT_CHOICES)
    knowledge = models.PositiveSmallIntegerField(LIKERT_LABELS["knowledge"], choices=LIKERT_CHOICES)
    organisation = models.PositiveSmallIntegerField(
        LIKERT_LABELS["organisation"], choices=LIKERT_CHOICES
    )
    recommend = models.PositiveSmallIntegerField(LIKERT_LABELS["recommend"], choices=LIKERT_CHOICES)
    comment = models.TextField(COMMENT_LABEL, blank=True)
    # The SHA-256 of the invitation's token the answer came with.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(relevance__range=(1, 5))
                & Q(knowledge__range=(1, 5))
                & Q(organisation__range=(1, 5))
                & Q(recommend__range=(1, 5)),
                name="evaluation_likert_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration}"
