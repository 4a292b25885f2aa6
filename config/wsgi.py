"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What a worker would otherwise prepare on its first visitor's request is prepared as it starts
# (gunicorn imports this module in every worker).
from valnav.core.startup import prepare_process  # noqa: E402  (needs the app registry above)

prepare_process()
