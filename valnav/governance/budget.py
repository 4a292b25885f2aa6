"""The budget and financing plan of a project, and the checks a financier makes of them:

- the costs equal the financing every year (named: the year and the difference in kr);
- each financier's amount is its decided share of the year's costs within 1 kr per financier
  in the plan (named: the financier, the year, what the share gives and what is entered). The
  amounts are whole kronor and one financier usually takes up the others' öre so that the year
  balances (in the seed application Tillväxtverket's amounts differ from 50 % by 3.50, 2 and
  1.50 kr with six financiers): that rounding is not an error, a real deviation is.

The indirect costs are entered as the application has them; the page shows the rate they imply
of the staff costs each year, and what the project's configured rate would propose.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from valnav.governance.models import CostCategory, FinancingLine
from valnav.governance.selectors import Scope

NBSP = "\u00a0"  # no line break inside an amount
SHARE_TOLERANCE_KR = Decimal(1)  # per financier in the plan: the rounding to whole kronor


def share_tolerance(financiers: int) -> Decimal:
    """How far a financier's amount may lie from its share of a year's costs: 1 kr for each
    financier in the plan, whose amounts are whole kronor."""
    return SHARE_TOLERANCE_KR * max(financiers, 1)


def kr(value: Decimal | int | float) -> str:
    """Kronor with a non-breaking space between thousands (as Swedish and the application write
    them, and so that a line never breaks inside an amount: "663 / 347" in a printed report);
    öre only when there are any."""
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole = number == number.to_integral_value()
    text = f"{abs(number):,.0f}" if whole else f"{abs(number):,.2f}"
    text = text.replace(",", NBSP)
    if not whole:
        text = text.replace(".", ",")
    return f"−{text}" if number < 0 else text


@dataclass(frozen=True)
class AmountRow:
    label: str
    amounts: list[int]  # per year, in the order of BudgetOverview.years
    share: Decimal | None = None

    @property
    def total(self) -> int:
        return sum(self.amounts)


@dataclass(frozen=True)
class YearCheck:
    year: int
    costs: int
    financing: int

    @property
    def difference(self) -> int:
        return self.financing - self.costs

    @property
    def ok(self) -> bool:
        return self.difference == 0

    @property
    def message(self) -> str:
        if self.ok:
            return _("%(year)s: balanced, costs and financing are both %(amount)s kr.") % {
                "year": self.year,
                "amount": kr(self.costs),
            }
        template = (
            _("%(year)s: the financing is %(difference)s kr short of the costs (%(costs)s kr).")
            if self.difference < 0
            else _("%(year)s: the financing exceeds the costs (%(costs)s kr) by %(difference)s kr.")
        )
        return template % {
            "year": self.year,
            "difference": kr(abs(self.difference)),
            "costs": kr(self.costs),
        }


@dataclass(frozen=True)
class ShareCheck:
    financier: str
    year: int
    share: Decimal
    costs: int
    actual: int
    tolerance: Decimal = SHARE_TOLERANCE_KR

    @property
    def expected(self) -> Decimal:
        return self.costs * self.share / 100

    @property
    def ok(self) -> bool:
        return abs(self.actual - self.expected) <= self.tolerance

    @property
    def message(self) -> str:
        values = {
            "financier": self.financier,
            "year": self.year,
            "share": f"{self.share.normalize():f}".replace(".", ","),
            "costs": kr(self.costs),
            "expected": kr(self.expected),
            "actual": kr(self.actual),
            "difference": kr(abs(self.actual - self.expected)),
        }
        if self.ok:
            return _("%(financier)s, %(year)s: %(actual)s kr is its %(share)s %% share.") % values
        return (
            _(
                "%(financier)s, %(year)s: expected %(expected)s kr (%(share)s %% of "
                "%(costs)s kr), actual %(actual)s kr, a difference of %(difference)s kr."
            )
            % values
        )


@dataclass(frozen=True)
class BudgetOverview:
    years: list[int]
    costs: list[AmountRow]
    financing: list[AmountRow]
    year_checks: list[YearCheck]
    share_checks: list[ShareCheck]
    implied_indirect_rates: list[Decimal | None]  # per year, % of staff costs
    proposed_indirect: list[int]  # per year, at the project's configured rate
    indirect_rate: Decimal
    whole: bool

    @property
    def cost_totals(self) -> list[int]:
        return [sum(row.amounts[i] for row in self.costs) for i in range(len(self.years))]

    @property
    def cost_total(self) -> int:
        return sum(self.cost_totals)

    @property
    def financing_totals(self) -> list[int]:
        return [sum(row.amounts[i] for row in self.financing) for i in range(len(self.years))]

    @property
    def financing_total(self) -> int:
        return sum(self.financing_totals)

    @property
    def balanced(self) -> bool:
        return all(check.ok for check in self.year_checks)

    @property
    def shares_ok(self) -> bool:
        return all(check.ok for check in self.share_checks)

    @property
    def indirect_rows(self) -> list[tuple[int, Decimal | None, int]]:
        return list(
            zip(self.years, self.implied_indirect_rates, self.proposed_indirect, strict=True)
        )


def budget_by_category(scope: Scope) -> dict[tuple[str, int], int]:
    amounts: dict[tuple[str, int], int] = defaultdict(int)
    for line in scope.budget_lines():
        amounts[(line.category, line.year)] += line.amount
    return amounts


def budget_overview(scope: Scope) -> BudgetOverview:
    """Costs per category and year, financing per financier and year, and the checks. A partner
    region's scope has its own region's lines and its own financier only; the checks are made
    of the whole project."""
    project = scope.project
    years = project.years
    amounts = budget_by_category(scope)
    costs = [
        AmountRow(str(label), [amounts.get((str(value), year), 0) for year in years])
        for value, label in CostCategory.choices
    ]
    financiers = financiers_all = list(project.financiers.all())
    if not scope.whole:
        financiers = [f for f in financiers if f.region_id and f.region == scope.region]
    lines: dict[tuple[int, int], int] = {
        (line.financier_id, line.year): line.amount
        for line in FinancingLine.objects.filter(financier__in=financiers)
    }
    financing = [
        AmountRow(f.name, [lines.get((f.pk, year), 0) for year in years], share=f.share)
        for f in financiers
    ]
    cost_totals = [sum(row.amounts[i] for row in costs) for i in range(len(years))]
    financing_totals = [sum(row.amounts[i] for row in financing) for i in range(len(years))]
    year_checks: list[YearCheck] = []
    share_checks: list[ShareCheck] = []
    if scope.whole:
        year_checks = [
            YearCheck(year, cost_totals[i], financing_totals[i]) for i, year in enumerate(years)
        ]
        share_checks = [
            ShareCheck(
                row.label,
                year,
                row.share or Decimal(0),
                cost_totals[i],
                row.amounts[i],
                share_tolerance(len(financiers_all)),
            )
            for row in financing
            for i, year in enumerate(years)
        ]
    staff = amounts_for(amounts, CostCategory.STAFF, years)
    indirect = amounts_for(amounts, CostCategory.INDIRECT, years)
    rate = project.indirect_cost_rate
    return BudgetOverview(
        years=years,
        costs=costs,
        financing=financing,
        year_checks=year_checks,
        share_checks=share_checks,
        implied_indirect_rates=[
            (Decimal(i) / Decimal(s) * 100).quantize(Decimal("0.01")) if s else None
            for s, i in zip(staff, indirect, strict=True)
        ],
        proposed_indirect=[
            int((Decimal(s) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            for s in staff
        ],
        indirect_rate=rate,
        whole=scope.whole,
    )


def amounts_for(amounts: dict[tuple[str, int], int], category: str, years: list[int]) -> list[int]:
    return [amounts.get((str(category), year), 0) for year in years]
