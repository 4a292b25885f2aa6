"""The value calculator: hand-computed cases, edge cases, defaults with sources, real cases as
input (suppressed when few), the page and its PDF."""

import csv
import io
import re
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from valnav.accounts.models import Organisation
from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.case_io import cases_import
from valnav.insights.models import ValueScenario
from valnav.insights.value import (
    INPUT_NAMES,
    ValueInputs,
    calculate,
    default_inputs,
    discount_factor,
    inputs_from_cases,
    load_parameters,
    months_in_year,
    payback_year,
    scenario_inputs,
    scenarios,
)
from valnav.insights.views_value import INPUT_LABELS, ValueSaveForm
from valnav.lib.disclosure import Period
from valnav.outreach.tests.factories import make_material

D = Decimal

# Case A, chosen so that every step is exact in decimals: r = 0.25 gives the discount factors
# 1/1.25 = 0.8 and 1/1.5625 = 0.64.
CASE_A = ValueInputs(
    people_validated=10,
    weeks_education_avoided=D(4),
    cost_per_study_week=D(1000),
    months_earlier=D(18),
    monthly_wage=D(20000),
    employer_contribution_rate=D("0.3"),
    income_tax_rate=D("0.3"),
    monthly_benefits_avoided=D(5000),
    cost_per_validation=D(10000),
    complementary_cost=D(20000),
    employment_probability=D("0.5"),
    discount_rate=D("0.25"),
    horizon_years=2,
    employer_surplus_rate=D("0.1"),
)

CASE_A_QUERY = {
    "people_validated": "10",
    "weeks_education_avoided": "4",
    "cost_per_study_week": "1000",
    "months_earlier": "18",
    "monthly_wage": "20000",
    "employer_contribution_rate": "0,3",  # a Swedish decimal comma
    "income_tax_rate": "0.3",
    "monthly_benefits_avoided": "5000",
    "cost_per_validation": "10000",
    "complementary_cost": "20000",
    "employment_probability": "0.5",
    "discount_rate": "0.25",
    "horizon_years": "2",
    "employer_surplus_rate": "0.1",
}


def by_key(account):
    return {part.key: part.value for part in account.parts}


def test_case_a_matches_the_hand_computation():
    result = calculate(CASE_A)
    # m_1 = 12, m_2 = 18 − 12 = 6; E = 10 × 0.5 × (12 × 0.8 + 6 × 0.64) = 5 × 13.44 = 67.2
    assert result.discounted_months == D("67.2")
    # Individual: 67.2 × 20 000 × 0.7 = 940 800; −67.2 × 5 000 = −336 000; sum 604 800
    assert by_key(result.individual) == {"net_wage": D(940800), "benefits_lost": D(-336000)}
    assert result.individual.total == D(604800)
    # Municipality: tax 67.2 × 20 000 × 0.3 = 403 200; benefits 336 000; education avoided
    # 10 × 4 × 1 000 = 40 000; validation −10 × 10 000; complementary −10 × 20 000; sum 479 200
    assert by_key(result.municipality) == {
        "income_tax": D(403200),
        "benefits_avoided": D(336000),
        "education_avoided": D(40000),
        "validation_cost": D(-100000),
        "complementary_cost": D(-200000),
    }
    assert result.municipality.total == D(479200)
    # State: 67.2 × 20 000 × 0.3 = 403 200
    assert result.state.total == D(403200)
    # Employers: 67.2 × 20 000 × 1.3 × 0.1 = 174 720
    assert result.employers.total == D(174720)
    # Total: 604 800 + 479 200 + 403 200 + 174 720 = 1 661 920, which is also
    # 67.2 × 20 000 × 1.3 × 1.1 − (300 000 − 40 000) = 1 921 920 − 260 000
    assert result.total == D(1661920)
    # Year 0: −260 000; year 1: 10 × 0.5 × 12 × 0.8 × 28 600 = 1 372 800 → paid back in year 1
    assert result.yearly_net == (D(-260000), D(1372800), D(549120))
    assert result.payback_year == 1


def test_every_part_carries_its_formula():
    result = calculate(CASE_A)
    formulas = {part.key: part.formula for account in result.accounts() for part in account.parts}
    assert formulas["net_wage"] == "E × W × (1 − τ)"
    assert formulas["employer_surplus"] == "E × W × (1 + a) × s"
    assert all(formulas.values())


PAYBACK = ValueInputs(
    people_validated=1,
    weeks_education_avoided=D(0),
    cost_per_study_week=D(0),
    months_earlier=D(30),
    monthly_wage=D(10000),
    employer_contribution_rate=D(0),
    income_tax_rate=D(0),
    monthly_benefits_avoided=D(0),
    cost_per_validation=D(250000),
    complementary_cost=D(0),
    employment_probability=D(1),
    discount_rate=D(0),
    horizon_years=3,
    employer_surplus_rate=D(0),
)


def test_payback_comes_in_the_year_the_cumulative_value_turns():
    # No discounting. Months per year 12, 12, 6 at 10 000 kr: cumulative −250 000, −130 000,
    # −10 000, +50 000 → year 3.
    result = calculate(PAYBACK)
    assert result.yearly_net == (D(-250000), D(120000), D(120000), D(60000))
    assert result.payback_year == 3
    assert result.total == D(50000)
    # Two years are not enough: −10 000 at the end.
    short = calculate(replace(PAYBACK, horizon_years=2))
    assert short.payback_year is None
    assert short.total == D(-10000)


def test_zero_people_gives_zero_everywhere_and_no_payback():
    result = calculate(replace(CASE_A, people_validated=0))
    assert result.total == 0
    assert all(part.value == 0 for account in result.accounts() for part in account.parts)
    assert result.payback_year is None


def test_zero_discount_rate_counts_months_at_face_value():
    # E = 10 × 0.5 × (12 + 6) = 90; state = 90 × 20 000 × 0.3 = 540 000
    result = calculate(replace(CASE_A, discount_rate=D(0)))
    assert result.discounted_months == D(90)
    assert result.state.total == D(540000)


def test_horizon_of_one_year_cuts_the_head_start_at_twelve_months():
    # E = 10 × 0.5 × 12 × 0.8 = 48; individual = 48 × (20 000 × 0.7 − 5 000) = 432 000
    result = calculate(replace(CASE_A, horizon_years=1))
    assert result.discounted_months == D(48)
    assert result.individual.total == D(432000)
    assert len(result.yearly_net) == 2


def test_helpers():
    assert [months_in_year(D(18), year) for year in (1, 2, 3)] == [D(12), D(6), D(0)]
    assert discount_factor(D("0.25"), 2) == D("0.64")
    assert payback_year([D(0)]) == 0
    assert payback_year([D(-1), D(-1)]) is None


def test_scenarios_scale_probability_months_and_wage():
    results = scenarios(CASE_A)
    assert results["base"] == calculate(CASE_A)
    low = scenario_inputs(CASE_A, "low")
    assert (low.employment_probability, low.months_earlier, low.monthly_wage) == (
        D("0.375"),
        D(9),
        D(18000),
    )
    high = scenario_inputs(CASE_A, "high")
    assert (high.employment_probability, high.months_earlier, high.monthly_wage) == (
        D("0.625"),
        D(27),
        D(22000),
    )
    assert results["low"].total < results["base"].total < results["high"].total
    # The probability is a share: scaled up, it stops at one.
    certain = scenario_inputs(replace(CASE_A, employment_probability=D("0.9")), "high")
    assert certain.employment_probability == 1


def test_defaults_carry_value_unit_source_date_and_note():
    parameters = load_parameters()
    assert list(parameters) == list(INPUT_NAMES)
    for parameter in parameters.values():
        assert all((parameter.unit, parameter.source, parameter.note, parameter.region))
        assert isinstance(parameter.date, date)
        if parameter.assumption:
            assert parameter.note.startswith("Antagande"), parameter.key
    contribution = parameters["employer_contribution_rate"]
    assert contribution.value == D("0.3142")
    assert "Skatteverket" in contribution.source
    assert not contribution.assumption
    assert parameters["employment_probability"].value == D("0.48")
    assert default_inputs().horizon_years == 5


# Real cases as input -----------------------------------------------------------------------

HEADER = [
    "ärendenummer",
    "kommunkod",
    "modell",
    "första_kontakt",
    "steg",
    "beslut",
    "beslutsdatum",
    "avslutad",
]


def import_cases(organisation, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {"kommunkod": "1980", "modell": "value-a", "första_kontakt": "2025-01-10", **row}
        )
    report = cases_import(
        actor=None,
        organisation=organisation,
        source=buffer.getvalue().encode(),
        filename="value.csv",
        dry_run=False,
    )
    assert report.ok, report.errors


@pytest.fixture
def models(personas):
    return ValidationModelFactory(key="value-a"), ValidationModelFactory(key="value-b")


@pytest.fixture
def decided_cases(models):
    komvux = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    closed = {"steg": "avslutat", "beslutsdatum": "2025-08-01", "avslutad": "2025-09-01"}
    import_cases(
        komvux,
        [
            *({"ärendenummer": f"V-FULL-{n}", "beslut": "full", **closed} for n in range(4)),
            {"ärendenummer": "V-PART", "beslut": "delvis", **closed},
            {"ärendenummer": "V-LATE", "beslut": "full", "första_kontakt": "2025-06-01", **closed},
            {"ärendenummer": "V-NOT", "beslut": "ej uppfyllt", **closed},
            {"ärendenummer": "V-OPEN", "steg": "bedömning"},
            {"ärendenummer": "V-B", "beslut": "full", "modell": "value-b", **closed},
            {"ärendenummer": "V-UPP", "beslut": "full", "kommunkod": "0380", **closed},
        ],
    )


@pytest.mark.django_db
def test_people_validated_counts_full_and_partial_decisions_in_the_selection(models, decided_cases):
    # Full or partial: 4 + 1 + late 1 + model b 1 + Uppsala 1 = 8; not met and open do not count.
    everything = inputs_from_cases()
    assert (everything.validated, everything.shown) == (8, 8)
    assert everything.inputs.people_validated == 8
    assert everything.inputs.monthly_wage == default_inputs().monthly_wage
    västerås = inputs_from_cases(municipality_code="1980", model_id=models[0].pk)
    assert västerås.validated == 6
    year = inputs_from_cases(municipality_code="1980", model_id=models[0].pk, period=Period(2025))
    assert year.validated == 6
    assert year.inputs.people_validated == 6
    assert inputs_from_cases(municipality_code="1980", period=Period(2024)).validated == 0


@pytest.mark.django_db
def test_few_people_are_shown_suppressed_and_not_used(models, decided_cases):
    uppsala = inputs_from_cases(municipality_code="0380")
    assert (uppsala.validated, uppsala.shown, uppsala.used) == (1, "<5", False)
    # The results scale with the count, so a suppressed count keeps the default in its place.
    assert uppsala.inputs == default_inputs()
    nobody = inputs_from_cases(municipality_code="1880")
    assert (nobody.shown, nobody.inputs.people_validated) == (0, 0)


@pytest.mark.django_db
def test_a_model_count_that_would_give_another_away_is_held_back(models, decided_cases):
    # All models 8 less model a's 7 would give model b's one away.
    everything = inputs_from_cases()
    model_a = inputs_from_cases(model_id=models[0].pk)
    model_b = inputs_from_cases(model_id=models[1].pk)
    assert (everything.shown, model_b.shown, model_a.shown) == (8, "<5", "..")
    assert not model_a.used
    assert model_a.inputs == default_inputs()


# The page and the PDF ------------------------------------------------------------------------


def kronor(text: str) -> str:
    """Digits and signs only: thousands separators vary between locales and pdftotext."""
    return re.sub(r"[\s\u00a0\u202f]", "", text)


@pytest.mark.django_db
def test_the_page_shows_defaults_with_sources_and_results(client, personas):
    client.force_login(personas["rua_vastmanland"])
    page = client.get(reverse("insights:value"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Skatteverket" in html
    assert "Antagande" in html
    assert page.context["results"] is not None
    assert len(page.context["rows"]) == 4
    assert page.context["totals"] == [
        result.total for result in scenarios(default_inputs()).values()
    ]


@pytest.mark.django_db
def test_the_page_calculates_what_was_entered(client, personas):
    client.force_login(personas["project_manager"])
    page = client.get(reverse("insights:value"), CASE_A_QUERY)
    assert page.status_code == 200
    assert page.context["totals"][1] == D(1661920)
    assert "1661920" in kronor(page.content.decode())


@pytest.mark.django_db
def test_errors_are_named_per_field(client, personas):
    client.force_login(personas["rua_vastmanland"])
    query = {**CASE_A_QUERY, "discount_rate": "3.5", "horizon_years": "", "period": "2025-02"}
    page = client.get(reverse("insights:value"), query)
    assert page.status_code == 200
    assert page.context["results"] is None
    errors = page.context["errors"]
    assert any(error.startswith(f"{INPUT_LABELS['discount_rate']}: ") for error in errors)
    assert any(error.startswith(f"{INPUT_LABELS['horizon_years']}: ") for error in errors)
    assert set(page.context["form"].errors) == {"discount_rate", "horizon_years"}
    assert set(page.context["selection_form"].errors) == {"period"}


@pytest.mark.django_db
def test_the_casework_button_fills_in_people_validated(client, personas, models, decided_cases):
    client.force_login(personas["rua_vastmanland"])
    query = {**CASE_A_QUERY, "from_cases": "1", "municipality": "1980", "model": models[0].pk}
    page = client.get(reverse("insights:value"), query)
    assert page.context["selection"].shown == 6
    assert page.context["form"]["people_validated"].value() == "6"
    # Six people instead of ten: everything but the rates scales with N.
    assert page.context["totals"][1] == D(1661920) * 6 / 10
    few = client.get(reverse("insights:value"), {**query, "municipality": "0380", "model": ""})
    assert few.context["selection"].shown == "<5"
    assert few.context["form"]["people_validated"].value() == "10"
    assert "&lt;5" in few.content.decode()


@pytest.mark.django_db
def test_the_pdf_holds_the_totals(client, personas):
    client.force_login(personas["admin"])
    answer = client.get(reverse("insights:value-pdf"), CASE_A_QUERY)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607  (poppler-utils, a test dependency)
        input=answer.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    results = scenarios(CASE_A)
    for result in results.values():
        assert f"{result.total:.0f}" in kronor(text)
    assert "1661920" in kronor(text)


@pytest.mark.django_db
def test_the_pdf_of_invalid_inputs_is_the_page_with_its_errors(client, personas):
    client.force_login(personas["admin"])
    answer = client.get(reverse("insights:value-pdf"), {**CASE_A_QUERY, "discount_rate": "-1"})
    assert answer.status_code == 400
    assert answer.context["errors"]


@pytest.mark.django_db
def test_a_calculation_is_saved_under_a_name_and_reopened(client, personas):
    client.force_login(personas["rua_vastmanland"])
    query = urlencode(CASE_A_QUERY)
    answer = client.post(
        reverse("insights:value-save"), {"name": "Undersköterskor", "query": query}
    )
    assert answer.status_code == 302
    scenario = ValueScenario.objects.get(name="Undersköterskor")
    assert scenario.created_by == personas["rua_vastmanland"]
    assert scenario.total_base == D(1661920)
    assert scenario.people_validated == CASE_A.people_validated
    reopened = client.get(answer["Location"])
    assert reopened.context["totals"][1] == D(1661920)
    assert "Undersköterskor" in reopened.content.decode()

    # Saving again under the same name replaces it; another strategist does not see it.
    client.post(
        reverse("insights:value-save"),
        {"name": "Undersköterskor", "query": urlencode({**CASE_A_QUERY, "people_validated": 0})},
        follow=True,
    )
    assert ValueScenario.objects.get(name="Undersköterskor").total_base == 0
    client.force_login(personas["project_manager"])
    assert "Undersköterskor" not in client.get(reverse("insights:value")).content.decode()


@pytest.mark.django_db
def test_saving_without_a_name_or_with_bad_inputs_names_the_problem(client, personas):
    client.force_login(personas["rua_vastmanland"])
    nameless = client.post(
        reverse("insights:value-save"), {"name": "", "query": urlencode(CASE_A_QUERY)}
    )
    assert nameless.status_code == 400
    name_label = str(ValueSaveForm.base_fields["name"].label)
    assert any(error.startswith(f"{name_label}: ") for error in nameless.context["errors"])
    broken = client.post(
        reverse("insights:value-save"),
        {"name": "Trasig", "query": urlencode({**CASE_A_QUERY, "discount_rate": "abc"})},
    )
    assert broken.status_code == 400
    label = str(INPUT_LABELS["discount_rate"])
    assert any(error.startswith(f"{label}: ") for error in broken.context["errors"])
    assert not ValueScenario.objects.exists()


@pytest.mark.django_db
def test_a_saved_calculation_is_shown_on_the_success_story_it_illustrates(client, personas):
    story = make_material(personas, kind="success_story", title="Amal blev undersköterska")
    client.force_login(personas["rua_vastmanland"])
    client.post(
        reverse("insights:value-save"),
        {"name": "Vård i Västmanland", "query": urlencode(CASE_A_QUERY), "story": story.pk},
    )
    assert ValueScenario.objects.get().story == story
    client.logout()
    page = client.get(reverse("outreach:material-detail", args=[story.slug]))
    assert "Vård i Västmanland" in page.content.decode()
    assert "1661920" in kronor(page.content.decode())


@pytest.mark.django_db
def test_only_a_published_story_of_ones_own_organisation_can_be_linked(client, personas):
    draft = make_material(
        personas, publish=False, kind="success_story", title="Utkast till berättelse"
    )
    client.force_login(personas["rua_vastmanland"])
    page = client.get(reverse("insights:value"), CASE_A_QUERY).content.decode()
    assert "Utkast till berättelse" not in page  # not offered
    answer = client.post(
        reverse("insights:value-save"),
        {"name": "Otillåten", "query": urlencode(CASE_A_QUERY), "story": draft.pk},
    )
    assert answer.status_code == 400
    assert not ValueScenario.objects.exists()
