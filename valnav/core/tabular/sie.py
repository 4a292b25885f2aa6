"""A reader of SIE 4 files, the export format of Swedish accounting systems (SIE-gruppen).

A SIE file is text, one record a line: a label (`#VER`) and fields separated by spaces or tabs;
a field with spaces is quoted ("Löner januari", with \\" for a quote inside); an object list is
written in braces ({1 "1900" 6 "VAL"}: pairs of dimension and object). `#FORMAT PC8` says the
file is in code page 437, which is what the format prescribes anyway; a file starting with a
UTF-8 BOM is read as UTF-8. A verification is a `#VER series number date text` line followed by
its `#TRANS account {objects} amount date text` lines between `{` and `}`. Dates are YYYYMMDD,
amounts have a decimal point. Every problem names its line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from valnav.core.tabular.errors import RowError, UnreadableFileError

ObjectList = list[tuple[str, str]]  # (dimension, object id)


@dataclass
class SieTransaction:
    line: int
    account: str
    objects: ObjectList
    amount: Decimal
    day: date | None
    text: str


@dataclass
class SieVerification:
    line: int
    series: str
    number: str
    day: date | None
    text: str
    transactions: list[SieTransaction] = field(default_factory=list)


@dataclass
class SieFile:
    format: str = ""
    sie_type: str = ""
    company: str = ""
    # #RAR: year number (0 this year, -1 the year before) → (first day, last day)
    years: dict[str, tuple[date, date]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)  # #KONTO number → name
    dimensions: dict[str, str] = field(default_factory=dict)  # #DIM number → name
    objects: dict[tuple[str, str], str] = field(default_factory=dict)  # #OBJEKT → name
    verifications: list[SieVerification] = field(default_factory=list)


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{)|(\})|([^\s{}"]+)')


def is_sie(source: bytes) -> bool:
    """Whether the bytes are a SIE file: its first record is a #label such as #FLAGGA."""
    head = source.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:200]
    return re.match(rb"#(FLAGGA|PROGRAM|FORMAT|GEN|SIETYP)\b", head) is not None


def _fields(text: str) -> list[str | list[str]]:
    """A line's fields; an object list in braces is one field, a list of its items."""
    fields: list[str | list[str]] = []
    group: list[str] | None = None
    for match in _TOKEN.finditer(text):
        quoted, opening, closing, bare = match.groups()
        if opening:
            if group is not None:
                raise ValueError(_("An object list cannot hold another list."))
            group = []
            continue
        if closing:
            if group is None:
                raise ValueError(_("A closing brace without an opening one."))
            fields.append(group)
            group = None
            continue
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
        if group is not None:
            group.append(value)
        else:
            fields.append(value)
    if group is not None:
        raise ValueError(_("The object list is not closed with }."))
    return fields


def _day(value: str) -> date:
    if not re.fullmatch(r"\d{8}", value):
        raise ValueError(
            _("“%(value)s” is not a date; SIE writes dates as YYYYMMDD.") % {"value": value}
        )
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError as error:
        raise ValueError(
            _("%(value)s is not a date in the calendar.") % {"value": value}
        ) from error


def _amount(value: str) -> Decimal:
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", value):
        raise ValueError(
            _("“%(value)s” is not an amount; SIE writes amounts as 1234.50.") % {"value": value}
        )
    try:
        return Decimal(value)
    except InvalidOperation as error:  # pragma: no cover  (the pattern admits only numbers)
        raise ValueError(value) from error


def _text(fields: list[str | list[str]], position: int) -> str:
    if position < len(fields) and isinstance(fields[position], str):
        return str(fields[position])
    return ""


def decode_sie(source: bytes) -> str:
    if source.startswith(codecs.BOM_UTF8):
        try:
            return source[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(_("The SIE file is not UTF-8 text after all.")) from error
    # PC8 (code page 437) is what #FORMAT says and what the format prescribes; every byte is a
    # character in it, so decoding cannot fail.
    return source.decode("cp437")


def read_sie(source: bytes, errors: list[RowError]) -> SieFile:
    """The file's records; problems go to `errors` by line number."""
    sie = SieFile()
    text = decode_sie(source)
    verification: SieVerification | None = None
    in_block = False
    broken = False  # a line of the open verification was refused: its balance says nothing
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        label = line.split(maxsplit=1)[0].upper() if line.startswith("#") else ""
        try:
            if line == "{":
                if verification is None or in_block:
                    raise ValueError(_("A { that opens no verification."))
                in_block = True
                continue
            if line == "}":
                if not in_block or verification is None:
                    raise ValueError(_("A } that closes no verification."))
                in_block = False
                if not broken:
                    _check_balance(verification, errors)
                verification, broken = None, False
                continue
            values = _fields(line)[1:]
            if label == "#TRANS":
                if not in_block or verification is None:
                    raise ValueError(_("#TRANS outside a verification's { }."))
                verification.transactions.append(_transaction(number, values))
            elif label in {"#RTRANS", "#BTRANS"}:
                # Lines added or removed by a later correction: the #TRANS lines are the
                # verification as it stands.
                if not in_block:
                    raise ValueError(
                        _("%(label)s outside a verification's { }.") % {"label": label}
                    )
            elif in_block:
                raise ValueError(_("%(label)s inside a verification's { }.") % {"label": label})
            elif label == "#VER":
                if len(values) < 3 or not all(isinstance(value, str) for value in values[:3]):
                    raise ValueError(_("#VER needs a series, a number and a date."))
                broken = False
                verification = SieVerification(
                    line=number,
                    series=str(values[0]),
                    number=str(values[1]),
                    day=_day(str(values[2])),
                    text=_text(values, 3),
                )
                sie.verifications.append(verification)
            elif label == "#FORMAT":
                sie.format = _text(values, 0).upper()
            elif label == "#SIETYP":
                sie.sie_type = _text(values, 0)
            elif label == "#FNAMN":
                sie.company = _text(values, 0)
            elif label == "#RAR" and len(values) >= 3:
                sie.years[_text(values, 0)] = (_day(_text(values, 1)), _day(_text(values, 2)))
            elif label == "#KONTO" and values:
                sie.accounts[_text(values, 0)] = _text(values, 1)
            elif label == "#DIM" and values:
                sie.dimensions[_text(values, 0)] = _text(values, 1)
            elif label == "#OBJEKT" and len(values) >= 2:
                sie.objects[(_text(values, 0), _text(values, 1))] = _text(values, 2)
            # Other records (#FLAGGA, #PROGRAM, #GEN, #ORGNR, #IB, #UB, #RES, #KSUMMA …) say
            # nothing a booked cost needs.
        except ValueError as problem:
            errors.append(RowError(number, label, str(problem)))
            broken = True
            if label == "#VER":
                verification = None
    if in_block:
        errors.append(
            RowError(len(text.splitlines()), "", _("The last verification is not closed with }."))
        )
    if sie.format and sie.format != "PC8":
        errors.append(
            RowError(0, "", _("#FORMAT %(format)s is not SIE's PC8.") % {"format": sie.format})
        )
    return sie


def _transaction(number: int, values: list[str | list[str]]) -> SieTransaction:
    if len(values) < 3 or not isinstance(values[0], str) or not isinstance(values[1], list):
        raise ValueError(_("#TRANS needs an account, an object list in { } and an amount."))
    items = values[1]
    if len(items) % 2:
        raise ValueError(_("An object list holds pairs of dimension and object."))
    day_text = _text(values, 3)
    return SieTransaction(
        line=number,
        account=values[0],
        objects=list(zip(items[::2], items[1::2], strict=True)),
        amount=_amount(_text(values, 2)),
        day=_day(day_text) if day_text else None,
        text=_text(values, 4),
    )


def _check_balance(verification: SieVerification, errors: list[RowError]) -> None:
    total = sum((transaction.amount for transaction in verification.transactions), Decimal(0))
    if total != 0:
        errors.append(
            RowError(
                verification.line,
                "#VER",
                _("The verification %(series)s %(number)s does not balance (%(total)s).")
                % {"series": verification.series, "number": verification.number, "total": total},
            )
        )
