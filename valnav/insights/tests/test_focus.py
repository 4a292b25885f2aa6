import re
from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from valnav.accounts.models import Organisation
from valnav.api.services import api_token_create
from valnav.atlas.models import ValidationModel
from valnav.atlas.tests.factories import EducationFactory, OfferFactory
from valnav.casework.models import Individual, ValidationCase
from valnav.insights.demand import shortage_rule_update
from valnav.insights.focus import (
    CRITERION_KEYS,
    DEFAULT_WEIGHTS,
    focus_compare,
    focus_scenario_save,
    focus_scores,
)
from valnav.insights.models import DemandObservation, FocusScenario
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

ONLY_SHORTAGE = dict.fromkeys(CRITERION_KEYS, 0) | {"shortage": 5}
ONLY_S3 = dict.fromkeys(CRITERION_KEYS, 0) | {"s3": 5}


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


@pytest.fixture
def demand(reference_data):
    """In Västmanland: every construction occupation of BYN's model in shortage, the welders
    (industry) in balance and a painter without an assessment (counted in neither)."""
    county = County.objects.get(code="19")
    now = timezone.now()

    def observe(code: str, situation: str, round: str = "2026-1") -> None:
        DemandObservation.objects.create(
            round=round,
            county=county,
            occupation=Occupation.objects.get(code=code),
            recruitment_situation=situation,
            imported_at=now,
        )

    for code in ("7111", "7112", "7113"):
        observe(code, "brist")
    observe("7212", "balans")
    observe("7131", "")  # no assessment
    observe("7212", "brist", round="2025-2")  # an older round is not counted


def _cases(personas, model_key, *, women=0, men=0, unrecorded=0):
    organisation = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    municipality = Municipality.objects.get(code="1980")
    model = ValidationModel.objects.get(key=model_key)
    for gender in ["woman"] * women + ["man"] * men + [""] * unrecorded:
        person = Individual.objects.create(
            organisation=organisation, municipality=municipality, gender=gender
        )
        ValidationCase.objects.create(
            individual=person,
            organisation=organisation,
            municipality=municipality,
            first_contact=date(2025, 3, 1),
            model=model,
        )


def _row(ranking, key):
    return next(row for row in ranking.rows if row.branch.key == key)


def _part(row, key):
    return next(part for part in row.parts if part.key == key)


def test_shortage_part_is_the_share_of_the_branch_occupations_in_shortage(demand):
    ranking = focus_scores(county_code="19", weights=ONLY_SHORTAGE)
    assert ranking.rounds == ("2026-1",)
    bygg = _part(_row(ranking, "bygg"), "shortage")
    assert bygg.value == 1.0
    assert bygg.detail == "3/3"
    industri = _part(_row(ranking, "industri"), "shortage")
    assert industri.value == 0.0
    # A branch without observed occupations has no data, which adds nothing.
    assert _part(_row(ranking, "handel"), "shortage").value is None
    assert ranking.rows[0].branch.key == "bygg"


def test_paradox_counts_for_the_shortage_part_only_when_the_rule_says_so(demand):
    DemandObservation.objects.filter(occupation__code="7212", round="2026-1").update(
        recruitment_situation="paradox"
    )
    industri = _part(_row(focus_scores(county_code="19"), "industri"), "shortage")
    assert industri.value == 0.0
    shortage_rule_update(situations=["brist", "paradox"], national_fallback=True, description="")
    industri = _part(_row(focus_scores(county_code="19"), "industri"), "shortage")
    assert industri.value == 1.0


def test_s3_part_is_one_for_the_region_own_areas_and_a_half_for_the_wider_ones(reference_data):
    ranking = focus_scores(county_code="19", weights=ONLY_S3)
    assert _part(_row(ranking, "industri"), "s3").value == 1.0  # Automation
    assert _part(_row(ranking, "fordon-transport"), "s3").value == 1.0  # Järnväg
    assert _part(_row(ranking, "naturbruk"), "s3").value == 0.5  # ÖMS: livsmedel
    assert _part(_row(ranking, "bygg"), "s3").value == 0.0
    oms = focus_scores(weights=ONLY_S3)
    assert _part(_row(oms, "fordon-transport"), "s3").value == 0.5  # only counties' areas
    assert _part(_row(oms, "industri"), "s3").value == 1.0


def test_raising_a_weight_moves_the_branches_strong_on_it_up(demand):
    def position(weights, key):
        ranking = focus_scores(county_code="19", weights=weights)
        return [row.branch.key for row in ranking.rows].index(key)

    shortage_first = dict(DEFAULT_WEIGHTS, shortage=5, s3=0)
    s3_first = dict(DEFAULT_WEIGHTS, shortage=0, s3=5)
    assert position(shortage_first, "bygg") < position(shortage_first, "industri")
    assert position(s3_first, "industri") < position(s3_first, "bygg")
    assert position(s3_first, "bygg") > position(shortage_first, "bygg")


def test_the_parts_add_up_to_the_total_and_ties_share_a_rank(demand, personas):
    EducationFactory(closes=[ValidationModel.objects.get(key="byn-bygg")])
    OfferFactory(model=ValidationModel.objects.get(key="svets"))
    _cases(personas, "ecy-el", women=6, men=6)
    ranking = focus_scores(county_code="19", weights=DEFAULT_WEIGHTS)
    for row in ranking.rows:
        assert row.total == pytest.approx(sum(part.weighted for part in row.parts))
        for part in row.parts:
            assert part.value is None or 0 <= part.value <= 1
            assert part.weighted == pytest.approx(part.weight * (part.value or 0))
    totals = [row.total for row in ranking.rows]
    assert totals == sorted(totals, reverse=True)
    for before, after in zip(ranking.rows, ranking.rows[1:], strict=False):
        assert (after.rank == before.rank) == (after.total == before.total)
    assert _part(_row(ranking, "bygg"), "education").value == 1.0
    assert _part(_row(ranking, "industri"), "offers").value == 1.0
    assert _part(_row(ranking, "el-energi"), "cases").value == 1.0


def test_small_case_counts_are_suppressed_and_scored_alike(personas):
    _cases(personas, "byn-bygg", women=1)
    _cases(personas, "svets", men=4)
    _cases(personas, "ecy-el", women=5, men=5)
    ranking = focus_scores(county_code="19", weights=DEFAULT_WEIGHTS)
    bygg, industri, el = (_row(ranking, key) for key in ("bygg", "industri", "el-energi"))
    assert bygg.cases == industri.cases == "<5"
    assert el.cases == 10
    # One case and four score the same: the part reveals no count of 1–4.
    assert _part(bygg, "cases").value == _part(industri, "cases").value == 0.25
    assert _part(bygg, "cases").detail == "<5"


def test_gender_part_only_where_both_counts_could_be_published(personas):
    _cases(personas, "ecy-el", women=5, men=5)
    _cases(personas, "byn-bygg", women=0, men=12)
    _cases(personas, "svets", women=8, men=2)
    ranking = focus_scores(county_code="19", weights=DEFAULT_WEIGHTS)
    assert _part(_row(ranking, "el-energi"), "gender").value == 0.0
    assert _part(_row(ranking, "bygg"), "gender").value == 1.0
    assert _part(_row(ranking, "industri"), "gender").value is None  # 2 men: no data
    assert _part(_row(ranking, "handel"), "gender").value is None


def test_weights_are_cleaned_to_0_to_5_with_defaults(reference_data):
    ranking = focus_scores(weights={"shortage": 9, "s3": -2, "model": "x"})
    assert ranking.weights["shortage"] == 5
    assert ranking.weights["s3"] == 0
    assert ranking.weights["model"] == DEFAULT_WEIGHTS["model"]


# --- Pages -----------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_each_part_and_the_weights_change_the_ranking(demand, personas):
    client = _client(personas["rua_vastmanland"])
    url = reverse("insights:focus")
    first = client.get(url, {**ONLY_SHORTAGE, "county": "19"})
    assert first.status_code == 200
    assert first.context["ranking"].rows[0].branch.key == "bygg"
    assert re.search(r"5 × 1[,.]00 = 5[,.]00", first.content.decode())
    second = client.get(url, {**ONLY_S3, "county": "19"})
    assert second.context["ranking"].rows[0].branch.key != "bygg"
    assert client.get(url).status_code == 200


def test_a_weight_out_of_range_is_an_error_and_defaults_apply(reference_data, personas):
    response = _client(personas["rua_vastmanland"]).get(reverse("insights:focus"), {"s3": "7"})
    assert response.status_code == 200
    assert response.context["form"].errors["s3"]
    assert response.context["ranking"].weights == DEFAULT_WEIGHTS


def test_saving_listing_and_reopening_a_scenario(demand, personas):
    user = personas["rua_vastmanland"]
    client = _client(user)
    data = {**ONLY_S3, "county": "19", "name": "S3 först"}
    response = client.post(reverse("insights:focus-save"), data)
    scenario = FocusScenario.objects.get(created_by=user, name="S3 först")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?scenario={scenario.pk}")
    assert scenario.county is not None
    assert scenario.county.code == "19"
    assert scenario.weights == ONLY_S3
    # Saving again under the same name replaces the weights.
    client.post(reverse("insights:focus-save"), {**ONLY_SHORTAGE, "name": "S3 först"})
    scenario.refresh_from_db()
    assert scenario.weights == ONLY_SHORTAGE
    assert scenario.county is None
    assert FocusScenario.objects.filter(created_by=user).count() == 1
    page = client.get(reverse("insights:focus"), {"scenario": scenario.pk})
    assert page.status_code == 200
    assert "S3 först" in page.content.decode()
    assert page.context["ranking"].weights == ONLY_SHORTAGE


def test_saving_without_a_name_is_refused(reference_data, personas):
    client = _client(personas["rua_vastmanland"])
    response = client.post(reverse("insights:focus-save"), dict(DEFAULT_WEIGHTS))
    assert response.status_code == 400
    assert not FocusScenario.objects.exists()


def test_comparing_two_scenarios_shows_each_branch_in_both(demand, personas):
    user = personas["rua_vastmanland"]
    a = focus_scenario_save(user=user, name="Brist", county=None, weights=ONLY_SHORTAGE)
    county = County.objects.get(code="19")
    b = focus_scenario_save(user=user, name="S3", county=county, weights=ONLY_S3)
    response = _client(user).get(reverse("insights:focus-compare"), {"a": a.pk, "b": b.pk})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == len(focus_scores().rows)
    bygg = next(row for row in rows if row.branch.key == "bygg")
    assert bygg.rank_a == 1
    assert bygg.total_b == 0
    assert gettext("Rank in %(name)s") % {"name": "S3"} in response.content.decode()
    assert focus_compare(a=a, b=b) == rows
    assert _client(user).get(reverse("insights:focus-compare")).status_code == 200


def test_someone_elses_scenario_is_404(reference_data, personas):
    theirs = focus_scenario_save(
        user=personas["project_manager"], name="Min", county=None, weights=DEFAULT_WEIGHTS
    )
    mine = focus_scenario_save(
        user=personas["rua_vastmanland"], name="Min", county=None, weights=DEFAULT_WEIGHTS
    )
    client = _client(personas["rua_vastmanland"])
    assert client.get(reverse("insights:focus"), {"scenario": theirs.pk}).status_code == 404
    compare = reverse("insights:focus-compare")
    assert client.get(compare, {"a": mine.pk, "b": theirs.pk}).status_code == 404
    assert client.get(compare, {"a": mine.pk, "b": "x"}).status_code == 404
    assert client.get(compare, {"a": mine.pk}).status_code == 404
    api = reverse("api-v1:insights-focus")
    assert client.get(api, {"scenario": theirs.pk}).status_code == 404
    page = client.get(reverse("insights:focus")).content.decode()
    assert f"scenario={theirs.pk}" not in page


def test_only_insight_readers_get_the_pages(reference_data, personas):
    url = reverse("insights:focus")
    assert _client(personas["assessor_vasteras_komvux"]).get(url).status_code == 403
    assert Client().get(url).status_code == 302


# --- API -------------------------------------------------------------------------------------


def test_the_api_ranks_by_a_scenario_for_a_token(demand, personas):
    user = personas["rua_vastmanland"]
    scenario = focus_scenario_save(
        user=user, name="Brist", county=County.objects.get(code="19"), weights=ONLY_SHORTAGE
    )
    secret = api_token_create(actor=user, name="test").secret
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    response = client.get(reverse("api-v1:insights-focus"), {"scenario": scenario.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["county"] == "19"
    assert body["weights"] == ONLY_SHORTAGE
    first = body["items"][0]
    assert first["branch"] == "bygg"
    assert first["score"] == pytest.approx(sum(part["points"] for part in first["parts"]))
    assert [part["criterion"] for part in first["parts"]] == list(CRITERION_KEYS)
    # The county parameter overrides the scenario's.
    oms = client.get(reverse("api-v1:insights-focus"), {"scenario": scenario.pk, "county": ""})
    assert oms.json()["county"] == "19"
    other = client.get(reverse("api-v1:insights-focus"), {"county": "03"})
    assert other.json()["county"] == "03"
    assert other.json()["weights"] == DEFAULT_WEIGHTS
    assert client.get(reverse("api-v1:insights-focus"), {"county": "99"}).status_code == 400


def test_the_api_needs_a_reader_of_insights(reference_data, personas):
    url = reverse("api-v1:insights-focus")
    assert Client().get(url).status_code == 401
    assert _client(personas["outsider"]).get(url).status_code == 403
    secret = api_token_create(actor=personas["assessor_vasteras_komvux"], name="t").secret
    assessor = Client(headers={"Authorization": f"Bearer {secret}"})
    assert assessor.get(url).status_code == 403
    assert _client(personas["project_manager"]).get(url).status_code == 200


def test_no_count_of_one_to_four_people_is_published(personas):
    _cases(personas, "byn-bygg", women=1, unrecorded=2)
    _cases(personas, "svets", men=4)
    _cases(personas, "ecy-el", women=3, men=4)
    client = _client(personas["rua_vastmanland"])
    api = client.get(reverse("api-v1:insights-focus"), {"county": "19"}).json()
    for item in api["items"]:
        assert item["cases"] in (0, "<5") or item["cases"] >= 5
    counts = {item["branch"]: item["cases"] for item in api["items"]}
    assert counts["bygg"] == counts["industri"] == "<5"
    assert counts["el-energi"] == 7
    page = client.get(reverse("insights:focus"), {"county": "19"})
    cells = re.findall(r"<td>(\d+)</td>\s*</tr>", page.content.decode())
    assert cells
    assert all(int(cell) == 0 or int(cell) >= 5 for cell in cells)
