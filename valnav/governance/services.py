"""Writes of project governance: projects and their groups, the result chain, the budget and
financing plan, measurements and risks. Each checks with `full_clean()` and saves inside a
transaction; dates given as text pass through `valnav.governance.dates.parse_day`, so that
"2024-11-31" is refused with a message naming the field and the month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from valnav.core.audiences import TargetGroup
from valnav.governance.dates import DateError, parse_day
from valnav.governance.models import (
    Activity,
    ActivityStatus,
    BudgetLine,
    CostCategory,
    Financier,
    FinancingLine,
    Group,
    Indicator,
    Measurement,
    MemberRole,
    Project,
    ProjectMember,
    Risk,
    SubGoal,
)
from valnav.governance.selectors import project_member_candidates

if TYPE_CHECKING:
    from valnav.accounts.models import Organisation, User
    from valnav.places.models import County


def _dates(**fields: tuple[str, str | date | None]) -> dict[str, date | None]:
    """Each named (label, value) as a date; every bad one reported on its own field."""
    parsed: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name, (label, value) in fields.items():
        if value is None or value == "":
            parsed[name] = None
            continue
        try:
            parsed[name] = parse_day(value)
        except DateError as error:
            errors[name] = _("%(field)s: %(message)s") % {"field": label, "message": error.message}
    if errors:
        raise ValidationError(errors)
    return parsed


def _period(starts_on: str | date, ends_on: str | date) -> tuple[date, date]:
    parsed = _dates(starts_on=(_("Starts on"), starts_on), ends_on=(_("Ends on"), ends_on))
    start, end = parsed["starts_on"], parsed["ends_on"]
    if start is None or end is None:
        raise ValidationError(
            {
                name: _("%(field)s: this field is required.") % {"field": label}
                for name, label, value in (
                    ("starts_on", _("Starts on"), start),
                    ("ends_on", _("Ends on"), end),
                )
                if value is None
            }
        )
    if end <= start:
        raise ValidationError(
            {
                "ends_on": _("Ends on: the project must end after it starts (%(start)s).")
                % {"start": start.isoformat()}
            }
        )
    return start, end


@transaction.atomic
def project_create(
    *,
    name: str,
    diarienummer: str,
    owner: Organisation,
    starts_on: str | date,
    ends_on: str | date,
    partners: Iterable[Organisation] = (),
    overall_goal: str = "",
    project_goal: str = "",
    is_demo: bool = False,
) -> Project:
    start, end = _period(starts_on, ends_on)
    project = Project(
        name=name,
        diarienummer=diarienummer.strip(),
        owner=owner,
        starts_on=start,
        ends_on=end,
        overall_goal=overall_goal,
        project_goal=project_goal,
        is_demo=is_demo,
    )
    project.full_clean()
    project.save()
    project.partners.set(list(partners))
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    name: str,
    starts_on: str | date,
    ends_on: str | date,
    overall_goal: str,
    project_goal: str,
    indirect_cost_rate: Decimal,
    gender_equality: str,
    accessibility: str,
    non_discrimination: str,
) -> Project:
    start, end = _period(starts_on, ends_on)
    project.name = name
    project.starts_on = start
    project.ends_on = end
    project.overall_goal = overall_goal
    project.project_goal = project_goal
    project.indirect_cost_rate = indirect_cost_rate
    project.gender_equality = gender_equality
    project.accessibility = accessibility
    project.non_discrimination = non_discrimination
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def member_add(
    *,
    project: Project,
    user: User,
    group: Group | str,
    role: MemberRole | str,
    region: County | None = None,
) -> ProjectMember:
    if role == MemberRole.SUB_PROJECT_MANAGER and region is None:
        raise ValidationError({"region": _("A sub-project manager represents a region.")})
    if not project_member_candidates(project=project).filter(pk=user.pk).exists():
        raise ValidationError(
            {"user": _("Only people of the owner or a partner organisation join the project.")},
            code="not_of_the_project",
        )
    seat, _created = ProjectMember.objects.get_or_create(
        project=project, user=user, group=group, role=role, defaults={"region": region}
    )
    if seat.region != region:
        seat.region = region
        seat.full_clean()
        seat.save()
    return seat


@transaction.atomic
def sub_goal_set(*, project: Project, number: int, focus_area: str, goal: str) -> SubGoal:
    sub_goal, _created = SubGoal.objects.update_or_create(
        project=project, number=number, defaults={"focus_area": focus_area, "goal": goal}
    )
    sub_goal.full_clean()
    return sub_goal


def _activity_dates(
    planned_start: str | date | None,
    planned_end: str | date | None,
    actual_start: str | date | None,
    actual_end: str | date | None,
) -> dict[str, date | None]:
    dates = _dates(
        planned_start=(_("Planned start"), planned_start),
        planned_end=(_("Planned end"), planned_end),
        actual_start=(_("Actual start"), actual_start),
        actual_end=(_("Actual end"), actual_end),
    )
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        first, last = dates[start], dates[end]
        if first and last and last < first:
            raise ValidationError({end: _("The end cannot be before the start.")})
    return dates


@transaction.atomic
def activity_create(
    *,
    sub_goal: SubGoal,
    title: str,
    target_group: TargetGroup | str,
    region: County | None = None,
    organisation: Organisation | None = None,
    status: ActivityStatus | str = ActivityStatus.PLANNED,
    planned_start: str | date | None = None,
    planned_end: str | date | None = None,
    actual_start: str | date | None = None,
    actual_end: str | date | None = None,
) -> Activity:
    activity = Activity(
        sub_goal=sub_goal,
        title=title,
        target_group=target_group,
        region=region,
        organisation=organisation,
        status=status,
        **_activity_dates(planned_start, planned_end, actual_start, actual_end),
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    sub_goal: SubGoal,
    title: str,
    target_group: TargetGroup | str,
    region: County | None,
    status: ActivityStatus | str,
    planned_start: str | date | None = None,
    planned_end: str | date | None = None,
    actual_start: str | date | None = None,
    actual_end: str | date | None = None,
) -> Activity:
    if sub_goal.project_id != activity.sub_goal.project_id:
        raise ValidationError({"sub_goal": _("The sub-goal belongs to another project.")})
    for name, value in _activity_dates(
        planned_start, planned_end, actual_start, actual_end
    ).items():
        setattr(activity, name, value)
    activity.sub_goal = sub_goal
    activity.title = title
    activity.target_group = target_group
    activity.region = region
    activity.status = status
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def indicator_create(
    *,
    project: Project,
    name: str,
    target: Decimal | int,
    baseline: Decimal | int = 0,
    unit: str = "",
    live_key: str = "",
    sub_goal: SubGoal | None = None,
) -> Indicator:
    from valnav.governance.indicators import live_registry

    if live_key and live_key not in live_registry():
        raise ValidationError(
            {"live_key": _("There is no live figure “%(key)s”.") % {"key": live_key}}
        )
    indicator = Indicator(
        project=project,
        sub_goal=sub_goal,
        name=name,
        unit=unit,
        live_key=live_key,
        baseline=Decimal(baseline),
        target=Decimal(target),
    )
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def measurement_add(
    *,
    indicator: Indicator,
    measured_on: str | date,
    value: Decimal | int,
    comment: str = "",
    recorded_by: User | None = None,
) -> Measurement:
    if indicator.is_live:
        raise ValidationError(_("A live indicator is computed; it takes no measurements."))
    day = _dates(measured_on=(_("Date"), measured_on))["measured_on"]
    if day is None:
        raise ValidationError({"measured_on": _("Date: this field is required.")})
    measurement = Measurement(
        indicator=indicator,
        measured_on=day,
        value=Decimal(value),
        comment=comment,
        recorded_by=recorded_by,
    )
    measurement.full_clean()
    measurement.save()
    return measurement


def _check_year(project: Project, year: int) -> None:
    if year not in project.years:
        raise ValidationError(
            {
                "year": _("%(year)s is outside the project period (%(first)s–%(last)s).")
                % {"year": year, "first": project.years[0], "last": project.years[-1]}
            }
        )


@transaction.atomic
def budget_line_set(
    *,
    project: Project,
    category: CostCategory | str,
    year: int,
    amount: int,
    region: County | None = None,
) -> BudgetLine:
    """Set one cost category's budget for a year (and region); creates or replaces the line."""
    _check_year(project, year)
    line, _created = BudgetLine.objects.update_or_create(
        project=project, category=category, year=year, region=region, defaults={"amount": amount}
    )
    line.full_clean()
    return line


@transaction.atomic
def financier_set(
    *,
    project: Project,
    name: str,
    share: Decimal | int,
    region: County | None = None,
    position: int = 0,
) -> Financier:
    financier, _created = Financier.objects.update_or_create(
        project=project,
        name=name,
        defaults={"share": Decimal(share), "region": region, "position": position},
    )
    financier.full_clean()
    return financier


@transaction.atomic
def financing_set(*, financier: Financier, year: int, amount: int) -> FinancingLine:
    _check_year(financier.project, year)
    line, _created = FinancingLine.objects.update_or_create(
        financier=financier, year=year, defaults={"amount": amount}
    )
    line.full_clean()
    return line


@transaction.atomic
def risk_add(
    *,
    project: Project,
    description: str,
    likelihood: int,
    impact: int,
    mitigation: str = "",
    owner: str = "",
) -> Risk:
    risk = Risk(
        project=project,
        description=description,
        likelihood=likelihood,
        impact=impact,
        mitigation=mitigation,
        owner=owner,
    )
    risk.full_clean()
    risk.save()
    return risk


@dataclass(frozen=True)
class PlannedFinancing:
    """A financier of a budget being replaced: its name, share, region and amounts by year."""

    name: str
    share: Decimal
    region: County | None
    amounts: dict[int, int]


@transaction.atomic
def budget_replace(
    *,
    project: Project,
    costs: Mapping[tuple[str, County | None, int], int],
    financing: Sequence[PlannedFinancing],
) -> None:
    """Replace the project's budget (amount by category, region and year) and financing plan
    (financiers in order, with their amounts by year), as an imported budget sheet does."""
    project.budget_lines.all().delete()
    project.financiers.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(project=project, category=category, region=region, year=year, amount=amount)
        for (category, region, year), amount in costs.items()
    )
    for position, planned in enumerate(financing):
        financier = Financier.objects.create(
            project=project,
            name=planned.name,
            share=planned.share,
            region=planned.region,
            position=position,
        )
        FinancingLine.objects.bulk_create(
            FinancingLine(financier=financier, year=year, amount=amount)
            for year, amount in planned.amounts.items()
        )
