import html

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_municipalities_lists_all_52_with_scb_codes(reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = Client().get("/api/v1/municipalities")
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 52
    by_code = {item["code"]: item for item in items}
    for code, name in [
        ("1980", "Västerås"),
        ("0380", "Uppsala"),
        ("1880", "Örebro"),
        ("0580", "Linköping"),
        ("0484", "Eskilstuna"),
    ]:
        assert by_code[code]["name"] == name
    assert by_code["0380"]["county_code"] == "03"
    assert 59 < by_code["1980"]["lat"] < 60
    assert 16 < by_code["1980"]["lon"] < 17


def test_municipalities_filter_by_county(reference_data):
    items = Client().get("/api/v1/municipalities?county=19").json()
    assert len(items) == 10
    assert {item["county_code"] for item in items} == {"19"}


def test_counties_list_the_five_regions(reference_data):
    items = Client().get("/api/v1/counties").json()
    assert [item["code"] for item in items] == ["03", "04", "05", "18", "19"]
    assert sum(item["municipality_count"] for item in items) == 52


def test_occupations_match_jobtech_synonyms(reference_data):
    data = Client().get("/api/v1/occupations", {"q": "undersköterska"}).json()
    codes = {item["code"] for item in data["items"]}
    assert "5321" in codes


def test_occupations_match_case_insensitively_beyond_ascii(reference_data):
    data = Client().get("/api/v1/occupations", {"q": "ÅKLAGARE", "level": 4}).json()
    assert data["count"] >= 1
    assert all(item["level"] == 4 for item in data["items"])


def test_occupation_level_out_of_range_is_a_clear_422(reference_data):
    response = Client().get("/api/v1/occupations", {"level": 7})
    assert response.status_code == 422
    assert "level" in response.content.decode()


def test_openapi_schema_lists_the_reference_endpoints():
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/counties", "/api/v1/municipalities", "/api/v1/occupations"} <= set(
        schema["paths"]
    )


def test_api_docs_are_a_page_of_the_site_that_names_every_operation():
    # Rendered on the server from the OpenAPI document (issue #17: Swagger UI failed axe).
    page = html.unescape(Client().get("/api/v1/docs").content.decode())
    schema = Client().get("/api/v1/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if f"<code>{method.upper()} {path}</code>" not in page
    ]
    assert not missing
    assert '<html lang="sv"' in page
    assert 'href="/api/v1/openapi.json"' in page
    assert "cdn." not in page
