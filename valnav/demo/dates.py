"""Working days for demo dates: no weekend, no Swedish public holiday and none of the
mellandagar (27–30 December), when no one holds a seminar."""

from __future__ import annotations

from datetime import date, timedelta


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_saturday(start: date) -> date:
    return start + timedelta(days=(5 - start.weekday()) % 7)


def swedish_holidays(year: int) -> set[date]:
    """Sweden's public holidays (helgdagar) in `year`, with midsommarafton and julafton and
    nyårsafton, which are days off in practice."""
    easter = _easter(year)
    midsummer = _first_saturday(date(year, 6, 20))
    return {
        date(year, 1, 1),
        date(year, 1, 6),
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        date(year, 5, 1),
        easter + timedelta(days=39),  # Kristi himmelsfärd
        date(year, 6, 6),
        midsummer - timedelta(days=1),  # midsommarafton
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 26),
        date(year, 12, 31),
    }


def is_working_day(day: date) -> bool:
    """Whether a seminar could be held on `day`."""
    if day.weekday() >= 5 or day in swedish_holidays(day.year):
        return False
    return not (day.month == 12 and 27 <= day.day <= 30)


def working_day_from(day: date) -> date:
    """`day`, or the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_day_until(day: date) -> date:
    """`day`, or the last working day before it (a date that must not pass a given day)."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
