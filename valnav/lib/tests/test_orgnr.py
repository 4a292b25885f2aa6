import pytest

from valnav.lib.luhn import luhn_check_digit, luhn_checksum_ok
from valnav.lib.orgnr import OrgNumberError, normalize_orgnr


def test_luhn_accepts_known_personnummer_payload():
    # Skatteverket's example personnummer 811218-9876.
    assert luhn_checksum_ok("8112189876")
    assert luhn_check_digit("811218987") == 6


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("232100-0172", "232100-0172"),
        ("2321000172", "232100-0172"),
        ("16 232100-0172", "232100-0172"),
        ("162120002080", "212000-2080"),
    ],
)
def test_valid_numbers_are_normalised(raw, expected):
    assert normalize_orgnr(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("232100-0173", "checksum"),
        ("12345", "format"),
        ("23210A-0172", "format"),
        ("811218-9876", "group"),
    ],
)
def test_invalid_numbers_say_why(raw, code):
    with pytest.raises(OrgNumberError) as excinfo:
        normalize_orgnr(raw)
    assert excinfo.value.code == code
