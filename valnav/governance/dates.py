"""Dates as people type them in forms and ledger files, refused with a message that says what
is wrong: "2024-11-31 is not a date: November has 30 days." rather than "invalid date"."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class DateError(ValueError):
    """`message` says, translated, why the text is not a date."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_day(text: str | date) -> date:
    """A date written YYYY-MM-DD (or a date already); DateError naming the problem otherwise."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = text.strip()
    found = _ISO.match(value)
    if found is None:
        raise DateError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2024-11-30.")
            % {"value": value}
        )
    year, month, day = (int(part) for part in found.groups())
    if year < 1:  # the calendar of Python (and of the databases) starts at year 1
        raise DateError(
            _("%(value)s is not a date: there is no year %(year)s.")
            % {"value": value, "year": year}
        )
    if not 1 <= month <= 12:
        raise DateError(
            _("%(value)s is not a date: there is no month %(month)s.")
            % {"value": value, "month": month}
        )
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        if month == 2:
            message = _("%(value)s is not a date: February %(year)s has %(days)s days.")
        else:
            message = _("%(value)s is not a date: %(month)s has %(days)s days.")
        raise DateError(
            message % {"value": value, "year": year, "month": MONTHS[month], "days": days}
        )
    return date(year, month, day)
