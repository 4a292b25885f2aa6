"""Issuing, revoking and verifying intyg and Open Badges credentials (being written)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _


def _pending(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise Http404


urlpatterns: list[URLPattern] = [
    path(_("cases/<str:reference>/documents/new/"), _pending, name="credential-issue"),
    path(
        _("cases/<str:reference>/documents/<str:public_id>/"),
        _pending,
        name="credential-detail",
    ),
    path(
        _("cases/<str:reference>/documents/<str:public_id>/intyg.pdf"),
        _pending,
        name="credential-pdf",
    ),
    path(
        _("cases/<str:reference>/documents/<str:public_id>/revoke/"),
        _pending,
        name="credential-revoke",
    ),
    path(_("verify/<str:public_id>/"), _pending, name="credential-verify"),
]
