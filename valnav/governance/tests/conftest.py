from __future__ import annotations

import pytest

from valnav.accounts.models import Membership, User
from valnav.accounts.personas import demo_organisation
from valnav.core.permissions import Role
from valnav.demo.governance import DIARIENUMMER, seed_governance
from valnav.governance.models import Project


@pytest.fixture
def project(personas) -> Project:
    """The demo project without its demo ledger: the tests book their own."""
    seed_governance(ledger=False)
    return Project.objects.get(diarienummer=DIARIENUMMER)


def _strategist(email: str, organisation: str) -> User:
    """A regional strategist of the demo organisation whose key is `organisation`."""
    user = User.objects.create_user(email=email, password="x-long-password-1", full_name="Test")
    Membership.objects.create(
        user=user,
        organisation=demo_organisation(organisation),
        role=Role.REGIONAL_STRATEGIST,
    )
    return user


@pytest.fixture
def uppsala(project) -> User:
    """A regional strategist of Region Uppsala, a partner region (county 03)."""
    return _strategist("rua.uppsala@example.org", "region-uppsala")


@pytest.fixture
def sormland(project) -> User:
    """A regional strategist of Region Sörmland, a partner region (county 04)."""
    return _strategist("rua.sormland@example.org", "region-sormland")
