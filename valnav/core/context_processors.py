"""Template context every page needs: the language switch and the visitor's capabilities."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from valnav.core.permissions import Perm, user_perms


def valnav(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    languages = [
        {
            "code": code,
            "name_local": {"sv": "Svenska", "en": "English"}.get(code, code),
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    perms = user_perms(request.user) if hasattr(request, "user") else frozenset()
    return {
        "language_links": languages,
        "perms": {perm.name: perm in perms for perm in Perm},
    }
