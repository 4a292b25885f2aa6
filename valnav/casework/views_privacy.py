"""Register extracts and the access log (being written)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _


def _pending(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise Http404


urlpatterns: list[URLPattern] = [
    path(
        _("cases/people/<str:pseudonym>/register-extract.json"),
        _pending,
        name="register-extract-json",
    ),
    path(
        _("cases/people/<str:pseudonym>/register-extract.pdf"),
        _pending,
        name="register-extract-pdf",
    ),
    path(_("access-log/"), _pending, name="access-log"),
]
