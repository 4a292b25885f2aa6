"""Nothing personal kept by a shared computer's browser (valnav.core.middleware.NoStoreMiddleware):
every answer to a signed-in session or an API key, and every answer under /api/v1/cases, says
`Cache-Control: no-store`; anonymous visitors' public pages keep their caching."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from valnav.api.services import api_token_create
from valnav.atlas.tests.factories import OfferFactory, ValidationModelFactory
from valnav.casework.tests.conftest import case, komvux  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives and "public" not in directives


@pytest.fixture
def assessor_client(personas) -> Client:
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    return client


def test_case_list_case_page_and_person_pages_are_not_stored(assessor_client, case):  # noqa: F811
    pseudonym = case.individual.pseudonym
    for url in (
        reverse("casework:case-list"),
        reverse("casework:case-detail", kwargs={"reference": case.reference}),
        reverse("casework:individual-new"),
        reverse("casework:register-extract-json", args=[pseudonym]),
    ):
        response = assessor_client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), (url, response.get("Cache-Control"))


def test_the_cases_api_is_not_stored_for_a_session_a_key_or_a_stranger(
    assessor_client,
    personas,
    case,  # noqa: F811
):
    detail = f"/api/v1/cases/{case.reference}"
    for url in ("/api/v1/cases", detail):
        answer = assessor_client.get(url)
        assert answer.status_code == 200, url
        assert no_store(answer), url
    secret = api_token_create(actor=personas["assessor_vasteras_komvux"], name="System").secret
    keyed = Client(headers={"Authorization": f"Bearer {secret}"})
    for url in ("/api/v1/cases", detail):
        answer = keyed.get(url)
        assert answer.status_code == 200, url
        assert no_store(answer), url
    # Refusals too: even a 401 says which references a stranger tried.
    refused = Client().get(detail)
    assert refused.status_code == 401
    assert no_store(refused)


def test_a_signed_in_users_public_page_is_not_stored(assessor_client):
    response = assessor_client.get(reverse("atlas:search"), {"q": "svetsare"})
    assert response.status_code == 200
    assert no_store(response)


def test_anonymous_public_pages_and_reads_keep_their_caching(
    reference_data, django_assert_num_queries
):
    model = ValidationModelFactory(name="Validering av svetsare", ssyk=["7212"])
    OfferFactory(model=model)
    client = Client()
    first = client.get(reverse("atlas:search"), {"q": "svetsare"})
    assert first.status_code == 200
    assert "no-store" not in first.get("Cache-Control", "")
    with django_assert_num_queries(1):  # still the page cache's one read of the data's token
        again = client.get(reverse("atlas:search"), {"q": "svetsare"})
    assert again.content == first.content
    assert "no-store" not in again.get("Cache-Control", "")
    occupations = client.get("/api/v1/occupations")
    assert occupations.status_code == 200
    assert "no-store" not in occupations.get("Cache-Control", "")


def test_htmx_keeps_no_page_snapshots_in_the_browser(assessor_client):
    """htmx saves a copy of each page it navigates from in localStorage unless told not to;
    no-store cannot reach that copy, so the pages ask htmx to keep none."""
    page = assessor_client.get(reverse("casework:case-list")).content.decode()
    assert '"historyCacheSize": 0' in page
