"""Swedish personnummer and samordningsnummer (Skatteverket).

A personnummer is the birth date (YYMMDD), a three-digit birth number and a Luhn check digit
computed over those ten digits. A samordningsnummer (coordination number, for people who are not
or have not been registered as living in Sweden) is written the same way with 60 added to the day.

The ten-digit form leaves out the century. Its separator carries it: "-" for someone under 100
years old, "+" from the year the person turns 100. The twelve-digit form states the century and
takes "-" or no separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from valnav.lib.luhn import luhn_checksum_ok

# After whitespace is removed: optional century, YYMMDD, optional separator, four digits.
# ASCII digits only: str.isdigit() and \d also accept other scripts' digits.
_PATTERN = re.compile(r"(?P<century>[0-9]{2})?(?P<date>[0-9]{6})(?P<sep>[-+]?)(?P<tail>[0-9]{4})")
_WHITESPACE = re.compile(r"\s+")
_COORDINATION_DAY_OFFSET = 60


class PersonnummerError(ValueError):
    """A value that is not a valid personnummer or samordningsnummer; `code` tells why.

    Codes: "format" (not a number in one of the accepted forms), "date" (no such date),
    "checksum" (wrong check digit), "future" (a birth date after today).
    The message is only the code, so the number itself never reaches a log or error report.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Identity:
    """A valid personnummer or samordningsnummer.

    `legal_gender` is the sex recorded in the population register (folkbokföringen), read from the
    second-last digit: odd "male", even "female". It is a legal registration, not the person's
    gender, and must not be shown or used as such. It is None for a number that carries no such
    digit; callers must handle that case.
    """

    number: str  # canonical: twelve digits, YYYYMMDDNNNN (the day + 60 for a samordningsnummer)
    birth_date: date
    is_coordination_number: bool
    legal_gender: str | None

    def display(self) -> str:
        """The number as YYYYMMDD-NNNN."""
        return f"{self.number[:8]}-{self.number[8:]}"

    def masked(self) -> str:
        """The number as YYYYMMDD-****, for lists and logs where the full number is not needed."""
        return f"{self.number[:8]}-****"

    def __repr__(self) -> str:
        # Keep the full number out of tracebacks, debug pages and logs that print the object.
        return f"Identity({self.masked()!r}, is_coordination_number={self.is_coordination_number})"


def parse_personnummer(raw: str, *, today: date | None = None) -> Identity:
    """Parse and validate a personnummer or samordningsnummer.

    Accepts YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDD-NNNN and YYYYMMDDNNNN, with spaces
    anywhere. A ten-digit number without "+" belongs to the most recent century in which its date
    is not after `today` (default: date.today()); with "+" to the century before that.
    Raises PersonnummerError("format" | "date" | "checksum" | "future").
    """
    if today is None:
        today = date.today()
    match = _PATTERN.fullmatch(_WHITESPACE.sub("", raw))
    if match is None:
        raise PersonnummerError("format")
    century, yymmdd, separator, tail = match.group("century", "date", "sep", "tail")
    if century is not None and separator == "+":
        # The century is stated; a "+" belongs only to the ten-digit form.
        raise PersonnummerError("format")

    yy, month, written_day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    is_coordination_number = written_day > _COORDINATION_DAY_OFFSET
    day = written_day - _COORDINATION_DAY_OFFSET if is_coordination_number else written_day

    if century is not None:
        year = int(century) * 100 + yy
    else:
        year = today.year - today.year % 100 + yy
        # Compared as tuples: the date may not exist until its century is known (29 February).
        if (year, month, day) > (today.year, today.month, today.day):
            year -= 100
        if separator == "+":
            year -= 100

    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise PersonnummerError("date") from None

    if not luhn_checksum_ok(yymmdd + tail):
        raise PersonnummerError("checksum")
    if birth_date > today:
        raise PersonnummerError("future")

    return Identity(
        number=f"{year:04d}{yymmdd[2:]}{tail}",
        birth_date=birth_date,
        is_coordination_number=is_coordination_number,
        legal_gender="male" if int(tail[2]) % 2 else "female",
    )
