"""The steering-group report (styrgruppsrapport) and the final report: goals and activities,
indicators against their targets, budget against actuals, risks, and the horizontal principles
(participation by gender, accessibility, non-discrimination). Built once and rendered as PDF
(PDF/UA) and XLSX alike."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from valnav.casework.facts import suppress
from valnav.events.models import ParticipantGender
from valnav.governance.actuals import ActualsOverview, actuals_overview
from valnav.governance.budget import BudgetOverview, budget_overview
from valnav.governance.indicators import (
    IndicatorStatus,
    indicator_status,
    live_value,
    period_so_far,
)
from valnav.governance.models import Activity, ActivityStatus, Project, Risk, SubGoal
from valnav.governance.selectors import Scope


def gender_label(value: str) -> str:
    return str(dict(ParticipantGender.choices).get(value, value))


@dataclass(frozen=True)
class GoalSection:
    sub_goal: SubGoal
    activities: list[Activity]


@dataclass(frozen=True)
class SteeringReport:
    scope: Scope
    final: bool
    made_on: date
    until: date
    goals: list[GoalSection]
    status_counts: list[tuple[str, int]]
    indicators: list[IndicatorStatus]
    budget: BudgetOverview
    actuals: ActualsOverview
    risks: list[Risk]
    participation: list[tuple[str, int | str]]  # by gender, "<5" below SUPPRESS_BELOW

    @property
    def project(self) -> Project:
        return self.scope.project


def _published(value: int | str) -> int | str:
    """A count as published: "<5" for one to four (casework.facts.suppress); what the live
    indicators have already suppressed passes unchanged."""
    return suppress(value) if isinstance(value, int) else value


def steering_report(
    scope: Scope, *, final: bool = False, today: date | None = None
) -> SteeringReport:
    project = scope.project
    today = today or timezone.localdate()
    until = project.ends_on if final else period_so_far(project, today=today)
    activities = list(scope.activities())
    goals = [
        GoalSection(sub_goal, [a for a in activities if a.sub_goal_id == sub_goal.pk])
        for sub_goal in project.sub_goals.all()
    ]
    counts = Counter(a.status for a in activities)
    status_counts = [(str(label), counts.get(value, 0)) for value, label in ActivityStatus.choices]
    indicators = [
        indicator_status(indicator, today=until, trend=False)
        for indicator in project.indicators.select_related("project", "sub_goal")
    ]
    found = live_value("event_participants", since=project.starts_on, until=until)
    participation: list[tuple[str, int | str]] = []
    if found is not None:
        # live.py keys the breakdown "gender:woman", "county:19" …; the gender part is wanted.
        participation = [
            (gender_label(key.removeprefix("gender:")), _published(value))
            for key, value in found.breakdown.items()
            if key.startswith("gender:")
        ]
    return SteeringReport(
        scope=scope,
        final=final,
        made_on=today,
        until=until,
        goals=goals,
        status_counts=status_counts,
        indicators=indicators,
        budget=budget_overview(scope),
        actuals=actuals_overview(scope),
        risks=list(project.risks.all()),
        participation=participation,
    )
