"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The search's matchers are built as each worker starts (gunicorn imports this module in every
# worker), not on the first visitor's request: a second or so per language.
from valnav.atlas.search import prepare_matchers  # noqa: E402  (needs the app registry above)

prepare_matchers()
