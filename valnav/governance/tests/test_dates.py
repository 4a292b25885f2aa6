from datetime import date

import pytest
from django.utils import translation

from valnav.governance.dates import DateError, parse_day


def test_a_real_day_is_read():
    assert parse_day("2024-11-30") == date(2024, 11, 30)
    assert parse_day(" 2024-02-29 ") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-11-31", "2024-11-31 is not a date: November has 30 days."),
        ("2023-02-29", "2023-02-29 is not a date: February 2023 has 28 days."),
        ("2024-13-01", "2024-13-01 is not a date: there is no month 13."),
        ("30/11/2024", "“30/11/2024” is not a date; write it as YYYY-MM-DD, e.g. 2024-11-30."),
    ],
)
def test_an_impossible_date_is_refused_with_the_reason(text, message):
    with translation.override("en"), pytest.raises(DateError) as raised:
        parse_day(text)
    assert raised.value.message == message
