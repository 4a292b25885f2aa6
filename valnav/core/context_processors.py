"""Template context every page needs: the language switch and the visitor's capabilities."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.encoding import iri_to_uri
from django.utils.translation import get_language, override

from valnav.core.permissions import Perm, user_perms


def language_url(request: HttpRequest, code: str) -> str:
    """This page in language `code`, with its query: what `translate_url` answers, from the
    match the request was resolved to instead of resolving its path a second time (that took
    most of a page's context on the search page)."""
    if code == (get_language() or settings.LANGUAGE_CODE):
        return request.get_full_path()  # the page itself
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name is None:
        return translate_url(request.get_full_path(), code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            path = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return request.get_full_path()
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{iri_to_uri(query)}" if query else path


def valnav(request: HttpRequest) -> dict[str, Any]:
    current = get_language() or settings.LANGUAGE_CODE
    languages = [
        {
            "code": code,
            "name_local": {"sv": "Svenska", "en": "English"}.get(code, code),
            "url": language_url(request, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
    perms = user_perms(request.user) if hasattr(request, "user") else frozenset()
    return {
        "language_links": languages,
        "perms": {perm.name: perm in perms for perm in Perm},
    }
