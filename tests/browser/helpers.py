"""Small helpers shared by the browser journeys."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from django.utils import translation


def sv(message: str) -> str:
    """`message` as a Swedish visitor reads it."""
    with translation.override("sv"):
        return translation.gettext(message)


def field_label(message: str) -> re.Pattern[str]:
    """A form field's Swedish label, with or without Django's label suffix (":")."""
    return re.compile(rf"^{re.escape(sv(message))}:?$", re.IGNORECASE)


def url(server: str, name: str, language: str = "sv", **kwargs: Any) -> str:
    with translation.override(language):
        return server + reverse(name, kwargs=kwargs or None)


def main_nav(page: Any) -> Any:
    return page.get_by_role("navigation", name=sv("Main menu"))
