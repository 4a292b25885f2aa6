"""The site's URLs plus the bare view `make load` compares every endpoint with."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    """The least a Django view can do: no database, no template, through all the middleware."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
