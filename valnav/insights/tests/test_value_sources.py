"""The value calculator's defaults say which are assumptions and cite what they rest on."""

from decimal import Decimal

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
