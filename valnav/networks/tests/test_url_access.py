"""The networks rows of the permission matrix on their own, so that a failure elsewhere in
the matrix does not hide one here (tests/test_permission_matrix.py walks them all)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_permission_matrix import EXPECTED, _kwargs, all_url_names
from tests.url_access import PERSONA_KEYS, networks


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_each_persona_gets_the_documented_answer_on_network_pages(persona, personas):
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    wrong = []
    ours = set(networks.EXPECTED)
    names = [(name, pattern) for name, pattern in all_url_names() if name in ours]
    assert len(names) == len(ours)
    for name, pattern in names:
        url = reverse(name, kwargs=_kwargs(name, pattern) or None)
        status = client.get(url).status_code
        if status != EXPECTED[name][persona]:
            wrong.append(f"{name} {url}: {status}, expected {EXPECTED[name][persona]}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
