"""The value calculator's defaults say which are assumptions and cite what they rest on."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from valnav.insights.value import load_parameters


def test_borrowed_or_suggestive_figures_are_labelled_as_assumptions():
    parameters = load_parameters()
    employment = parameters["employment_probability"]
    assert employment.assumption
    assert employment.note.startswith("Antagande")
    assert parameters["horizon_years"].assumption
    # The horizon has its own reasoning; the establishment-time study is about something else.
    assert "Svenskt Näringsliv" not in parameters["horizon_years"].source


def test_tax_and_discount_rate_cite_scb_and_asek():
    parameters = load_parameters()
    tax = parameters["income_tax_rate"]
    assert tax.value == Decimal("0.3238")
    assert "SCB" in tax.source
    assert "2026" in tax.source
    discount = parameters["discount_rate"]
    assert discount.value == Decimal("0.035")
    assert "ASEK" in discount.source


def test_every_default_has_its_texts_in_english_too():
    swedish = load_parameters()
    english = load_parameters(language="en")
    for key, parameter in english.items():
        assert parameter.value == swedish[key].value
        assert parameter.note.startswith("Assumption:") == swedish[key].assumption, key
        assert "Antagande" not in parameter.note + parameter.source, key
        assert parameter.region == "Sweden"


@pytest.mark.django_db
def test_the_english_calculator_shows_its_assumptions_in_english(client, personas):
    client.force_login(personas["rua_vastmanland"])
    with translation.override("en"):
        page = client.get(reverse("insights:value")).text
    assert "Assumption: no Swedish evidence was found." in page
    assert "Antagande" not in page
    swedish = client.get(reverse("insights:value")).text
    assert "Antagande: inget svenskt underlag hittades." in swedish
