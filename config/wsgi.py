"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What a worker would otherwise prepare on its first visitor's request is prepared as it starts
# (gunicorn imports this module in every worker): the URL patterns with the API's schemas (a few
# seconds) and the search's matchers (a second or so per language).
from django.urls import get_resolver  # noqa: E402

from valnav.atlas.search import prepare_matchers  # noqa: E402  (needs the app registry above)

get_resolver().url_patterns  # noqa: B018  (imports every URL module)
prepare_matchers()
