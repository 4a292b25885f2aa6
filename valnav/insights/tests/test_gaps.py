import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from tests.url_access import PERSONA_KEYS
from tests.url_access.insights_gaps import EXPECTED
from valnav.accounts.models import Organisation
from valnav.api.services import api_token_create
from valnav.atlas.tests.factories import OfferFactory, ValidationModelFactory
from valnav.casework.models import Individual, ValidationCase
from valnav.casework.states import CaseState
from valnav.insights.demand import demand_import, shortage_rule_update
from valnav.insights.gaps import distance_factor, gap_analysis, gap_bin, gap_index
from valnav.insights.models import DemandObservation, Outlook, RecruitmentSituation
from valnav.lib.geo import haversine_km
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

NURSE = "5321"  # undersköterskor: shortage, demand growing, no offers unless a test adds one
ELECTRICIAN = "7411"  # elektriker: shortage, offered in Västerås
LAWYER = "2611"  # advokater: surplus, so no gap whatever the supply
FIXTURE = Path(__file__).parent / "fixtures" / "yrkesbarometer.json"


@pytest.fixture(autouse=True)
def _no_throttle():
    cache.clear()  # the API's rate limits count in the cache


def _observe(
    county: str | None,
    code: str,
    situation: str,
    outlook: str = Outlook.UNCHANGED,
    round: str = "2026-1",
) -> DemandObservation:
    return DemandObservation.objects.create(
        round=round,
        county=County.objects.get(code=county) if county else None,
        occupation=Occupation.objects.get(code=code),
        recruitment_situation=situation,
        outlook_5y=outlook,
        imported_at=timezone.now(),
    )


@pytest.fixture
def demand(reference_data):
    _observe("19", NURSE, "brist", Outlook.INCREASING)
    _observe("19", ELECTRICIAN, "brist")
    _observe("19", LAWYER, "överskott")
    _observe("18", NURSE, "brist")
    OfferFactory(
        model__ssyk=[ELECTRICIAN],
        municipality=Municipality.objects.get(code="1980"),
        capacity_per_year=20,
        lead_time_weeks=6,
    )


def _row(analysis, code, *, county=None, municipality=None):
    for row in analysis.rows:
        if row.occupation_code != code:
            continue
        if municipality is not None and row.municipality_code == municipality:
            return row
        if county is not None and row.level == "county" and row.county_code == county:
            return row
    raise LookupError((code, county, municipality))


def _cases(count: int, *, code: str, municipality: str = "1980") -> None:
    organisation = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    place = Municipality.objects.get(code=municipality)
    occupation = Occupation.objects.get(code=code)
    for _number in range(count):
        person = Individual.objects.create(organisation=organisation, municipality=place)
        ValidationCase.objects.create(
            individual=person,
            organisation=organisation,
            municipality=place,
            occupation=occupation,
            first_contact=date(2026, 1, 15),
            komvux_course="Vård och omsorg",
            state=CaseState.ASSESSMENT,
        )


def test_formula_parts():
    assert distance_factor(0) == 1
    assert distance_factor(50) == 1.5
    assert distance_factor(500) == 3
    assert distance_factor(None) == 3
    assert gap_index(1.5, 0, None) == 4.5
    assert gap_index(1.0, 1, 0) == 0.5
    assert gap_index(0.0, 0, None) == 0
    assert gap_index(None, 0, None) is None  # no assessment: no gap


def test_ranking_puts_high_shortage_without_offers_first(demand):
    analysis = gap_analysis(county_code="19")
    county_rows = analysis.county_rows("19")
    assert [row.occupation_code for row in county_rows] == [NURSE, ELECTRICIAN, LAWYER]
    nurse = county_rows[0]
    assert nurse.supply.offers == 0
    assert nurse.supply.nearest_offer_km is None
    assert nurse.gap_index == pytest.approx(1.5 * 1 * 3)
    assert county_rows[-1].gap_index == 0  # a surplus is no gap
    # Every municipality of the county takes the county's demand.
    vasteras = _row(analysis, NURSE, municipality="1980")
    assert vasteras.demand.situation == "brist"
    assert vasteras.demand.shortage
    assert analysis.largest_by_municipality()["1983"].occupation_code == NURSE
    # Other counties are left out when one is asked for.
    assert {row.county_code for row in analysis.rows} == {"19"}


def test_an_offer_in_the_municipality_lowers_the_gap(demand):
    before = _row(gap_analysis(county_code="19"), NURSE, municipality="1983")
    OfferFactory(
        model__ssyk=[NURSE],
        municipality=Municipality.objects.get(code="1983"),
        capacity_per_year=12,
        lead_time_weeks=4,
    )
    analysis = gap_analysis(county_code="19")
    after = _row(analysis, NURSE, municipality="1983")
    assert after.supply.offers == 1
    assert after.supply.capacity_per_year == 12
    assert after.supply.median_lead_time_weeks == 4
    assert after.supply.nearest_offer_km == 0
    assert after.gap_index == pytest.approx(1.5 * 0.5 * 1)
    assert after.gap_index < before.gap_index
    # The neighbours gain too: the offer is now within reach.
    assert _row(analysis, NURSE, municipality="1980").gap_index < before.gap_index
    assert _row(analysis, NURSE, county="19").supply.offers == 1


def test_supply_covers_only_published_offers_of_models_for_the_occupation(demand):
    OfferFactory(model__ssyk=[NURSE], status="draft")
    OfferFactory(model__ssyk=[LAWYER], capacity_per_year=5)
    OfferFactory(model__ssyk=[ELECTRICIAN], capacity_per_year=10, lead_time_weeks=10)
    analysis = gap_analysis(county_code="19")
    electrician = _row(analysis, ELECTRICIAN, municipality="1980")
    assert electrician.supply.offers == 2
    assert electrician.supply.capacity_per_year == 30
    assert electrician.supply.median_lead_time_weeks == 8
    assert _row(analysis, NURSE, municipality="1980").supply.offers == 0


def test_distance_runs_to_the_nearest_offer_anywhere_in_the_region(demand):
    model = ValidationModelFactory(ssyk=[NURSE])
    orebro = Municipality.objects.get(code="1880")
    uppsala = Municipality.objects.get(code="0380")
    OfferFactory(model=model, municipality=orebro)
    OfferFactory(model=model, municipality=uppsala)
    analysis = gap_analysis(county_code="19")
    kungsor = Municipality.objects.get(code="1984")
    expected = min(
        haversine_km(kungsor.centroid_lat, kungsor.centroid_lon, m.centroid_lat, m.centroid_lon)
        for m in (orebro, uppsala)
    )
    row = _row(analysis, NURSE, municipality="1984")
    assert row.supply.nearest_offer_km == pytest.approx(expected, abs=0.1)
    assert row.supply.offers == 0
    assert row.distance_factor == pytest.approx(distance_factor(row.supply.nearest_offer_km))
    # An offer in the municipality itself is at distance 0.
    assert _row(analysis, ELECTRICIAN, municipality="1980").supply.nearest_offer_km == 0


def test_shortage_follows_the_active_rule_and_latest_round(demand):
    _observe("19", NURSE, "överskott", round="2025-2")
    _observe("19", LAWYER, "brist", round="2025-2")
    _observe("19", "5120", "paradox")
    analysis = gap_analysis(county_code="19", occupation_code=NURSE)
    assert analysis.round == "2026-1"
    assert {row.occupation_code for row in analysis.rows} == {NURSE}
    row = _row(analysis, NURSE, county="19")
    assert row.demand.situation == "brist"
    assert row.demand.shortage
    assert not _row(gap_analysis(county_code="19"), LAWYER, county="19").demand.shortage
    cook = _row(gap_analysis(county_code="19"), "5120", county="19")
    assert (cook.demand.situation, cook.demand.shortage, cook.gap_index) == ("paradox", False, 0)
    # The strategist counts paradox as shortage too.
    shortage_rule_update(
        situations=["brist", "paradox"], national_fallback=True, description="Med paradox."
    )
    cook = _row(gap_analysis(county_code="19"), "5120", county="19")
    assert cook.demand.shortage
    assert cook.gap_index == pytest.approx(1 * 1 * 3)


def test_no_gap_is_built_on_a_missing_assessment(demand):
    _observe("19", "7131", "")  # målare: no assessment in the county
    _observe(None, "7131", "brist")  # the whole country's: shortage
    _observe("19", "8332", "")  # lastbilsförare: no assessment anywhere
    _observe(None, "8332", "")
    analysis = gap_analysis(county_code="19")
    painter = _row(analysis, "7131", county="19")
    assert painter.demand.from_country
    assert painter.demand.shortage
    assert painter.gap_index == pytest.approx(3)
    driver = _row(analysis, "8332", county="19")
    assert not driver.demand.assessed
    assert not driver.demand.shortage
    assert driver.gap_index is None
    assert driver.shortage_strength is None
    assert _row(analysis, "8332", municipality="1980").gap_index is None
    # Without the fallback the county's own (missing) assessment stands: no gap either.
    shortage_rule_update(situations=["brist"], national_fallback=False, description="")
    painter = _row(gap_analysis(county_code="19"), "7131", county="19")
    assert (painter.demand.from_country, painter.gap_index) == (False, None)


def test_the_page_for_vastmanland_lists_the_published_shortages(personas):
    report = demand_import(source=FIXTURE.read_bytes(), filename=FIXTURE.name, dry_run=False)
    assert report.errors == []
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    response = client.get(reverse("insights:gaps"), {"county": "19"})
    assert response.status_code == 200
    top = response.context["top"]
    shortages = response.context["shortages"]
    assert [row.occupation_code for row in shortages] == ["5321", "5323", "7131", "7411"]
    assert [row.occupation_code for row in top if row.demand.shortage] == [
        "5321",
        "5323",
        "7131",
        "7411",
    ]  # growing first (prognos öka), then by code
    assert [row.occupation_code for row in response.context["unassessed"]] == ["8332"]
    body = response.content.decode()
    for row in shortages:
        assert f"{row.occupation_code} {row.occupation_name}" in body
        assert escape(row.demand.text) in body  # Arbetsförmedlingen's words
    with translation.override("sv"):
        shortage_words = str(RecruitmentSituation.SHORTAGE.label)
        paradox_words = str(RecruitmentSituation.PARADOX.label)
    assert body.count(shortage_words) >= 4
    assert paradox_words in body
    assert "Arbetsgivarna efterfrågar yrkeserfarenhet" in body  # the paradox, in words
    driver = next(row for row in top if row.occupation_code == "8332")
    assert driver.gap_index is None
    painter = next(row for row in top if row.occupation_code == "7131")
    assert painter.demand.from_country
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("insights:gaps-csv"), {"county": "19"}).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    by_code = {(r["kommunkod"], r["ssyk"]): r for r in csv_rows}
    assert by_code[("", "5120")]["rekryteringssituation"] == "paradox"
    assert by_code[("", "8332")]["rekryteringssituation"] == "ingen bedömning"
    assert by_code[("", "8332")]["gapindex"] == ""
    assert by_code[("", "7131")]["bedomning_for"] == "riket"


def test_municipality_filter_gives_that_municipality_only(demand):
    analysis = gap_analysis(municipality_code="1983")
    assert {row.municipality_code for row in analysis.rows} == {"1983"}
    assert gap_analysis(municipality_code="9999").rows == []


def test_query_count_does_not_grow_with_data(personas, demand):
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            gap_analysis()
        return len(context.captured_queries)

    small = count()
    for code in ("5120", "2611", "7411"):
        for county in ("03", "04", "05"):
            _observe(county, code, "brist")
    for municipality in ("0380", "1880", "0580", "1983"):
        OfferFactory(
            model__ssyk=[NURSE, "5120"], municipality=Municipality.objects.get(code=municipality)
        )
    _cases(6, code=NURSE)
    _cases(2, code="5120", municipality="1983")
    assert count() == small


def test_cases_are_counted_and_suppressed_everywhere(personas, demand):
    _cases(3, code=NURSE, municipality="1983")
    _cases(7, code=NURSE, municipality="1980")
    analysis = gap_analysis(county_code="19")
    assert _row(analysis, NURSE, municipality="1983").supply.cases == "<5"
    # The county's 10 less Västerås's 7 would give Köping's 3: Västerås's is held back.
    assert _row(analysis, NURSE, municipality="1980").supply.cases == ".."
    assert _row(analysis, NURSE, county="19").supply.cases == 10
    assert _row(analysis, NURSE, municipality="1984").supply.cases == 0

    client = Client()
    client.force_login(personas["rua_vastmanland"])
    page = client.get(reverse("insights:gaps"), {"county": "19"}).content.decode()
    assert "&lt;5" in page
    assert '<td class="num people">..</td>' in page
    assert '<td class="num people">10</td>' in page
    for small in range(1, 5):
        assert f'<td class="num people">{small}</td>' not in page

    response = client.get(reverse("insights:gaps-csv"), {"county": "19"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cases = {row["arenden"] for row in rows}
    assert "<5" in cases
    assert not cases & {"1", "2", "3", "4"}

    body = client.get("/api/v1/insights/gaps", {"county": "19"}).json()
    values = {item["supply"]["cases"] for item in body["items"]}
    assert "<5" in values
    assert not values & {1, 2, 3, 4}


def test_page_shows_ranking_formula_map_and_table(personas, demand, django_assert_max_num_queries):
    client = Client()
    client.force_login(personas["project_manager"])
    with django_assert_max_num_queries(21):  # 21: the suppressed cases' own cache token
        response = client.get(reverse("insights:gaps"), {"county": "19"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(NURSE) < body.index(ELECTRICIAN)
    assert "<caption>" in body
    assert "1 / (1 + " in body  # the formula is on the page
    assert 'data-choropleth data-source="gap-map-data"' in body
    assert "<script>" not in body  # data in json_script only, no inline script
    map_data = json.loads(json.dumps(response.context["map_data"]))
    assert len(map_data["locations"]) == Municipality.objects.filter(county__code="19").count()
    # The largest gap (4,5) is in the top bin of the legend, which counts it.
    top = max(map_data["z"])
    assert top == gap_bin(4.5) == len(map_data["categories"]) - 1
    assert map_data["categories"][top]["label"] == "över 3"
    assert map_data["categories"][top]["count"] >= 1


def test_map_tells_no_assessment_apart_from_no_gap(personas, reference_data):
    """Without demand data no gap can be built: the map shows every municipality as "no
    assessment", not as zero, and the table says so."""
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    response = client.get(reverse("insights:gaps"), {"county": "19"})
    map_data = response.context["map_data"]
    labels = [category["label"] for category in map_data["categories"]]
    assert labels == [
        "Ingen bedömning",
        "0, inget gap",
        "över 0 till och med 1",
        "över 1 till och med 2",
        "över 2 till och med 3",
        "över 3",
    ]
    assert set(map_data["z"]) == {0}
    assert map_data["categories"][0]["count"] == len(map_data["locations"])
    assert map_data["categories"][0]["fill"] != map_data["categories"][1]["fill"]
    body = response.content.decode()
    assert body.count('<td class="num">Ingen bedömning, inget gap</td>') == len(
        map_data["locations"]
    )


@pytest.mark.parametrize(
    ("value", "category"), [(0.0, 1), (0.25, 2), (1.0, 2), (1.01, 3), (3.0, 4), (4.5, 5)]
)
def test_gap_bins_include_their_upper_bound(value, category):
    assert gap_bin(value) == category


def test_page_defaults_to_the_users_county(personas, demand):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    response = client.get(reverse("insights:gaps"))
    assert response.status_code == 200
    assert response.context["county"].code == "19"


def test_page_refuses_others(personas):
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(reverse("insights:gaps")).status_code == 403
    assert client.get(reverse("insights:gaps-csv")).status_code == 403
    assert Client().get(reverse("insights:gaps")).status_code == 302


def test_api_answers_readers_with_session_or_token(personas, demand):
    url = reverse("api-v1:insights-gaps")
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    body = client.get(url, {"municipality": "1983", "occupation": NURSE}).json()
    assert body["round"] == "2026-1"
    assert body["count"] == 1
    item = body["items"][0]
    assert item["occupation"] == NURSE
    assert item["municipality_code"] == "1983"
    assert item["county_code"] is None
    assert item["demand"] == {
        "round": "2026-1",
        "recruitment_situation": "brist",
        "paradox": [],
        "outlook": "öka",
        "from_country": False,
        "shortage": True,
    }
    assert item["supply"]["offers"] == 0
    assert item["supply"]["cases"] == 0
    assert item["gap_index"] == pytest.approx(
        item["shortage_strength"] * item["supply_factor"] * item["distance_factor"], abs=0.01
    )
    counties = client.get(url, {"county": "19"}).json()["items"]
    assert counties[0]["occupation"] == NURSE
    assert any(i["county_code"] == "19" and i["municipality_code"] is None for i in counties)

    secret = api_token_create(actor=personas["admin"], name="gaps").secret
    token_client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert token_client.get(url, {"county": "19"}).status_code == 200


def test_api_refuses_anonymous_and_others(personas, demand):
    url = reverse("api-v1:insights-gaps")
    assert Client().get(url).status_code == 401
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(url).status_code == 403
    secret = api_token_create(actor=personas["assessor_vasteras_komvux"], name="gaps").secret
    token_client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert token_client.get(url).status_code == 403
    assert Client().get(url, {"county": "1"}).status_code in {401, 422}


@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_each_persona_gets_the_documented_answer(persona, personas):
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    for name, answers in EXPECTED.items():
        cache.clear()
        assert client.get(reverse(name)).status_code == answers[persona], name
