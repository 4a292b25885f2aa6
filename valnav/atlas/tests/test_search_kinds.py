"""Words that name a kind of validation ("komvux", "branschvalidering", data/reference/
kind_terms.csv) are read as that kind: its models, not every offer whose text has the word."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from valnav.atlas.models import ModelKind, ValidationModel
from valnav.atlas.search import search_intent
from valnav.atlas.tests.factories import OfferFactory, OrganisationFactory
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(reference_data):
    """One offer of every catalogue model in Katrineholm, every one of them given by
    "Komvux Katrineholm": the word is in the text of branch models' offers too, as in the
    benchmark, where half the providers are called "Komvux …"."""
    provider = OrganisationFactory(name="Komvux Katrineholm")
    katrineholm = Municipality.objects.get(code="0483")
    return {
        model.key: OfferFactory(model=model, provider=provider, municipality=katrineholm)
        for model in ValidationModel.objects.all()
    }


def keys_of(kind):
    return set(ValidationModel.objects.filter(kind=kind).values_list("key", flat=True))


def page_models(words, language="sv"):
    with translation.override(language):
        url = reverse("atlas:search")
    response = Client().get(url, {"q": words})
    assert response.status_code == 200
    return {group.model.key for group in response.context["result"].groups}


@pytest.mark.parametrize(
    ("words", "kinds", "text_words"),
    [
        ("komvux", ["komvux"], []),
        ("Komvux", ["komvux"], []),
        ("vuxenutbildningen", ["komvux"], []),
        ("kommunal vuxenutbildning", ["komvux"], []),
        ("validering inom komvux", ["komvux"], []),
        ("komvux validering", ["komvux"], []),
        ("branschvalidering", ["branch"], []),
        ("branschmodeller", ["branch"], []),
        ("komvux branschvalidering", ["komvux", "branch"], []),
        # A part of a kind's word names no kind and is searched as text, as before.
        ("bransch", [], ["bransch"]),
        ("komvx", [], ["komvx"]),
        # English words are read only where English is.
        ("adult education", [], ["adult", "education"]),
    ],
)
def test_the_matcher_reads_words_that_name_a_kind_of_validation(
    reference_data, words, kinds, text_words
):
    intent = search_intent(words)
    assert sorted(intent.kinds) == sorted(kinds)
    assert intent.text_words == text_words


@pytest.mark.parametrize(
    ("words", "kinds"),
    [
        ("adult education", ["komvux"]),
        ("municipal adult education", ["komvux"]),
        ("komvux validation", ["komvux"]),
        ("industry validation", ["branch"]),
        ("branch validation", ["branch"]),
        ("komvux", ["komvux"]),  # English pages know the Swedish words too
        ("validation", []),
    ],
)
def test_english_words_name_kinds_where_english_is_read(reference_data, words, kinds):
    assert search_intent(words, language="en").kinds == kinds


def test_komvux_on_the_search_page_finds_komvux_models_only(catalogue):
    assert page_models("komvux") == keys_of(ModelKind.KOMVUX)


def test_komvux_in_the_api_finds_komvux_models_offers_only(catalogue):
    response = Client().get("/api/v1/offers", {"q": "komvux", "limit": 200})
    assert response.status_code == 200
    found = {item["id"] for item in response.json()["items"]}
    assert found == {catalogue[key].pk for key in keys_of(ModelKind.KOMVUX)}


def test_a_kind_beside_an_occupation_limits_its_models_to_that_kind(catalogue):
    # Welders are validated in the branch (svets) and in Komvux's industry model.
    assert {"svets", "komvux-industri"} <= page_models("svetsare")
    assert page_models("komvux svetsare") == {"komvux-industri"}
    assert page_models("branschvalidering svetsare") == {"svets"}


def test_branschvalidering_finds_branch_models_only(catalogue):
    assert page_models("branschvalidering") == keys_of(ModelKind.BRANCH)


def test_adult_education_on_english_pages_finds_komvux_models(catalogue):
    assert page_models("adult education", language="en") == keys_of(ModelKind.KOMVUX)
    assert page_models("adult education welder", language="en") == {"komvux-industri"}


def test_a_word_nobody_knows_is_still_searched_in_the_offers_text(catalogue):
    other = OfferFactory(
        model=ValidationModel.objects.get(key="svets"),
        provider=OrganisationFactory(name="Lärcentrum Ugglan"),
    )
    assert search_intent("ugglan").text_words == ["ugglan"]
    response = Client().get("/api/v1/offers", {"q": "ugglan"})
    assert [item["id"] for item in response.json()["items"]] == [other.pk]


def test_a_kind_is_answered_from_the_models_without_full_text(catalogue):
    # Like an occupation, and unlike a word read by full text, a kind costs no text match.
    def queries(words):
        with CaptureQueriesContext(connection) as captured:
            Client().get(reverse("atlas:search"), {"q": words})
        return [query["sql"] for query in captured.captured_queries]

    queries("elektriker")  # the catalogue, places and counts, read once per data token

    full_text = ("_fts", "search_vector")
    assert any(marker in sql for sql in queries("ugglan") for marker in full_text)
    komvux = queries("komvux")
    assert not any(marker in sql for sql in komvux for marker in full_text)
    assert len(komvux) <= len(queries("svetsare"))
