"""Swedish organisationsnummer (Bolagsverket/Skatteverket): ten digits, NNNNNN-NNNN.

The third digit is at least 2 for legal persons, and the tenth is a Luhn check digit over the
first nine. A twelve-digit form with the prefix 16 is also in use.
"""

from __future__ import annotations

import re

from valnav.lib.luhn import luhn_checksum_ok

_SEPARATORS = re.compile(r"[\s\-+]")


class OrgNumberError(ValueError):
    """A value that is not a valid organisationsnummer; `code` tells why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalize_orgnr(raw: str) -> str:
    """Return the number as NNNNNN-NNNN or raise OrgNumberError("format" | "group" | "checksum")."""
    digits = _SEPARATORS.sub("", raw.strip())
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) != 10 or not digits.isdigit():
        raise OrgNumberError("format")
    if int(digits[2]) < 2:
        raise OrgNumberError("group")
    if not luhn_checksum_ok(digits):
        raise OrgNumberError("checksum")
    return f"{digits[:6]}-{digits[6:]}"
