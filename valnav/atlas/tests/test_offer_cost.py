"""An offer's cost to the individual: free (0), an amount, or not known (None), told apart on
the offer page, in search results, in the open API and in the import and export."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from valnav.atlas.models import Offer, ValidationModel
from valnav.atlas.offer_io import offers_export, offers_import
from valnav.atlas.tests.factories import OfferFactory
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def vard(reference_data):
    return ValidationModel.objects.create(
        key="test-vard-kostnad", name="Vård (kostnadstest)", kind="branch", payer="mixed"
    )


def offer_page(offer, language="sv"):
    with translation.override(language):
        url = offer.get_absolute_url()
    return Client().get(url).content.decode()


@pytest.mark.parametrize(
    ("cost", "swedish", "english"),
    [
        (None, "Kostnad okänd", "Cost not known"),
        (0, "Kostnadsfritt", "Free of charge"),
        (12500, "12\u00a0500\u00a0kr", "12,500\u00a0kr"),
    ],
)
def test_the_offer_page_tells_unknown_free_and_an_amount_apart(vard, cost, swedish, english):
    offer = OfferFactory(model=vard, cost_to_individual=cost)
    assert swedish in offer_page(offer, "sv")
    assert english in offer_page(offer, "en")


def test_search_results_say_when_the_cost_is_not_known(vard):
    OfferFactory(model=vard, municipality=Municipality.objects.get(code="1980"))
    OfferFactory(
        model=vard, municipality=Municipality.objects.get(code="0380"), cost_to_individual=0
    )
    page = Client().get(reverse("atlas:search"), {"model": vard.key}).content.decode()
    assert "Kostnad okänd" in page
    assert "Kostnadsfritt" in page
    assert "None" not in page


def test_a_new_offer_without_a_cost_is_not_known_rather_than_free(vard):
    offer = OfferFactory(model=vard)
    assert offer.cost_to_individual is None


def test_the_api_gives_null_for_a_cost_not_known_and_0_for_free(vard):
    unknown = OfferFactory(model=vard)
    free = OfferFactory(model=vard, cost_to_individual=0)
    items = {item["id"]: item for item in Client().get("/api/v1/offers").json()["items"]}
    assert items[unknown.pk]["cost_to_individual"] is None
    assert items[free.pk]["cost_to_individual"] == 0
    detail = Client().get(f"/api/v1/offers/{unknown.pk}").json()
    assert detail["cost_to_individual"] is None
    schema = Client().get("/api/v1/openapi.json").json()
    described = schema["components"]["schemas"]["OfferOut"]["properties"]["cost_to_individual"]
    assert "not known" in described["description"]


def test_an_empty_cost_cell_imports_as_not_known_and_0_as_free(personas, vard):
    rows = [
        ["extern_id", "anordnare_orgnr", "modell", "kommunkod", "kostnad_för_individen"],
        ["K1", "402000-0024", vard.key, "1980", ""],
        ["K2", "402000-0024", vard.key, "1980", "0"],
        ["K3", "402000-0024", vard.key, "1980", "4500"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    report = offers_import(
        actor=personas["assessor_vasteras_komvux"],
        source=buffer.getvalue().encode(),
        filename="erbjudanden.csv",
        dry_run=False,
    )
    assert report.errors == []
    costs = dict(Offer.objects.values_list("external_id", "cost_to_individual"))
    assert costs == {"K1": None, "K2": 0, "K3": 4500}

    exported = offers_export(queryset=Offer.objects.order_by("external_id"), format="csv")
    lines = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert [line["kostnad_för_individen"] for line in lines] == ["", "0", "4500"]
