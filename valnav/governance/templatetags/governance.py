"""Filters of the governance templates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from valnav.core.numbers import number_text
from valnav.governance.budget import NBSP
from valnav.governance.budget import kr as format_kr

register = template.Library()


@register.filter
def kr(value: Decimal | int | float | None) -> str:
    """Kronor as the application writes them: 13 960 000."""
    if value is None or value == "":
        return "–"
    return format_kr(value)


@register.filter
def kr_unit(value: Decimal | int | float | None) -> str:
    """An amount with its unit, never broken across lines: 13 960 000 kr."""
    return f"{kr(value)}{NBSP}kr"


@register.filter
def number(value: Decimal | int | float | None) -> str:
    """A figure in the reader's language (1 724, 3,5), as `number_text` writes it, without the
    trailing zeros of a stored decimal (a target of 5.00 reads 5)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else value.normalize()
    return number_text(value)


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    # A minus sign and a non-breaking space, so that "−100 %" stays whole on a printed line.
    return f"{value:f}".replace(".", ",").replace("-", "−") + f"{NBSP}%"
