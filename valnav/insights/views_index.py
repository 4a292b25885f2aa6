"""The insights index (/analys/): one page that leads to every analysis a reader may open."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def index_page(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/index.html")


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("insights/"), index_page, name="index"),
]
