"""Demo documents: issued once, one revoked, written as a holder receives them."""

import io

import pytest
from django.core.management import CommandError, call_command

from valnav.casework.models import Credential
from valnav.demo.casework import seed_cases
from valnav.demo.credentials import seed_credentials

pytestmark = pytest.mark.django_db


def test_demo_credentials_are_written_and_one_is_revoked(reference_data, personas, tmp_path):
    seed_cases()
    assert seed_credentials(tmp_path) == 3
    assert seed_credentials(tmp_path) == 0  # idempotent
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 3
    assert Credential.objects.filter(is_demo=True, revoked_at__isnull=False).count() == 1
    outcomes = {}
    for path in files:
        try:
            call_command("credential_verify", str(path), stdout=io.StringIO())
            outcomes[path.name] = 0
        except CommandError as error:
            outcomes[path.name] = error.returncode
    assert sorted(outcomes.values()) == [0, 0, 1]
    assert all(("-revoked" in name) == bool(code) for name, code in outcomes.items())
