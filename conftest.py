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
from django.test import TransactionTestCase
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from tests import saved_rows

# Tests that need a Debian package: not run without it, unless required (VALNAV_REQUIRE_…).
# (pytester: to run that plumbing's own test.)
pytest_plugins = ["tests.system_packages", "pytester"]

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


# The reference data (counties, municipalities, occupations, branch models: a second or so to
# import) and the personas are imported once and committed, for all the database tests that ask
# for them, instead of once per test. So that no other test meets them, those tests run after
# the database tests that do not ask for them (pytest_collection_modifyitems below): first the
# tests of the reference data alone, then those of the personas, each group before its data is
# committed. Both are flushed before the first transactional test, which starts from an empty
# database as Django promises.
_committed = {"reference": False, "personas": False}


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", [])
    return "transactional_db" in names or "live_server" in names


def _import_reference() -> None:
    call_command("import_reference", stdout=open(os.devnull, "w"))  # noqa: SIM115


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's order (database tests, transactional tests, the rest), the database
    tests that use the reference data go last among the database tests, and of those the ones
    that use the personas last. The sort is stable."""

    def group(item: pytest.Item) -> int:
        names = getattr(item, "fixturenames", [])
        uses_db = "db" in names or item.get_closest_marker("django_db") is not None
        if uses_db and not _is_transactional(item):
            return 2 if "personas" in names else 1 if "reference_data" in names else 0
        return 3

    items.sort(key=group)


@pytest.fixture(scope="session")
def _reference_data_committed(django_db_setup, django_db_blocker):
    # Session-scoped, so set up before the test's own transaction opens (pytest-django opens it
    # in a function-scoped fixture when the module is marked django_db).
    with django_db_blocker.unblock():
        _import_reference()
    _committed["reference"] = True


@pytest.fixture(scope="session")
def _personas_committed(_reference_data_committed, django_db_blocker):
    from valnav.demo.services import demo_accounts_seed

    with django_db_blocker.unblock():
        demo_accounts_seed()
    _committed["personas"] = True


def _without_personas() -> None:
    """The personas taken out again, inside the test's transaction, for a test of the reference
    data alone that runs after the personas were committed (the sort above makes that rare)."""
    from valnav.accounts.models import Organisation, User

    User.objects.filter(is_demo=True).delete()
    Organisation.objects.filter(is_demo=True).delete()


@pytest.fixture
def reference_data(_reference_data_committed, request):
    from valnav.places.models import County

    if _is_transactional(request.node):
        # Committed, as the live server's thread needs them: from the rows kept of the first
        # such test (tests/saved_rows.py), with the personas when the test asks for them.
        request.getfixturevalue("transactional_db")
        saved_rows.reach("personas" if "personas" in request.fixturenames else "reference")
        return
    request.getfixturevalue("db")
    if not County.objects.exists():
        # Flushed by a transactional test: imported into this test alone (rolled back).
        _import_reference()
    elif _committed["personas"] and "personas" not in request.fixturenames:
        _without_personas()


@pytest.fixture(autouse=True)
def _transactional_tests_start_empty(request, django_db_blocker):
    if (_committed["reference"] or _committed["personas"]) and _is_transactional(request.node):
        with django_db_blocker.unblock():
            saved_rows.reach("empty")
        _committed["reference"] = _committed["personas"] = False


# After a transactional test Django empties the database (`flush`, then the content types and
# permissions are created again); the same rows are written back from those kept the first time.
_django_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown(self: TransactionTestCase) -> None:
    databases = set(self._databases_names(include_mirrors=False))
    if databases == {"default"} and self.available_apps is None and not self.serialized_rollback:
        saved_rows.reach("empty")
    else:
        _django_fixture_teardown(self)


# A method replaced on the class, for every transactional test of the run.
TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture
def personas(_personas_committed, reference_data, request):
    """All demo personas, keyed by persona key (as in PERSONAS)."""
    from valnav.accounts.models import User
    from valnav.demo.services import demo_accounts_seed

    if not _is_transactional(request.node) and not _committed["personas"]:
        demo_accounts_seed()  # flushed by a transactional test: into this test alone
    return {user.email.split("@")[0]: user for user in User.objects.filter(is_demo=True)}
