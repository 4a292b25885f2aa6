"""Numbers in the reader's language (valnav.core.numbers)."""

from decimal import Decimal

import pytest
from django.utils import translation

from valnav.core.numbers import number_text


@pytest.mark.parametrize(
    ("language", "value", "digits", "expected"),
    [
        ("sv", 1724000, None, "1\xa0724\xa0000"),
        ("sv", 3.3449, 2, "3,34"),
        ("sv", Decimal("12345.678"), 1, "12\xa0345,7"),
        ("sv", -12000, 0, "−12\xa0000"),
        ("sv", 2024, None, "2024"),  # a year is not grouped
        ("en", 1724000, None, "1,724,000"),
        ("en", 3.3449, 2, "3.34"),
        ("en", 2024, None, "2024"),
    ],
)
def test_a_page_shows_numbers_as_its_language_writes_them(language, value, digits, expected):
    with translation.override(language):
        assert number_text(value, digits) == expected


def test_an_export_keeps_the_decimal_mark_and_drops_the_grouping():
    with translation.override("sv"):
        assert number_text(-12345.67, 1, grouping=False) == "-12345,7"
    with translation.override("en"):
        assert number_text(-12345.67, 1, grouping=False) == "-12345.7"
    assert number_text(None) == ""
