"""Import of a ledger as a project's booked costs, all or nothing, on the import framework
(valnav.core.tabular): a table (CSV or XLSX) or a SIE 4 file as Swedish accounting systems
export it (valnav.governance.sie).

A table has the columns date (datum), verification number (verifikation), account (konto), cost
category (kostnadsslag), region and amount (belopp), with a Swedish or English header in any
order. A cost category is named by its key, its English or Swedish label ("Egen personal",
"Externa tjänster", "Resor och logi", "Indirekta kostnader"); a region by its county code,
county name or region name ("19", "Västmanlands län", "Region Västmanland"), or left empty for
the project's shared costs. Every error names its row and column (a SIE file: its line), and
nothing is written if there is any. A line already imported (same date, verification, account,
category, region and amount) is not booked twice.
"""

from __future__ import annotations

import tomllib
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from valnav.core import tabular
from valnav.core.tabular.parsers import parse_amount
from valnav.core.tabular.sie import is_sie, read_sie
from valnav.governance.dates import DateError, parse_day
from valnav.governance.models import Actual, CostCategory, Project
from valnav.places.models import County

__all__ = [
    "COLUMNS",
    "LedgerReport",
    "category_lookup",
    "ledger_import",
    "parse_amount",
    "region_lookup",
]

COLUMNS = tabular.Columns(
    [
        tabular.Column("date", "Datum", "Date", True, ("bokföringsdatum", "booked on")),
        tabular.Column(
            "verification",
            "Verifikation",
            "Verification number",
            True,
            ("verifikationsnummer", "ver nr", "vernr", "verification"),
        ),
        tabular.Column("account", "Konto", "Account", True),
        tabular.Column("category", "Kostnadsslag", "Cost category", True, ("kategori", "category")),
        tabular.Column("region", "Region", "Region", False, ("län", "county")),
        tabular.Column("amount", "Belopp", "Amount", True, ("belopp kr", "amount kr")),
    ],
    unknown_is_error=False,  # a ledger export carries the accounting system's own columns
)


@dataclass
class LedgerReport(tabular.ImportReport):
    total: Decimal = Decimal(0)


# The largest amount Actual.amount holds (max_digits=14, decimal_places=2).
AMOUNT_MAX = Decimal("999999999999.99")


def category_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in CostCategory.choices:
        lookup[tabular.fold_header(value)] = value
        for language in ("en", "sv"):
            with translation.override(language):
                lookup[tabular.fold_header(str(label))] = value
    for name, value in (
        ("egen personal", CostCategory.STAFF),
        ("egen personal inkl lönebikostnader", CostCategory.STAFF),
        ("egen personal inkl. lönebikostnader", CostCategory.STAFF),
        ("personal", CostCategory.STAFF),
        ("externa tjänster", CostCategory.EXTERNAL),
        ("resor och logi", CostCategory.TRAVEL),
        ("resor", CostCategory.TRAVEL),
        ("indirekta kostnader", CostCategory.INDIRECT),
    ):
        lookup[tabular.fold_header(name)] = value
    return lookup


def region_lookup() -> dict[str, County]:
    lookup: dict[str, County] = {}
    for county in County.objects.all():
        for name in (county.code, county.name, county.region_name):
            lookup[tabular.fold_header(name)] = county
    return lookup


def read_region(row: tabular.Row, regions: dict[str, County]) -> County | None:
    """The row's region: a county code or name, or None when the cell is empty (shared
    costs); an unknown one is the row's error."""
    if not row.cell("region"):
        return None
    region = regions.get(tabular.fold_header(row.cell("region")))
    if region is None:
        row.error(
            "region",
            _(
                "Unknown region “%(value)s”; use a county code such as 19, or leave it "
                "empty for shared costs."
            )
            % {"value": row.cell("region")},
        )
    return region


def outside_period(project: Project, booked_on: date) -> str | None:
    if project.starts_on <= booked_on <= project.ends_on:
        return None
    return _("%(date)s is outside the project period %(start)s – %(end)s.") % {
        "date": booked_on.isoformat(),
        "start": project.starts_on.isoformat(),
        "end": project.ends_on.isoformat(),
    }


def amount_problem(amount: Decimal) -> str | None:
    if abs(amount) > AMOUNT_MAX:
        return _("The amount is too large (at most %(max)s kr).") % {"max": "999 999 999 999,99"}
    return None


class ProjectTableImporter[R](tabular.Importer[R]):
    """A table of one project's money: cost categories and regions are looked up once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.categories = category_lookup()
        self.regions = region_lookup()


class LedgerImporter(ProjectTableImporter[Actual]):
    """A project's booked costs from a ledger table."""

    columns = COLUMNS

    def read_row(self, row: tabular.Row) -> Actual | None:
        booked_on: date | None = None
        try:
            booked_on = parse_day(row.cell("date"))
        except DateError as problem:
            row.error("date", problem.message)
        if booked_on is not None and (problem_text := outside_period(self.project, booked_on)):
            row.error("date", problem_text)
        verification = row.cell("verification")
        if not verification:
            row.error("verification", _("The verification number is missing."))
        elif len(verification) > 40:
            row.error("verification", _("At most 40 characters."))
        account = row.cell("account")
        if not account:
            row.error("account", _("The account is missing."))
        elif len(account) > 20:
            row.error("account", _("At most 20 characters."))
        category = self.categories.get(tabular.fold_header(row.cell("category")))
        if category is None:
            row.error(
                "category",
                _("Unknown cost category “%(value)s”; use one of: %(known)s.")
                % {
                    "value": row.cell("category"),
                    "known": ", ".join(str(label) for _value, label in CostCategory.choices),
                },
            )
        region = read_region(row, self.regions)
        amount: Decimal | None = None
        try:
            amount = parse_amount(row.cell("amount"))
        except ValueError:
            row.error(
                "amount",
                _("“%(value)s” is not an amount in kronor, e.g. 1234,50.")
                % {"value": row.cell("amount")},
            )
        if amount is not None and (too_large := amount_problem(amount)):
            row.error("amount", too_large)
            amount = None
        if row.failed or booked_on is None or amount is None or category is None:
            return None
        return Actual(
            project=self.project,
            booked_on=booked_on,
            verification=verification,
            account=account,
            category=category,
            region=region,
            amount=amount,
        )

    def apply(self, records: list[tuple[int, Actual]], report: tabular.ImportReport) -> None:
        lines = [line for _number, line in records]
        existing = {
            _key(actual)
            for actual in self.project.actuals.filter(
                booked_on__in={line.booked_on for line in lines}
            )
        }
        new = [line for line in lines if _key(line) not in existing]
        report.unchanged = len(lines) - len(new)
        report.created = len(new)
        if isinstance(report, LedgerReport):
            report.total = sum((line.amount for line in lines), Decimal(0))
        Actual.objects.bulk_create(new)


def _key(actual: Actual) -> Hashable:
    return (
        actual.booked_on,
        actual.verification,
        actual.account,
        actual.category,
        actual.region_id,
        actual.amount.quantize(Decimal("0.01")),
    )


# --- SIE 4 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SieMapping:
    """How a SIE ledger's accounts and objects become booked costs (data/reference/
    sie_ledger_mapping.toml, or the file VALNAV_SIE_MAPPING names)."""

    region_dimension: str
    project_dimension: str
    accounts: tuple[tuple[int, int, str], ...]  # (first, last, category), narrowest first
    regions: dict[str, str]  # object id → county code
    projects: dict[str, str]  # object id → diarienummer

    @classmethod
    def load(cls, path: Path | None = None) -> SieMapping:
        path = path or Path(
            getattr(settings, "VALNAV_SIE_MAPPING", settings.BASE_DIR / SIE_MAPPING)
        )
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        accounts = []
        for key, category in data["accounts"].items():
            first, _dash, last = str(key).partition("-")
            accounts.append((int(first), int(last or first), CostCategory(category).value))
        accounts.sort(key=lambda item: item[1] - item[0])
        return cls(
            region_dimension=str(data["dimensions"]["region"]),
            project_dimension=str(data["dimensions"]["project"]),
            accounts=tuple(accounts),
            regions={str(k): str(v) for k, v in data.get("regions", {}).items()},
            projects={str(k): str(v) for k, v in data.get("projects", {}).items()},
        )

    def category(self, account: str) -> str | None:
        if not account.isdigit():
            return None
        number = int(account)
        for first, last, category in self.accounts:
            if first <= number <= last:
                return category
        return None


SIE_MAPPING = "data/reference/sie_ledger_mapping.toml"


class SieLedgerImporter(LedgerImporter):
    """A project's booked costs from a SIE 4 file: each #TRANS on an account the mapping names
    a cost category becomes a line; its cost-centre object gives the region, its project object
    whether it is this project's. Errors name the file's line."""

    def __init__(self, project: Project, mapping: SieMapping | None = None) -> None:
        super().__init__(project)
        self.mapping = mapping or SieMapping.load()
        self.counties = {county.code: county for county in County.objects.all()}

    def read_source(
        self, source: bytes, report: tabular.ImportReport
    ) -> list[tuple[int, Actual]] | None:
        sie = read_sie(source, report.errors)
        mapping = self.mapping
        transactions = [
            (verification, transaction)
            for verification in sie.verifications
            for transaction in verification.transactions
        ]
        report.rows = len(transactions)
        uses_projects = any(
            dimension == mapping.project_dimension
            for _verification, transaction in transactions
            for dimension, _object in transaction.objects
        )
        records: list[tuple[int, Actual]] = []
        for verification, transaction in transactions:
            category = mapping.category(transaction.account)
            if category is None or transaction.amount == 0:
                continue
            objects = dict(transaction.objects)
            if uses_projects:
                project_object = objects.get(mapping.project_dimension)
                if mapping.projects.get(project_object or "") != self.project.diarienummer:
                    continue
            line = transaction.line
            region: County | None = None
            region_object = objects.get(mapping.region_dimension)
            if region_object is not None:
                region = self.counties.get(mapping.regions.get(region_object, ""))
                if region is None:
                    report.errors.append(
                        tabular.RowError(
                            line,
                            "#TRANS",
                            _("The cost centre %(object)s has no region in the SIE mapping.")
                            % {"object": region_object},
                        )
                    )
                    continue
            booked_on = transaction.day or verification.day
            if booked_on is None:  # pragma: no cover  (#VER always has a date)
                continue
            if problem := outside_period(self.project, booked_on):
                report.errors.append(tabular.RowError(line, "#TRANS", problem))
                continue
            if problem := amount_problem(transaction.amount):
                report.errors.append(tabular.RowError(line, "#TRANS", problem))
                continue
            if len(transaction.account) > 20:
                report.errors.append(tabular.RowError(line, "#TRANS", _("At most 20 characters.")))
                continue
            actual = Actual(
                project=self.project,
                booked_on=booked_on,
                verification=f"{verification.series}{verification.number}"[:40],
                account=transaction.account,
                category=category,
                region=region,
                amount=transaction.amount,
            )
            records.append((line, actual))
        if not records and not report.errors:
            report.errors.append(
                tabular.RowError(0, "", _("The SIE file has no cost of this project to book."))
            )
        return records


def ledger_import(
    *, project: Project, source: bytes, filename: str, dry_run: bool = True
) -> LedgerReport:
    """Check a ledger file (a table or SIE 4) and, unless `dry_run` or anything is wrong, book
    its lines."""
    importer = SieLedgerImporter(project) if is_sie(source) else LedgerImporter(project)
    report = tabular.run_import(
        importer, source=source, filename=filename, dry_run=dry_run, report=LedgerReport()
    )
    if report.errors:
        report.total = Decimal(0)
    return report
