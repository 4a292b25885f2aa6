"""Casework URLs, one module per part so each can grow on its own. Fixed paths under cases/
(the importer's, the statistics) come before the patterns that take a case reference there."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import URLPattern, path, reverse

from valnav.casework import (
    views_cases,
    views_credentials,
    views_import,
    views_komvux,
    views_privacy,
    views_statistics,
)

app_name = "casework"


def _moved_to(pattern_name: str) -> Callable[..., HttpResponse]:
    """A permanent redirect (308, so a POST stays a POST) to `pattern_name` in the active
    language, with the same arguments."""

    def moved(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        target = reverse(f"{app_name}:{pattern_name}", kwargs=kwargs)
        return HttpResponsePermanentRedirect(target, preserve_request=True)

    return moved


# Swedish paths that were renamed: a "remiss" reads as a medical referral, so referrals are
# "hänvisningar" (issue #16). The old paths, in bookmarks and open forms, still lead there.
moved_urlpatterns: list[URLPattern] = [
    path(
        "arenden/<str:reference>/remisser/",
        _moved_to("referral-new"),
        name="referral-new-moved",
    ),
    path(
        "arenden/<str:reference>/remisser/<int:pk>/svar/",
        _moved_to("referral-answer"),
        name="referral-answer-moved",
    ),
]

urlpatterns = (
    views_import.urlpatterns
    + views_statistics.urlpatterns
    + views_cases.urlpatterns
    + views_komvux.urlpatterns
    + views_credentials.urlpatterns
    + views_privacy.urlpatterns
    + moved_urlpatterns
)
