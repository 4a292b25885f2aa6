import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from valnav.api.services import api_token_create
from valnav.insights.equity import municipality_equity
from valnav.insights.tests.test_equity import (  # noqa: F401  # fixtures
    _area,
    _case,
    cases,
    organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle():
    cache.clear()  # the API's rate limits count in the cache


def _counts(value, key=""):
    """Every (key, value) of a count of people in the JSON: started and completed."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _counts(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _counts(item, key)
    elif key in {"started", "completed"}:
        yield value


def _item(body, code):
    return next(item for item in body["items"] if item["code"] == code)


def test_api_gives_the_published_figures(personas, organisation, cases):  # noqa: F811
    for _ in range(10):  # Örebro: enough decided cases for a share to be shown
        _case(organisation, "1880", decision="full", gender="woman", born_abroad=False)
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    body = client.get(reverse("api-v1:insights-equity"), {"county": "19"}).json()
    assert [item["kind"] for item in body["items"]][-2:] == ["county", "oms"]
    vasteras = _item(body, "1980")
    assert vasteras["county_code"] == "19"
    published = _area(municipality_equity(county_code="19"), "1980")
    for figures, out in zip(published.figures, vasteras["figures"], strict=True):
        assert (out["group"], out["started"], out["completed"]) == (
            figures.group,
            figures.started,
            figures.completed,
        )
        for name in ("full", "partial", "not_met", "complementary"):
            share = getattr(figures, name)
            assert out[name] == (
                None
                if share is None
                else {"value": share.value, "low": share.low, "high": share.high}
            )
    assert vasteras["figures"][0]["started"] == 15
    everywhere = client.get(reverse("api-v1:insights-equity")).json()
    shares = [
        figures[name]
        for item in everywhere["items"]
        for figures in item["figures"]
        for name in ("full", "partial", "not_met", "complementary")
        if figures[name] is not None
    ]
    assert shares
    assert all(share["low"] - 1e-9 <= share["value"] <= share["high"] + 1e-9 for share in shares)
    koping = _item(body, "1983")["figures"][0]
    assert (koping["started"], koping["completed"]) == ("<5", "<5")
    assert _item(body, "1981")["figures"][0]["started"] == ".."
    assert _item(body, "19")["figures"][0]["started"] == 23
    assert body["period"] == ""


@pytest.mark.parametrize("period", ["2025-01-11", "2025-H2", "2025-Q3", "0999"])
def test_api_refuses_a_period_that_is_not_a_whole_year(personas, cases, period):  # noqa: F811
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    answer = client.get(reverse("api-v1:insights-equity"), {"period": period})
    assert answer.status_code == 422
    assert "period" in answer.json()["detail"][0]["loc"]


def test_no_count_of_one_to_four_people_in_any_response(personas, cases):  # noqa: F811
    client = Client()
    client.force_login(personas["project_manager"])
    url = reverse("api-v1:insights-equity")
    for query in ({}, {"county": "19"}, {"period": "2025"}):
        body = client.get(url, query).json()
        counts = list(_counts(body))
        assert counts
        for count in counts:
            assert count in {"<5", ".."} or (isinstance(count, int) and not 0 < count < 5)


def test_api_answers_token_and_refuses_others(personas, cases):  # noqa: F811
    url = reverse("api-v1:insights-equity")
    assert Client().get(url).status_code == 401
    secret = api_token_create(actor=personas["admin"], name="equity").secret
    token_client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert token_client.get(url, {"period": "2024"}).json()["items"][-1]["code"] == "ÖMS"
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(url).status_code == 403
    secret = api_token_create(actor=personas["assessor_vasteras_komvux"], name="eq").secret
    assert Client(headers={"Authorization": f"Bearer {secret}"}).get(url).status_code == 403


def test_openapi_documents_the_suppression(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/insights/equity"]["get"]
    assert '".."' in operation["description"]
    assert "422" in operation["responses"]
    assert [p["name"] for p in operation["parameters"]] == ["county", "period"]
    assert operation["tags"] == ["insights"]
