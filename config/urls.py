"""Root URLs. Pages live under i18n_patterns (Swedish unprefixed, English under /en/);
the API and the admin are language-neutral."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from valnav.api.v1 import api as api_v1
from valnav.core.views import health, ready

urlpatterns = [
    path("api/v1/", api_v1.urls),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("health/ready/", ready, name="health-ready"),
]

# Login through e-identification (OIDC), when configured (valnav.accounts.oidc).
if settings.VALNAV_OIDC_ISSUER:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
# ...and through SAML (valnav.accounts.saml).
if settings.VALNAV_SAML_IDP_METADATA:
    urlpatterns.append(path("saml2/", include("djangosaml2.urls")))

urlpatterns += i18n_patterns(
    path("", include("valnav.core.urls")),
    path("", include("valnav.places.urls")),
    path("", include("valnav.accounts.urls")),
    path("", include("valnav.atlas.urls")),
    path("", include("valnav.casework.urls")),
    path("", include("valnav.insights.urls")),
    path("", include("valnav.outreach.urls")),
    path("", include("valnav.events.urls")),
    path("", include("valnav.networks.urls")),
    path("", include("valnav.governance.urls")),
    path("", include("valnav.api.urls")),
    prefix_default_language=False,
)
