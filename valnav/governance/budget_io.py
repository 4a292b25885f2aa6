"""Import of a project's cost and financing budget from one sheet (CSV or XLSX), all or
nothing, in the shape of the application's tables ("Kostnads- och finansieringsbudget"):

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
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from valnav.core.tabular import (
    RowError,
    UnreadableFileError,
    fold_header,
    has_nul,
    nul_message,
    read_sheet,
)
from valnav.governance.budget import ShareCheck, YearCheck, share_tolerance
from valnav.governance.ledger import category_lookup, parse_amount, region_lookup
from valnav.governance.models import BudgetLine, Financier, FinancingLine, Project
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
_FIXED = {
    "typ": "kind",
    "type": "kind",
    "kind": "kind",
    "post": "item",
    "item": "item",
    "andel": "share",
    "share": "share",
    "andel_procent": "share",
    "share_percent": "share",
    "region": "region",
    "lan": "region",
}


NAME_MAX = Financier._meta.get_field("name").max_length or 200


@dataclass
class BudgetImportReport:
    cost_lines: int = 0
    financiers: int = 0
    year_checks: list[YearCheck] = field(default_factory=list)
    share_warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors


@dataclass
class _Financing:
    name: str
    share: Decimal
    region: County | None
    amounts: dict[int, int]


def budget_import(
    *, project: Project, source: bytes, filename: str, dry_run: bool = True
) -> BudgetImportReport:
    report = BudgetImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(source=source, filename=filename)
    except UnreadableFileError as error:
        report.errors.append(RowError(0, "", error.message))
        return report
    columns: dict[str, int] = {}
    years: dict[int, int] = {}
    header: dict[str, str] = {}
    for position, name in enumerate(sheet.headers):
        text = name.strip()
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            if year not in project.years:
                report.errors.append(
                    RowError(
                        1,
                        text,
                        _("%(year)s is outside the project period (%(first)s–%(last)s).")
                        % {"year": year, "first": project.years[0], "last": project.years[-1]},
                    )
                )
            years[year] = position
            continue
        key = _FIXED.get(fold_header(text))
        if key:
            columns[key] = position
            header[key] = text
    for key, swedish in (("kind", "Typ"), ("item", "Post")):
        if key not in columns:
            report.errors.append(RowError(1, swedish, _("This required column is missing.")))
    if not years:
        report.errors.append(
            RowError(
                1,
                f"{project.years[0]}–{project.years[-1]}",
                _("The file has no year columns (a header such as 2023)."),
            )
        )
    if report.errors:
        return report
    categories = category_lookup()
    regions = region_lookup()
    costs: dict[tuple[str, County | None, int], int] = {}
    financing: dict[str, _Financing] = {}
    for number, cells in sheet.rows:

        def cell(key: str, cells: list[str] = cells) -> str:
            position = columns.get(key)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        def flag(column: str, message: str, number: int = number) -> None:
            report.errors.append(RowError(number, column, message))

        named = [(header[key], columns[key]) for key in header]
        for column, position in [*named, *((str(year), at) for year, at in years.items())]:
            if position < len(cells) and has_nul(cells[position]):
                flag(column, nul_message())
        kind = _KINDS.get(fold_header(cell("kind")))
        item = cell("item")
        if kind is None:
            if fold_header(item).startswith(("summa", "total")) or not item:
                continue  # a total or heading row of the application's table
            flag(
                header["kind"],
                _("Write Kostnad or Finansiering, not “%(value)s”.") % {"value": cell("kind")},
            )
            continue
        region: County | None = None
        if cell("region"):
            region = regions.get(fold_header(cell("region")))
            if region is None:
                flag(
                    header.get("region", "Region"),
                    _("Unknown region “%(value)s”.") % {"value": cell("region")},
                )
        amounts: dict[int, int] = {}
        for year, position in years.items():
            text = cells[position].strip() if position < len(cells) else ""
            try:
                amount = parse_amount(text or "0")
            except ValueError:
                amount = None
            if amount is None or amount != amount.to_integral_value() or amount < 0:
                flag(
                    str(year), _("“%(value)s” is not an amount in whole kronor.") % {"value": text}
                )
                continue
            amounts[year] = int(amount)
        if kind == "cost":
            category = categories.get(fold_header(item))
            if category is None:
                flag(header["item"], _("Unknown cost category “%(value)s”.") % {"value": item})
                continue
            for year, value in amounts.items():
                line_key = (category, region, year)
                costs[line_key] = costs.get(line_key, 0) + value
            report.cost_lines += 1
        else:
            try:
                share = Decimal(cell("share").replace(",", ".").removesuffix("%").strip())
            except InvalidOperation:
                share = Decimal(-1)
            if not share.is_finite():  # NaN cannot even be compared with 0 and 100
                share = Decimal(-1)
            if not Decimal(0) <= share <= Decimal(100):
                flag(
                    header.get("share", "Andel"),
                    _("A financier's share is a per cent from 0 to 100, not “%(value)s”.")
                    % {"value": cell("share")},
                )
                continue
            if len(item) > NAME_MAX:
                flag(
                    header["item"],
                    _("At most %(max)s characters (this has %(length)s).")
                    % {"max": NAME_MAX, "length": len(item)},
                )
                continue
            if item in financing:
                flag(header["item"], _("“%(value)s” is listed twice.") % {"value": item})
                continue
            financing[item] = _Financing(item, share, region, amounts)
            report.financiers += 1
    if report.errors:
        return report
    cost_per_year: dict[int, int] = defaultdict(int)
    for (_category, _region, year), value in costs.items():
        cost_per_year[year] += value
    financing_per_year: dict[int, int] = defaultdict(int)
    for planned in financing.values():
        for year, value in planned.amounts.items():
            financing_per_year[year] += value
    report.year_checks = [
        YearCheck(year, cost_per_year[year], financing_per_year[year]) for year in sorted(years)
    ]
    # A year's balance is the sum of all its rows: the error names the year's column only.
    report.errors += [RowError(0, str(c.year), c.message) for c in report.year_checks if not c.ok]
    share_checks = [
        ShareCheck(
            planned.name,
            year,
            planned.share,
            cost_per_year[year],
            planned.amounts.get(year, 0),
            share_tolerance(len(financing)),
        )
        for planned in financing.values()
        for year in sorted(years)
    ]
    report.share_warnings = [c.message for c in share_checks if not c.ok]
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        project.budget_lines.all().delete()
        project.financiers.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(project=project, category=category, region=region, year=year, amount=amount)
            for (category, region, year), amount in costs.items()
        )
        for position, planned in enumerate(financing.values()):
            stored = Financier.objects.create(
                project=project,
                name=planned.name,
                share=planned.share,
                region=planned.region,
                position=position,
            )
            FinancingLine.objects.bulk_create(
                FinancingLine(financier=stored, year=year, amount=amount)
                for year, amount in planned.amounts.items()
            )
    return report
