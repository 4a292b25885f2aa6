"""The site's URLs with the OIDC login, as config/urls.py has them when VALNAV_OIDC_ISSUER is
set at start-up (settings are fixed by then, so the tests name this URLconf instead)."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls")), *site_urlpatterns]
