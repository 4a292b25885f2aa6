"""Import of a project's cost and financing budget from one sheet (CSV or XLSX), all or
nothing, on the import framework (valnav.core.tabular), in the shape of the application's
tables ("Kostnads- och finansieringsbudget"):

    Typ;Post;Andel;Region;2022;2023;2024
    Kostnad;Egen personal inkl lönebikostnader;;;491 352;4 350 944;3 988 367
    Finansiering;Tillväxtverket nationella medel;50;;331 677;3 442 326;3 205 997

Typ (kind) is Kostnad/Cost or Finansiering/Financing; Post (item) a cost category or a
financier's name; Andel (share) a financier's decided share in %; Region an optional county
code or name; one column per year of the project, whole kronor. Each error names its row and
column. The costs must equal the financing every year, or nothing is saved and the failing
years are named with their difference; a financier whose amounts are not its share within 1 kr
per financier (governance.budget.share_tolerance) is reported but does not stop the import.
A successful import replaces the project's budget and financing plan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from valnav.core import tabular
from valnav.core.tabular.parsers import parse_amount
from valnav.governance.budget import ShareCheck, YearCheck, share_tolerance
from valnav.governance.ledger import ProjectTableImporter, read_region
from valnav.governance.models import Financier, Project
from valnav.governance.services import PlannedFinancing, budget_replace
from valnav.places.models import County

_KINDS = {
    "kostnad": "cost",
    "cost": "cost",
    "kostnader": "cost",
    "finansiering": "financing",
    "financing": "financing",
    "finansiar": "financing",
    "financier": "financing",
}

COLUMNS = tabular.Columns(
    [
        tabular.Column("kind", "Typ", "Type", True, ("kind",)),
        tabular.Column("item", "Post", "Item", True),
        tabular.Column("share", "Andel", "Share", False, ("andel procent", "share percent")),
        tabular.Column("region", "Region", "Region", False, ("län",)),
    ],
    unknown_is_error=False,  # the year columns, and the sheet's own notes
)

NAME_MAX = Financier._meta.get_field("name").max_length or 200


@dataclass
class BudgetImportReport(tabular.ImportReport):
    cost_lines: int = 0
    financiers: int = 0
    year_checks: list[YearCheck] = field(default_factory=list)
    share_warnings: list[str] = field(default_factory=list)


@dataclass
class BudgetRow:
    """A cost (`category` set) or a financier's row (`share` set), amounts by year."""

    item: str
    region: County | None
    amounts: dict[int, int]
    category: str | None = None
    share: Decimal | None = None


class BudgetImporter(ProjectTableImporter[BudgetRow]):
    columns = COLUMNS

    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.years: dict[int, int] = {}  # year → its column's position

    def check_header(self, columns: tabular.BoundColumns, errors: list[tabular.RowError]) -> None:
        project = self.project
        for position, name in enumerate(columns.headers):
            if not re.fullmatch(r"\d{4}", name):
                continue
            year = int(name)
            if year not in project.years:
                errors.append(
                    tabular.RowError(
                        1,
                        name,
                        _("%(year)s is outside the project period (%(first)s–%(last)s).")
                        % {"year": year, "first": project.years[0], "last": project.years[-1]},
                    )
                )
            self.years[year] = position
        if not self.years:
            errors.append(
                tabular.RowError(
                    1,
                    f"{project.years[0]}–{project.years[-1]}",
                    _("The file has no year columns (a header such as 2023)."),
                )
            )

    def read_row(self, row: tabular.Row) -> BudgetRow | None:
        kind = _KINDS.get(tabular.fold_header(row.cell("kind")))
        item = row.cell("item")
        if kind is None:
            if tabular.fold_header(item).startswith(("summa", "total")) or not item:
                return None  # a total or heading row of the application's table
            row.error(
                "kind",
                _("Write Kostnad or Finansiering, not “%(value)s”.") % {"value": row.cell("kind")},
            )
            return None
        region = read_region(row, self.regions)
        amounts = self.read_amounts(row)
        if kind == "cost":
            category = self.categories.get(tabular.fold_header(item))
            if category is None:
                row.error("item", _("Unknown cost category “%(value)s”.") % {"value": item})
                return None
            return BudgetRow(item, region, amounts, category=category)
        share = self.read_share(row)
        if share is None:
            return None
        if len(item) > NAME_MAX:
            row.error(
                "item",
                _("At most %(max)s characters (this has %(length)s).")
                % {"max": NAME_MAX, "length": len(item)},
            )
            return None
        return BudgetRow(item, region, amounts, share=share)

    def read_amounts(self, row: tabular.Row) -> dict[int, int]:
        amounts: dict[int, int] = {}
        for year, position in self.years.items():
            text = row.cells[position].strip() if position < len(row.cells) else ""
            if tabular.has_nul(text):
                row.errors.append(tabular.RowError(row.number, str(year), tabular.nul_message()))
                continue
            try:
                amount: Decimal | None = parse_amount(text or "0")
            except ValueError:
                amount = None
            if amount is None or amount != amount.to_integral_value() or amount < 0:
                row.errors.append(
                    tabular.RowError(
                        row.number,
                        str(year),
                        _("“%(value)s” is not an amount in whole kronor.") % {"value": text},
                    )
                )
                continue
            amounts[year] = int(amount)
        return amounts

    def read_share(self, row: tabular.Row) -> Decimal | None:
        text = row.cell("share")
        try:
            share = Decimal(text.replace(",", ".").removesuffix("%").strip())
        except InvalidOperation:
            share = Decimal(-1)
        if not share.is_finite():  # NaN cannot even be compared with 0 and 100
            share = Decimal(-1)
        if not Decimal(0) <= share <= Decimal(100):
            row.error(
                "share",
                _("A financier's share is a per cent from 0 to 100, not “%(value)s”.")
                % {"value": text},
            )
            return None
        return share

    def key(self, record: BudgetRow) -> Hashable | None:
        return None if record.share is None else record.item

    def duplicate(self, row: tabular.Row, first: int) -> None:
        row.error("item", _("“%(value)s” is listed twice.") % {"value": row.cell("item")})

    def finish(
        self, records: list[tuple[int, BudgetRow]], report: tabular.ImportReport
    ) -> list[tuple[int, BudgetRow]]:
        """The year's balance and each financier's share, once every row is read."""
        if report.errors or not isinstance(report, BudgetImportReport):
            return records
        rows = [row for _number, row in records]
        financing = [row for row in rows if row.share is not None]
        report.cost_lines = len(rows) - len(financing)
        report.financiers = len(financing)
        costs: dict[int, int] = defaultdict(int)
        funded: dict[int, int] = defaultdict(int)
        for row in rows:
            for year, value in row.amounts.items():
                (costs if row.share is None else funded)[year] += value
        report.year_checks = [
            YearCheck(year, costs[year], funded[year]) for year in sorted(self.years)
        ]
        # A year's balance is the sum of all its rows: the error names the year's column only.
        report.errors += [
            tabular.RowError(0, str(check.year), check.message)
            for check in report.year_checks
            if not check.ok
        ]
        tolerance = share_tolerance(len(financing))
        checks = [
            ShareCheck(row.item, year, share, costs[year], row.amounts.get(year, 0), tolerance)
            for row in financing
            if (share := row.share) is not None
            for year in sorted(self.years)
        ]
        report.share_warnings = [check.message for check in checks if not check.ok]
        return records

    def apply(self, records: list[tuple[int, BudgetRow]], report: tabular.ImportReport) -> None:
        costs: dict[tuple[str, County | None, int], int] = defaultdict(int)
        financing: list[PlannedFinancing] = []
        for _number, row in records:
            if row.category is not None:
                for year, value in row.amounts.items():
                    costs[(row.category, row.region, year)] += value
            else:
                financing.append(
                    PlannedFinancing(row.item, row.share or Decimal(0), row.region, row.amounts)
                )
        budget_replace(project=self.project, costs=costs, financing=financing)


def budget_import(
    *, project: Project, source: bytes, filename: str, dry_run: bool = True
) -> BudgetImportReport:
    """Check a budget sheet and, unless `dry_run` or anything is wrong, replace the project's
    budget and financing plan with it."""
    return tabular.run_import(
        BudgetImporter(project),
        source=source,
        filename=filename,
        dry_run=dry_run,
        report=BudgetImportReport(),
    )
