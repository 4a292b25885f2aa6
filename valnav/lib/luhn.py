"""Luhn (modulus 10) check digits, as used in Swedish personnummer and organisationsnummer."""

from __future__ import annotations


def luhn_checksum_ok(digits: str) -> bool:
    """True when the last digit of `digits` is the Luhn check digit of the others."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit to append to `digits`."""
    total = 0
    # Double every second digit counting from the right of the payload.
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10
