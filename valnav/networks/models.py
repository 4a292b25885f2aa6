"""Networks of the project and what happens in them: members, meetings (with agenda, minutes,
documents and decisions) and knowledge-raising efforts (kunskapshöjande insatser: courses,
seminars and materials that raise what a target group knows about validation).

Who reads a network is `Network.objects.visible_to(user)`: a network's own member
organisations and its convenor. Visitors see only `Network.objects.public()` and, of its
meetings, only approved minutes.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valnav.accounts.selectors import organisations_with_perm
from valnav.core.audiences import TargetGroup
from valnav.core.models import BaseModel
from valnav.core.permissions import Perm, Role


class NetworkKind(models.TextChoices):
    KOMVUX_VALIDATION = "komvux_validation", _("Komvux validation network")
    BRANCH = "branch", _("Branch network")
    REGIONAL_STRATEGISTS = "regional_strategists", _("Regional strategists")
    OTHER = "other", _("Other")


def _is_active_user(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


class NetworkQuerySet(models.QuerySet["Network"]):
    def public(self) -> NetworkQuerySet:
        """Listed on the public pages (with approved minutes and member organisations)."""
        return self.filter(is_public=True)

    def visible_to(self, user: object) -> NetworkQuerySet:
        """Networks whose meetings, agendas, minutes, documents and decisions the user may read:
        those convened by, or with a current member that is, one of the user's organisations.
        Administrators see every network."""
        if not _is_active_user(user):
            return self.none()
        role_set = getattr(user, "role_set", None)
        if role_set is not None and Role.ADMINISTRATOR in role_set():
            return self.all()
        # A User (authenticated above); `object` so that AnonymousUser is accepted too.
        organisations = user.memberships.order_by().values("organisation_id")  # type: ignore[attr-defined]
        today = timezone.localdate()
        member_of = (
            NetworkMembership.objects.filter(organisation_id__in=organisations)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
            .order_by()
            .values("network_id")
        )
        return self.filter(Q(convenor_id__in=organisations) | Q(pk__in=member_of))

    def manageable_by(self, user: object) -> NetworkQuerySet:
        """Networks the user may change: convened by, or with a current member that is, an
        organisation where the user holds MANAGE_NETWORKS. A role counts only in the
        organisation that gave it (accounts.selectors.organisations_with_perm)."""
        if not _is_active_user(user):
            return self.none()
        role_set = getattr(user, "role_set", None)
        if role_set is not None and Role.ADMINISTRATOR in role_set():
            return self.all()
        organisations = organisations_with_perm(
            user=user,  # type: ignore[arg-type]  # active and authenticated, checked above
            perm=Perm.MANAGE_NETWORKS,
        ).values("pk")
        today = timezone.localdate()
        member_of = (
            NetworkMembership.objects.filter(organisation_id__in=organisations)
            .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
            .order_by()
            .values("network_id")
        )
        return self.filter(Q(convenor_id__in=organisations) | Q(pk__in=member_of))


class Network(BaseModel):
    """A network of organisations that meet to exchange experience, e.g. the Komvux validation
    network of Östra Mellansverige."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    purpose = models.TextField(
        _("purpose"), blank=True, help_text=_("Markdown: what the network is for and how it works.")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NetworkKind.choices)
    counties = models.ManyToManyField(
        "places.County", blank=True, related_name="+", verbose_name=_("counties")
    )
    focus_branches = models.ManyToManyField(
        "taxonomy.Branch", blank=True, related_name="+", verbose_name=_("focus branches")
    )
    convenor = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="convened_networks",
        verbose_name=_("convenor"),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("List the network, its member organisations and approved minutes publicly."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("networks:network-detail", kwargs={"slug": self.slug})


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class NetworkMembership(BaseModel):
    """An organisation in a network, optionally through a named person: a user of Valnav or an
    external contact (name and role only). Persons are never shown on public pages."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="network_memberships",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_memberships",
        verbose_name=_("person (user)"),
    )
    contact_name = models.CharField(_("contact's name"), max_length=200, blank=True)
    contact_role = models.CharField(_("contact's role or title"), max_length=200, blank=True)
    role = models.CharField(
        _("role in the network"),
        max_length=16,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    joined_on = models.DateField(_("joined"), default=date.today)
    left_on = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["network", "organisation__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="network_membership_left_after_joined",
                violation_error_message=_("The date left is before the date joined."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(contact_name=""),
                name="network_membership_user_or_contact",
                violation_error_message=_("Name either a user or an external contact, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network}: {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > timezone.localdate()

    @property
    def person(self) -> str:
        if self.user_id is not None and self.user is not None:
            return self.user.full_name or self.user.email
        return self.contact_name


class MeetingKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    EXPERIENCE_EXCHANGE = "experience_exchange", _("Experience exchange")
    STUDY_VISIT = "study_visit", _("Study visit")
    WORKSHOP = "workshop", _("Workshop")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def with_approved_minutes(self) -> MeetingQuerySet:
        return self.filter(minutes_approved=True).exclude(minutes="")


class Meeting(BaseModel):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("network")
    )
    kind = models.CharField(
        _("kind"), max_length=32, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown."))
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    minutes_approved = models.BooleanField(_("minutes approved"), default=False)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )
    participants = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("organisations present"),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | Q(is_online=True),
                name="meeting_place_or_online",
                violation_error_message=_("Give a place or mark the meeting as online."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("networks:meeting-detail", kwargs={"slug": self.network.slug, "pk": self.pk})


def document_path(instance: MeetingDocument, filename: str) -> str:
    # An unguessable name: the file is served only through a view that checks access.
    return f"networks/{secrets.token_hex(2)}/{secrets.token_hex(16)}"


class MeetingDocument(BaseModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class MeetingDecision(BaseModel):
    """Something a meeting decided someone will do (an action in the action list)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    responsible_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_organisation__isnull=False) | ~Q(responsible_person=""),
                name="meeting_decision_responsible",
                violation_error_message=_("Name a responsible organisation or person."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == DecisionStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class EffortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")


class KnowledgeEffortQuerySet(models.QuerySet["KnowledgeEffort"]):
    def public(self) -> KnowledgeEffortQuerySet:
        """Efforts of no network or of a public one."""
        return self.filter(Q(network__isnull=True) | Q(network__is_public=True))


class KnowledgeEffort(BaseModel):
    """A knowledge-raising effort (kunskapshöjande insats): a course, seminar series or study
    material that raises what a target group knows about validation in a focus branch."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    focus_branches = models.ManyToManyField(
        "taxonomy.Branch", blank=True, related_name="+", verbose_name=_("focus branches")
    )
    counties = models.ManyToManyField(
        "places.County", blank=True, related_name="+", verbose_name=_("counties")
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="efforts",
        verbose_name=_("network"),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EffortStatus.choices, default=EffortStatus.PLANNED
    )
    reach = models.PositiveIntegerField(
        _("participants reached"),
        null=True,
        blank=True,
        help_text=_("Entered by hand; published as “<5” when one to four."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = KnowledgeEffortQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge-raising effort")
        verbose_name_plural = _("knowledge-raising efforts")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="knowledge_effort_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def target_group_values(self) -> list[str]:
        return [row.target_group for row in self.target_groups.all()]

    @property
    def target_group_labels(self) -> list[str]:
        return [str(TargetGroup(value).label) for value in self.target_group_values]


class KnowledgeEffortTargetGroup(models.Model):
    """One target group of an effort (a row each, so that the public list filters on it in the
    database on SQLite and PostgreSQL alike)."""

    effort = models.ForeignKey(
        KnowledgeEffort,
        on_delete=models.CASCADE,
        related_name="target_groups",
        verbose_name=_("effort"),
    )
    target_group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)

    class Meta:
        verbose_name = _("target group of an effort")
        verbose_name_plural = _("target groups of efforts")
        ordering = ["effort", "target_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["effort", "target_group"], name="knowledge_effort_target_group_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.effort}: {self.get_target_group_display()}"
