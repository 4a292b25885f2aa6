"""Numbers as the reader's language writes them: one place for every figure a view, an export
or a chart shows as text (issue #17, one number style).

Swedish: decimal comma, a non-breaking space between thousands (1 724 000,5); English: decimal
point and comma (1,724,000.5). Thousands are grouped from five digits on, as Språkrådet
recommends for Swedish, so a year or a four-digit code reads as written (2024, 5321). Exports
(`grouping=False`) keep the decimal mark of the language and no separator at all, so that a
spreadsheet in that language reads the cell as a number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

GROUP_FROM = 10_000  # numbers from five digits on are grouped


def number_text(
    value: int | float | Decimal | None, digits: int | None = None, *, grouping: bool = True
) -> str:
    """`value` in the active language with `digits` decimals (as it comes when None), for a
    page (`grouping`) or an export; "" for None."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if digits is not None:
        # number_format cuts the decimals off; a reader expects them rounded (3,345 → 3,35).
        number = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    group = grouping and abs(number) >= GROUP_FROM
    text = number_format(number, decimal_pos=digits, use_l10n=True, force_grouping=group)
    # On a page a minus sign, not a hyphen that a line may break after; in an export the
    # hyphen-minus that spreadsheets read.
    return text.replace("-", "−", 1) if grouping else text
