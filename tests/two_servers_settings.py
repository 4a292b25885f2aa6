"""Settings for tests/test_two_app_servers.py: the production settings, except that static files
keep their plain names. Production's hashed, compressed copies come from `collectstatic`, which
takes about a minute here; the test is about what app servers share, which static files are not.
"""

from config.settings import *  # noqa: F403  (the production settings, unchanged but for this)

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
