import dataclasses
from datetime import date

import pytest

from valnav.lib.luhn import luhn_check_digit
from valnav.lib.personnummer import Identity, PersonnummerError, parse_personnummer

# A fixed "today", so the century rules do not change with the calendar.
TODAY = date(2025, 6, 1)


def with_check_digit(first_nine: str) -> str:
    """YYMMDDNNN plus its Luhn check digit: valid numbers are computed, not remembered."""
    return first_nine + str(luhn_check_digit(first_nine))


def parse(raw: str) -> Identity:
    return parse_personnummer(raw, today=TODAY)


def error_code(raw: str) -> str:
    with pytest.raises(PersonnummerError) as excinfo:
        parse(raw)
    return excinfo.value.code


@pytest.mark.parametrize(
    "raw",
    [
        "811218-9876",
        "8112189876",
        "19811218-9876",
        "198112189876",
        " 811218 - 9876 ",
        "19811218 9876",
        "1981 12 18 98 76",
    ],
)
def test_skatteverkets_example_is_accepted_in_every_written_form(raw):
    identity = parse(raw)
    assert identity.number == "198112189876"
    assert identity.birth_date == date(1981, 12, 18)
    assert not identity.is_coordination_number
    assert identity.display() == "19811218-9876"
    assert identity.masked() == "19811218-****"


def test_legal_gender_follows_the_parity_of_the_second_last_digit():
    assert parse("811218-9876").legal_gender == "male"  # 7 is odd
    even = with_check_digit("811218984")
    assert parse(even).legal_gender == "female"


def test_published_samordningsnummer_has_the_day_plus_sixty():
    assert luhn_check_digit("701063239") == 1
    identity = parse("701063-2391")
    assert identity.is_coordination_number
    assert identity.birth_date == date(1970, 10, 3)
    assert identity.number == "197010632391"
    assert identity.display() == "19701063-2391"


@pytest.mark.parametrize(
    ("day", "birth_day"),
    [("61", 1), ("91", 31)],
)
def test_coordination_days_61_to_91_map_to_the_first_to_the_thirty_first(day, birth_day):
    identity = parse(with_check_digit(f"8101{day}123"))
    assert identity.is_coordination_number
    assert identity.birth_date == date(1981, 1, birth_day)


@pytest.mark.parametrize("day", ["00", "32", "60", "92", "99"])
def test_days_outside_the_ordinary_and_coordination_ranges_are_refused(day):
    assert error_code(with_check_digit(f"8101{day}123")) == "date"


def test_a_coordination_number_needs_a_real_date_too():
    # 30 February, written as 90.
    assert error_code(with_check_digit("810290123")) == "date"


def test_leap_day_2000_is_valid_but_1900_is_not():
    number = with_check_digit("000229123")
    assert parse(number).birth_date == date(2000, 2, 29)
    assert parse("20" + number).birth_date == date(2000, 2, 29)
    assert error_code("19" + number) == "date"
    # With "+" the ten-digit form means 1900, which had no 29 February.
    assert error_code(f"{number[:6]}+{number[6:]}") == "date"


def test_month_thirteen_is_not_a_date():
    assert error_code(with_check_digit("811318123")) == "date"


def test_plus_means_one_century_earlier():
    assert parse("811218+9876").birth_date == date(1881, 12, 18)
    assert parse("811218+9876").number == "188112189876"


def test_ten_digit_form_takes_the_latest_century_not_after_today():
    born_today = with_check_digit("250601123")
    born_tomorrow = with_check_digit("250602123")
    assert parse(born_today).birth_date == date(2025, 6, 1)
    assert parse(born_tomorrow).birth_date == date(1925, 6, 2)
    assert parse(f"{born_tomorrow[:6]}+{born_tomorrow[6:]}").birth_date == date(1825, 6, 2)


def test_today_defaults_to_the_current_date():
    assert parse_personnummer("811218-9876").birth_date == date(1981, 12, 18)


@pytest.mark.parametrize("century", ["20", "21"])
def test_twelve_digit_numbers_born_after_today_are_refused(century):
    assert error_code(century + with_check_digit("250602123")) == "future"


def test_a_wrong_check_digit_is_refused():
    assert error_code("811218-9875") == "checksum"
    assert error_code("19811218-9875") == "checksum"
    assert error_code("701063-2392") == "checksum"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "81121-9876",
        "811218--9876",
        "811218-98765",
        "811218/9876",
        "19811218+9876",  # "+" only belongs to the ten-digit form
        "-811218-9876",
        "8112189876A",
        "١٩٨١١٢١٨٩٨٧٦",  # Arabic-Indic digits pass str.isdigit() but are not a personnummer
        "1981121898760",
    ],
)
def test_malformed_input_is_a_format_error(raw):
    assert error_code(raw) == "format"


def test_the_error_and_the_repr_do_not_reveal_the_number():
    with pytest.raises(PersonnummerError) as excinfo:
        parse("811218-9875")
    assert "9875" not in str(excinfo.value)
    assert "9876" not in repr(parse("811218-9876"))


def test_identity_is_immutable():
    identity = parse("811218-9876")
    with pytest.raises(dataclasses.FrozenInstanceError):
        identity.number = "191212121212"  # type: ignore[misc]  # the assignment is the test
