"""Shared fixtures: the reference data and the named personas of STYLE.md.

Personas (password DEMO_PASSWORD, demo logins enabled in tests):
- admin: administrator of Region Västmanland (admin site, accounts, reference data)
- rua_vastmanland: regional strategist (RUA)
- assessor_vasteras_komvux: assessor at Komvux Västerås
- counsellor_orebro: guidance counsellor in Örebro
- communicator_vastmanland, project_manager, employer_linkoping: the other roles
- outsider: logged in without any role
- anonymous: not logged in (no user)
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests (hypothesis) and API fuzzing (schemathesis): the same examples on every run, so
# that CI is repeatable and a failure seen once is seen again; no per-example deadline, since a
# run on a loaded CI machine is not a property of the code. Each test sets its own max_examples.
hypothesis_settings.register_profile("valnav", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "valnav"))


@pytest.fixture(autouse=True)
def _demo_logins_enabled(settings):
    settings.VALNAV_DEMO_LOGINS = True


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language: a request under /en/ leaves English
    active in its thread, and `reverse()` in a later test would then build English URLs."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database goes back to its first state after
    every test, and a figure cached by an earlier test must not meet the same data again."""
    cache.clear()


@pytest.fixture
def reference_data(db):
    call_command("import_reference", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def personas(reference_data):
    """All demo personas, keyed by persona key (as in PERSONAS)."""
    from valnav.accounts.models import User
    from valnav.demo.services import demo_accounts_seed

    demo_accounts_seed()
    return {user.email.split("@")[0]: user for user in User.objects.filter(is_demo=True)}
