"""The demo cannot be mistaken for real: no real organisationsnummer, no real personnummer."""

import pytest

from valnav.accounts.models import Organisation
from valnav.accounts.personas import DEMO_ORGANISATIONS
from valnav.casework.models import Individual
from valnav.demo.casework import seed_cases
from valnav.demo.credentials import seed_credentials
from valnav.demo.governance import seed_governance
from valnav.demo.identities import TEST_PERSONNUMMER, is_fictional_orgnr
from valnav.lib import fieldcrypto
from valnav.lib.orgnr import normalize_orgnr
from valnav.lib.personnummer import parse_personnummer

pytestmark = pytest.mark.django_db

# The groups Skatteverket assigns (first digit of an organisationsnummer; see demo.identities).
REAL_GROUPS = set("12356789")


def test_the_test_personnummer_are_valid_numbers():
    # Valid in form and check digit: they exercise the same code as real numbers do.
    for number in TEST_PERSONNUMMER:
        assert parse_personnummer(number).number == number


@pytest.mark.parametrize("spec", DEMO_ORGANISATIONS, ids=lambda spec: spec.key)
def test_no_demo_organisation_has_an_organisationsnummer_of_a_real_group(spec):
    if spec.org_number:
        assert normalize_orgnr(spec.org_number) == spec.org_number  # passes validation …
        assert spec.org_number[0] not in REAL_GROUPS  # … in a group no organisation has
        assert is_fictional_orgnr(spec.org_number)


def test_seeded_demo_data_holds_only_fictional_identities(reference_data, personas, tmp_path):
    seed_cases()
    seed_credentials(tmp_path)
    for organisation in Organisation.objects.filter(is_demo=True).exclude(org_number=""):
        assert is_fictional_orgnr(organisation.org_number), organisation.name
    numbers = [
        fieldcrypto.decrypt(token)
        for token in Individual.objects.filter(is_demo=True)
        .exclude(personnummer_encrypted="")
        .values_list("personnummer_encrypted", flat=True)
    ]
    assert numbers  # the demo documents' holders have one
    assert set(numbers) <= set(TEST_PERSONNUMMER)


def test_every_demo_organisation_is_named_demo(reference_data, personas):
    """No demo organisation could pass for a real authority: each says "(demo)" in its name,
    also the regions of the governance demo, which are the real project's parties."""
    seed_governance(ledger=False)
    seed_cases()
    organisations = Organisation.objects.filter(is_demo=True)
    assert organisations.filter(kind="region").count() == 5
    assert [o.name for o in organisations if not o.name.endswith("(demo)")] == []
    assert all(spec.name.endswith("(demo)") for spec in DEMO_ORGANISATIONS)
