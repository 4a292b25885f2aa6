"""Validators shared by the apps' models."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def single_line(value: str) -> None:
    """Refuse line breaks and other control characters in a one-line text: it ends up in
    e-mail subjects and calendar files, where a line break would start a header or property of
    its own."""
    if _CONTROL.search(value):
        raise ValidationError(_("Write this on one line, without line breaks."), code="single_line")
