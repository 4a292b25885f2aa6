"""Budget against the booked costs (utfall): variance per cost category × year × region, a
forecast to the project's end, and the burn rate per month.

The forecast is linear: the costs booked so far, divided by the days from the project's start
to the last booking, times the days of the whole project. The pages say so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from valnav.governance.indicators import month_ends
from valnav.governance.models import CostCategory
from valnav.governance.selectors import Scope


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VarianceRow:
    category: str
    year: int
    region: str
    budget: int
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Booked minus budgeted: negative is under budget."""
        return self.actual - self.budget

    @property
    def variance_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.variance / self.budget * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class BurnPoint:
    month_end: date
    budget: Decimal  # cumulative
    actual: Decimal | None  # cumulative; None after the last booking


@dataclass(frozen=True)
class ActualsOverview:
    rows: list[VarianceRow]
    budget_total: int
    actual_total: Decimal
    last_booking: date | None
    forecast: Decimal | None
    burn: list[BurnPoint]

    @property
    def variance_total(self) -> Decimal:
        return self.actual_total - self.budget_total

    @property
    def forecast_variance(self) -> Decimal | None:
        return None if self.forecast is None else self.forecast - self.budget_total


def _budget_per_month(scope: Scope) -> dict[date, Decimal]:
    """The budget of each year spread evenly over that year's months of the project."""
    project = scope.project
    ends = month_ends(project.starts_on, project.ends_on)
    per_year: dict[int, int] = defaultdict(int)
    for line in scope.budget_lines():
        per_year[line.year] += line.amount
    months_in_year: dict[int, int] = defaultdict(int)
    for end in ends:
        months_in_year[end.year] += 1
    return {end: Decimal(per_year[end.year]) / months_in_year[end.year] for end in ends}


def actuals_overview(scope: Scope) -> ActualsOverview:
    project = scope.project
    budget: dict[tuple[str, int, str], int] = defaultdict(int)
    for line in scope.budget_lines():
        budget[(line.category, line.year, line.region.name if line.region else "")] += line.amount
    booked: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    actuals = list(scope.actuals())
    for actual in actuals:
        key = (actual.category, actual.booked_on.year, actual.region.name if actual.region else "")
        booked[key] += actual.amount
    labels = dict(CostCategory.choices)
    order = [str(value) for value in CostCategory.values]
    keys = sorted(set(budget) | set(booked), key=lambda k: (k[1], order.index(k[0]), k[2]))
    rows = [
        VarianceRow(
            category=str(labels[key[0]]),
            year=key[1],
            region=key[2] or _("Shared"),
            budget=budget.get(key, 0),
            actual=booked.get(key, Decimal(0)),
        )
        for key in keys
    ]
    actual_total = sum((a.amount for a in actuals), Decimal(0))
    last = max((a.booked_on for a in actuals), default=None)
    forecast: Decimal | None = None
    if last is not None:
        elapsed = (last - project.starts_on).days + 1
        total_days = (project.ends_on - project.starts_on).days + 1
        forecast = _whole(actual_total / elapsed * total_days) if elapsed > 0 else actual_total
    monthly = _budget_per_month(scope)
    booked_by_month: dict[date, Decimal] = defaultdict(Decimal)
    ends = list(monthly)
    for actual in actuals:
        month_end = next((end for end in ends if actual.booked_on <= end), ends[-1])
        booked_by_month[month_end] += actual.amount
    burn: list[BurnPoint] = []
    cumulative_budget = Decimal(0)
    cumulative_actual = Decimal(0)
    for end in ends:
        cumulative_budget += monthly[end]
        cumulative_actual += booked_by_month[end]
        shown = cumulative_actual if last is not None and end <= _month_end_of(last, ends) else None
        burn.append(BurnPoint(end, _whole(cumulative_budget), shown))
    return ActualsOverview(
        rows=rows,
        budget_total=sum(budget.values()),
        actual_total=actual_total,
        last_booking=last,
        forecast=forecast,
        burn=burn,
    )


def _month_end_of(day: date, ends: list[date]) -> date:
    return next((end for end in ends if day <= end), ends[-1])


def booked_in_period(scope: Scope, *, since: date, until: date) -> dict[str, Decimal]:
    """Booked costs per cost category (its value) from `since` to `until`, both included."""
    sums = (
        scope.actuals()
        .filter(booked_on__gte=since, booked_on__lte=until)
        .values("category")
        .annotate(total=Sum("amount"))
    )
    return {row["category"]: row["total"] for row in sums}
