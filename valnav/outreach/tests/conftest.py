"""Fixtures of outreach tests."""

import pytest

from valnav.outreach.tests.factories import make_material


@pytest.fixture
def communicator(personas):
    return personas["communicator_vastmanland"]


@pytest.fixture
def published(personas):
    return make_material(personas, title="Validering för dig", slug="validering-for-dig")
