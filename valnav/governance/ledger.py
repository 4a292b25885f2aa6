"""Import of a ledger export (CSV or XLSX) as a project's booked costs, all or nothing.

Columns (Swedish or English header, in any order): date (datum), verification number
(verifikation), account (konto), cost category (kostnadsslag), region, amount (belopp). A
cost category is named by its key, its English or Swedish label ("Egen personal", "Externa
tjänster", "Resor och logi", "Indirekta kostnader"); a region by its county code, county name
or region name ("19", "Västmanlands län", "Region Västmanland"), or left empty for the
project's shared costs. Every error names its row and column, and nothing is written if there
is any. A line already imported (same date, verification, account, category, region and
amount) is not booked twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from valnav.atlas.offer_io import (
    RowError,
    UnreadableFileError,
    fold_header,
    has_nul,
    nul_message,
    read_sheet,
)
from valnav.governance.dates import DateError, parse_day
from valnav.governance.models import Actual, CostCategory, Project
from valnav.places.models import County


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    swedish: str
    english: str
    aliases: tuple[str, ...] = ()
    required: bool = True


COLUMNS = (
    LedgerColumn("date", "Datum", "Date", ("bokföringsdatum", "booked on")),
    LedgerColumn(
        "verification",
        "Verifikation",
        "Verification number",
        ("verifikationsnummer", "ver nr", "vernr", "verification"),
    ),
    LedgerColumn("account", "Konto", "Account"),
    LedgerColumn("category", "Kostnadsslag", "Cost category", ("kategori", "category")),
    LedgerColumn("region", "Region", "Region", ("län", "county"), required=False),
    LedgerColumn("amount", "Belopp", "Amount", ("belopp kr", "amount kr")),
)
_HEADERS = {
    fold_header(name): column.key
    for column in COLUMNS
    for name in (column.swedish, column.english, *column.aliases)
}


@dataclass
class LedgerReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # lines already booked by an earlier import
    total: Decimal = Decimal(0)
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors


# The largest amount Actual.amount holds (max_digits=14, decimal_places=2).
AMOUNT_MAX = Decimal("999999999999.99")


def category_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in CostCategory.choices:
        lookup[fold_header(value)] = value
        for language in ("en", "sv"):
            with translation.override(language):
                lookup[fold_header(str(label))] = value
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
        lookup[fold_header(name)] = value
    return lookup


def region_lookup() -> dict[str, County]:
    lookup: dict[str, County] = {}
    for county in County.objects.all():
        for name in (county.code, county.name, county.region_name):
            lookup[fold_header(name)] = county
    return lookup


def parse_amount(text: str) -> Decimal:
    """ "1 234,50", "1234.50", "-500" or "−500" as a Decimal; ValueError otherwise."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    cleaned = cleaned.removesuffix("kr")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
        # quantize() refuses a number of more digits than the context's precision (1e30).
        if not value.is_finite() or value != value.quantize(Decimal("0.01")):
            raise ValueError(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    return value


def ledger_import(
    *, project: Project, source: bytes, filename: str, dry_run: bool = True
) -> LedgerReport:
    """Check a ledger file and, unless `dry_run` or any row has an error, book its lines."""
    report = LedgerReport(dry_run=dry_run)
    try:
        sheet = read_sheet(source=source, filename=filename)
    except UnreadableFileError as error:
        report.errors.append(RowError(0, "", error.message))
        return report
    index: dict[str, int] = {}
    header: dict[str, str] = {}
    for position, name in enumerate(sheet.headers):
        key = _HEADERS.get(fold_header(name))
        if key is None:
            continue
        if key in index:
            report.errors.append(RowError(1, name, _("This column appears twice.")))
        index[key] = position
        header[key] = name
    for column in COLUMNS:
        if column.required and column.key not in index:
            report.errors.append(RowError(1, column.swedish, _("This required column is missing.")))
    if report.errors:
        return report
    categories = category_lookup()
    regions = region_lookup()
    report.rows = len(sheet.rows)
    lines: list[Actual] = []
    for number, cells in sheet.rows:

        def cell(key: str, cells: list[str] = cells) -> str:
            position = index.get(key)
            if position is None or position >= len(cells):
                return ""
            return cells[position].strip()

        def flag(key: str, message: str, number: int = number) -> None:
            report.errors.append(RowError(number, header.get(key, key), message))

        before = len(report.errors)
        for key, position in index.items():
            if position < len(cells) and has_nul(cells[position]):
                flag(key, nul_message())
        booked_on: date | None = None
        try:
            booked_on = parse_day(cell("date"))
        except DateError as problem:
            flag("date", problem.message)
        if booked_on and not project.starts_on <= booked_on <= project.ends_on:
            flag(
                "date",
                _("%(date)s is outside the project period %(start)s – %(end)s.")
                % {
                    "date": booked_on.isoformat(),
                    "start": project.starts_on.isoformat(),
                    "end": project.ends_on.isoformat(),
                },
            )
        verification = cell("verification")
        if not verification:
            flag("verification", _("The verification number is missing."))
        elif len(verification) > 40:
            flag("verification", _("At most 40 characters."))
        account = cell("account")
        if not account:
            flag("account", _("The account is missing."))
        elif len(account) > 20:
            flag("account", _("At most 20 characters."))
        category = categories.get(fold_header(cell("category")))
        if category is None:
            flag(
                "category",
                _("Unknown cost category “%(value)s”; use one of: %(known)s.")
                % {
                    "value": cell("category"),
                    "known": ", ".join(str(label) for _value, label in CostCategory.choices),
                },
            )
        region: County | None = None
        if cell("region"):
            region = regions.get(fold_header(cell("region")))
            if region is None:
                flag(
                    "region",
                    _(
                        "Unknown region “%(value)s”; use a county code such as 19, or leave it "
                        "empty for shared costs."
                    )
                    % {"value": cell("region")},
                )
        amount: Decimal | None = None
        try:
            amount = parse_amount(cell("amount"))
        except ValueError:
            flag(
                "amount",
                _("“%(value)s” is not an amount in kronor, e.g. 1234,50.")
                % {"value": cell("amount")},
            )
        if amount is not None and abs(amount) > AMOUNT_MAX:
            flag(
                "amount",
                _("The amount is too large (at most %(max)s kr).") % {"max": "999 999 999 999,99"},
            )
            amount = None
        if len(report.errors) > before or booked_on is None or amount is None or not category:
            continue
        lines.append(
            Actual(
                project=project,
                booked_on=booked_on,
                verification=verification,
                account=account,
                category=category,
                region=region,
                amount=amount,
            )
        )
        report.total += amount
    if report.errors:
        report.total = Decimal(0)
        return report
    with transaction.atomic():
        existing = {
            _key(actual)
            for actual in project.actuals.filter(booked_on__in={line.booked_on for line in lines})
        }
        new = [line for line in lines if _key(line) not in existing]
        report.unchanged = len(lines) - len(new)
        report.created = len(new)
        if not dry_run:
            Actual.objects.bulk_create(new)
    return report


def _key(actual: Actual) -> tuple[object, ...]:
    return (
        actual.booked_on,
        actual.verification,
        actual.account,
        actual.category,
        actual.region_id,
        actual.amount.quantize(Decimal("0.01")),
    )
