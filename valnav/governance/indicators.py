"""Indicator values over time: a live indicator is computed by `valnav.governance.live` for
each month end of the project period so far; a manual one is its measurement log. Either way
the trend is a list of (date, value) points, drawn as a chart with the same points as a table.

A live indicator whose key is no longer in LIVE_INDICATORS shows no value.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from valnav.governance.live import LIVE_INDICATORS, LiveIndicator, LiveValue
from valnav.governance.models import Indicator, Project


def live_registry() -> Mapping[str, LiveIndicator]:
    """The live indicators by key (a function, so that tests may replace it)."""
    return LIVE_INDICATORS


def live_value(key: str, *, since: date, until: date) -> LiveValue | None:
    indicator = live_registry().get(key)
    if indicator is None:
        return None
    return indicator.compute(since=since, until=until)


def month_ends(start: date, end: date) -> list[date]:
    """Each month end from `start`'s month to `end`'s month; the last one is `end` itself."""
    points: list[date] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        points.append(min(last, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return points


def period_so_far(project: Project, *, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return min(max(today, project.starts_on), project.ends_on)


@dataclass(frozen=True)
class TrendPoint:
    on: date
    value: Decimal
    comment: str = ""


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    current: Decimal | None
    points: list[TrendPoint]
    label_unit: str

    @property
    def share_of_target(self) -> int | None:
        """How far from the baseline to the target the current value has come, in per cent."""
        span = self.indicator.target - self.indicator.baseline
        if self.current is None or not span:
            return None
        return round((self.current - self.indicator.baseline) / span * 100)


def indicator_status(
    indicator: Indicator, *, today: date | None = None, trend: bool = True
) -> IndicatorStatus:
    """The indicator's values up to `today` (the period so far by default). Without `trend`,
    a live indicator is computed once, for the last day only (lists and reports)."""
    project = indicator.project
    if indicator.is_live:
        until = period_so_far(project, today=today)
        points: list[TrendPoint] = []
        ends = month_ends(project.starts_on, until) if trend else [until]
        for month_end in ends:
            found = live_value(indicator.live_key, since=project.starts_on, until=month_end)
            if found is None:
                break
            points.append(TrendPoint(month_end, Decimal(found.value)))
        live = live_registry().get(indicator.live_key)
        unit = indicator.unit or (str(live.unit) if live else "")
    else:
        measurements = indicator.measurements.order_by("measured_on", "pk")
        if today is not None:  # a report up to a date shows what was measured by then
            measurements = measurements.filter(measured_on__lte=today)
        points = [TrendPoint(m.measured_on, m.value, m.comment) for m in measurements]
        unit = indicator.unit
    current = points[-1].value if points else None
    return IndicatorStatus(indicator=indicator, current=current, points=points, label_unit=unit)
