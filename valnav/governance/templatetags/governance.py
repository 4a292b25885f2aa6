"""Filters of the governance templates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from valnav.governance.budget import kr as format_kr

register = template.Library()


@register.filter
def kr(value: Decimal | int | float | None) -> str:
    """Kronor as the application writes them: 13 960 000."""
    if value is None or value == "":
        return "–"
    return format_kr(value)


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value:f}".replace(".", ",") + " %"
