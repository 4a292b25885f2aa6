"""Project governance: a project (such as the ÖMS project 22RS8988) with its steering group and
project group, its result chain (sub-goals, activities, indicators), its budget and financing
plan, the costs booked in the ledger (utfall), and its risks.

Amounts of the budget and the financing plan are whole kronor, as in the application; ledger
amounts keep their öre. A row that belongs to one region's part of the project (a budget line,
an actual, an activity) names the region by its county (län); an empty region is the
project's shared part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from valnav.core.audiences import TargetGroup
from valnav.core.models import BaseModel
from valnav.core.permissions import Perm, user_has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from valnav.accounts.models import User


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: User | AnonymousUser) -> ProjectQuerySet:
        """Projects a user may read: those they are a member of, and, with VIEW_PROJECTS, those
        whose owner or partner organisations they belong to (partners read their region's part
        only; see `selectors.region_scope`)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        seen = Q(members__user=user)
        if user_has_perm(user, Perm.VIEW_PROJECTS):
            organisations = user.memberships.values("organisation")
            seen |= Q(owner__in=organisations) | Q(partners__in=organisations)
        return self.filter(pk__in=self.model.objects.filter(seen).values("pk"))


class Project(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    diarienummer = models.CharField(
        _("reference number (diarienummer)"),
        max_length=40,
        unique=True,
        help_text=_("As the financier registered it, e.g. 22RS8988."),
    )
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_projects",
        verbose_name=_("project owner"),
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="partner_projects",
        verbose_name=_("partner organisations"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # The seed's decision gives the end as "2024-11-31", a day that does not exist. The record
    # keeps a real date in ends_on and the decision's own words here, shown beside it, so a
    # reader comparing with the decision sees both and why they differ.
    ends_on_as_written = models.CharField(
        _("end date as the decision writes it"),
        max_length=20,
        blank=True,
        help_text=_("Only when the decision's end date is not a real date, e.g. 2024-11-31."),
    )
    overall_goal = models.TextField(_("overall goal"), blank=True)
    project_goal = models.TextField(_("project goal"), blank=True)
    indirect_cost_rate = models.DecimalField(
        # xgettext:no-python-format
        _("indirect costs, % of staff costs"),
        max_digits=5,
        decimal_places=2,
        default=20,
        help_text=_("Used to propose the indirect costs line from the staff costs."),
    )
    gender_equality = models.TextField(_("gender equality"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    non_discrimination = models.TextField(_("non-discrimination"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="governance_project_ends_after_start",
                violation_error_message=_("The project must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.diarienummer})"

    def get_absolute_url(self) -> str:
        return reverse("governance:project-detail", kwargs={"pk": self.pk})

    @property
    def years(self) -> list[int]:
        return list(range(self.starts_on.year, self.ends_on.year + 1))


class Group(models.TextChoices):
    STEERING = "steering", _("Steering group")
    PROJECT = "project", _("Project group")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SUB_PROJECT_MANAGER = "sub_project_manager", _("Sub-project manager")
    ECONOMIST = "economist", _("Economist")
    COMMUNICATOR = "communicator", _("Communicator")
    MEMBER = "member", _("Member")


class ProjectMember(BaseModel):
    """A person's seat in the steering group or the project group, for a region or not."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_seats",
        verbose_name=_("person"),
    )
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    role = models.CharField(_("role"), max_length=32, choices=MemberRole.choices)
    region = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("For a seat that represents one region's part of the project."),
    )

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        ordering = ["group", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "group", "role"], name="governance_member_unique_seat"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.get_role_display()}"


class SubGoal(BaseModel):
    """A delmål: one of the project's focus areas and what it should achieve."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="sub_goals", verbose_name=_("project")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    focus_area = models.CharField(_("focus area"), max_length=200)
    goal = models.TextField(_("sub-goal"))

    class Meta:
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="governance_subgoal_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.focus_area}"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(BaseModel):
    sub_goal = models.ForeignKey(
        SubGoal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("sub-goal")
    )
    title = models.CharField(_("title"), max_length=300)
    region = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible region"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    target_group = models.CharField(_("target group"), max_length=32, choices=TargetGroup.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["sub_goal", "planned_start", "pk"]

    def __str__(self) -> str:
        return self.title


class Indicator(BaseModel):
    """A measure of a sub-goal: live (computed from the platform's data by a key of
    `valnav.governance.live.LIVE_INDICATORS`) or manual (its measurements are logged)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project")
    )
    sub_goal = models.ForeignKey(
        SubGoal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("sub-goal"),
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    live_key = models.CharField(
        _("live figure"),
        max_length=60,
        blank=True,
        help_text=_("Empty for an indicator whose measurements are entered by hand."),
    )
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "sub_goal__number", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return bool(self.live_key)


class Measurement(BaseModel):
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "measured_on", "pk"]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"


class CostCategory(models.TextChoices):
    STAFF = "staff", _("Own staff incl. payroll overhead")
    EXTERNAL = "external", _("External services")
    TRAVEL = "travel", _("Travel and accommodation")
    INDIRECT = "indirect", _("Indirect costs")


class BudgetLine(BaseModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("project")
    )
    category = models.CharField(_("cost category"), max_length=16, choices=CostCategory.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    amount = models.BigIntegerField(_("amount (kr)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "year", "category", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "year", "region"],
                name="governance_budget_unique_line",
            ),
            models.UniqueConstraint(
                fields=["project", "category", "year"],
                condition=Q(region__isnull=True),
                name="governance_budget_unique_shared_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_category_display()}: {self.amount}"


class Financier(BaseModel):
    """Who pays a decided share of the project's booked costs (Tillväxtverket 50 %, …)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="financiers", verbose_name=_("project")
    )
    name = models.CharField(_("financier"), max_length=200)
    share = models.DecimalField(
        _("decided share (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("The financier's share of the booked costs, in per cent."),
    )
    region = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("financier")
        verbose_name_plural = _("financiers")
        ordering = ["project", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"], name="governance_financier_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100),
                name="governance_financier_share_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FinancingLine(BaseModel):
    financier = models.ForeignKey(
        Financier, on_delete=models.CASCADE, related_name="lines", verbose_name=_("financier")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.BigIntegerField(_("amount (kr)"))

    class Meta:
        verbose_name = _("financing line")
        verbose_name_plural = _("financing lines")
        ordering = ["financier", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["financier", "year"], name="governance_financing_unique_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class Actual(BaseModel):
    """One booked cost from the ledger (a verifikation's line)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="actuals", verbose_name=_("project")
    )
    booked_on = models.DateField(_("date"))
    verification = models.CharField(_("verification number"), max_length=40)
    account = models.CharField(_("account"), max_length=20)
    category = models.CharField(_("cost category"), max_length=16, choices=CostCategory.choices)
    region = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    amount = models.DecimalField(_("amount (kr)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("booked cost")
        verbose_name_plural = _("booked costs")
        ordering = ["project", "booked_on", "verification", "pk"]
        indexes = [models.Index(fields=["project", "booked_on"])]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.verification}: {self.amount}"


class Risk(BaseModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="risks", verbose_name=_("project")
    )
    description = models.TextField(_("risk"))
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
