"""Cell parsers every importer checks the same way. Each takes the stripped text of a cell and
returns a value or raises `CellError` with a message in the user's language; the runner adds
the row and column."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from valnav.core.tabular.columns import unescape
from valnav.core.tabular.errors import CellError

TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "1", "true", "sant", "x"})
FALSE_WORDS = frozenset({"nej", "n", "no", "0", "false", "falskt"})

_URL_VALIDATOR = URLValidator()
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WHOLE_NUMBER = re.compile(r"([+-]?\d+)(?:[.,]0+)?")


def parse_text(value: str, *, max_length: int | None = None) -> str:
    if max_length is not None and len(value) > max_length:
        raise CellError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": max_length, "length": len(value)}
        )
    return value


def parse_boolean(value: str, *, default: bool) -> bool:
    if not value:
        return default
    word = value.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Write ja or nej."))


def parse_whole_number(value: str, *, maximum: int, negative: bool = False) -> int:
    """A whole number ("1 200", "12,0"); the limit is checked on the text first, as Python
    refuses to convert more than 4300 digits to a number."""
    digits = value.replace(" ", "").replace("\u00a0", "")
    match = _WHOLE_NUMBER.fullmatch(digits)
    if match is None:
        raise CellError(_("Write a whole number, e.g. 12."))
    whole = match[1]
    if len(whole.lstrip("+-").lstrip("0")) > len(str(maximum)):
        raise CellError(_("The number is too large (at most %(max)s).") % {"max": maximum})
    number = int(whole)
    if number < 0 and not negative:
        raise CellError(_("The number must not be negative."))
    if abs(number) > maximum:
        raise CellError(_("The number is too large (at most %(max)s).") % {"max": maximum})
    return number


def parse_decimal_number(value: str, *, low: float, high: float, message: str) -> float:
    try:
        number = float(value.replace(",", ".").replace(" ", ""))
    except ValueError as error:
        raise CellError(_("Write a decimal number, e.g. 59.61.")) from error
    if not low <= number <= high:
        raise CellError(message)
    return number


def parse_amount(text: str) -> Decimal:
    """ "1 234,50", "1234.50", "-500" or "−500" kronor as a Decimal of öre; ValueError
    otherwise."""
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


def parse_iso_date(value: str) -> date:
    if not _DATE.match(value):
        raise CellError(_("Write dates as YYYY-MM-DD, e.g. 2025-03-01."))
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CellError(_("%(value)s is not a date in the calendar.") % {"value": value}) from error


def _validated(value: str, validate: Callable[[str], None], message: str) -> str:
    try:
        validate(value)
    except ValidationError as error:
        raise CellError(message % {"value": value}) from error
    return value


def parse_email(value: str, *, max_length: int | None = None) -> str:
    value = parse_text(value, max_length=max_length)
    return _validated(value, validate_email, _("%(value)s is not a valid e-mail address."))


def parse_url(value: str, *, max_length: int | None = None) -> str:
    # As Django's forms do since 6.0: an address without a scheme means https.
    if "://" not in value:
        value = f"https://{value}"
    value = parse_text(value, max_length=max_length)
    return _validated(value, _URL_VALIDATOR, _("%(value)s is not a valid web address."))


# A column's distinct values are remembered up to this many (see `from_cell`).
REMEMBERED = 10_000
_UNKNOWN = object()


def from_cell[T](parse: Callable[[str], T], *, remember: bool = False) -> Callable[[str], T]:
    """`parse` of a raw cell as `Row.cell` gives it (stripped, without the apostrophe exports
    put before formula characters), for an importer that reads the cells of a row by position.
    With `remember`, each distinct text is parsed once: a column of numbers, yes/no, dates or
    codes repeats a few values over a whole file. A refused text is parsed (and refused) again
    each time, so that every row with it gets its error."""
    known: dict[str, T] = {}

    def read(raw: str) -> T:
        found = known.get(raw, _UNKNOWN)
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]  # only values of T are stored
        text = raw.strip()
        value = parse(unescape(text) if text[:1] == "'" else text)
        if remember and len(known) < REMEMBERED:
            known[raw] = value
        return value

    return read
