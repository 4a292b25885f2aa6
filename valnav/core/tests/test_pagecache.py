"""The public search and offer pages kept whole for anonymous visitors (valnav.core.pagecache)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from valnav.atlas.models import PublicationStatus
from valnav.atlas.tests.factories import OfferFactory, ValidationModelFactory
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def welding(reference_data):
    model = ValidationModelFactory(name="Validering av svetsare", ssyk=["7212"])
    offer = OfferFactory(model=model, municipality=Municipality.objects.get(code="0483"))
    return model, offer


def search_url() -> str:
    return reverse("atlas:search") + "?q=svetsare"


def test_the_same_search_again_is_one_read_and_sets_no_cookie(welding, django_assert_num_queries):
    client = Client()
    first = client.get(search_url())
    assert first.status_code == 200
    assert "Validering av svetsare" in first.content.decode()
    assert not first.cookies  # nothing personal in a page that is shared
    with django_assert_num_queries(1):  # the data's token
        again = client.get(search_url())
    assert again.content == first.content


def test_a_newly_published_offer_is_found_at_once(welding):
    model, offer = welding
    client = Client()
    before = client.get(search_url()).content.decode()
    assert before.count(f'href="{offer.get_absolute_url()}"') == 1
    draft = OfferFactory(
        model=model,
        municipality=Municipality.objects.get(code="1980"),
        status=PublicationStatus.DRAFT,
    )
    assert f'href="{draft.get_absolute_url()}"' not in client.get(search_url()).content.decode()
    draft.status = PublicationStatus.PUBLISHED
    draft.save()
    assert f'href="{draft.get_absolute_url()}"' in client.get(search_url()).content.decode()


def test_each_language_has_its_own_page(welding):
    _model, offer = welding
    client = Client()
    swedish = client.get(offer.get_absolute_url()).content.decode()
    english = client.get("/en" + offer.get_absolute_url()).content.decode()
    assert '<html lang="sv"' in swedish
    assert '<html lang="en"' in english


def test_signed_in_users_get_their_own_page(welding, personas):
    _model, offer = welding
    Client().get(offer.get_absolute_url())  # cached for anonymous visitors
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    page = client.get(offer.get_absolute_url()).content.decode()
    assert f'action="{reverse("accounts:logout")}"' in page  # their own menu, not the cached one
