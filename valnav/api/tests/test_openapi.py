"""The OpenAPI document describes the whole API and is valid."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from openapi_spec_validator import validate

from valnav.api.services import api_token_create

READS = {
    "/api/v1/offers",
    "/api/v1/offers/{offer_id}",
    "/api/v1/models",
    "/api/v1/models/{model_id}",
    "/api/v1/education",
    "/api/v1/education/{education_id}",
    "/api/v1/organisations",
    "/api/v1/organisations/{organisation_id}",
    "/api/v1/hsds/",
    "/api/v1/hsds/services",
    "/api/v1/hsds/services/{service_id}",
    "/api/v1/hsds/organizations",
    "/api/v1/hsds/organizations/{organization_id}",
    "/api/v1/hsds/service_at_locations",
    "/api/v1/hsds/service_at_locations/{service_at_location_id}",
    "/api/v1/hsds/taxonomies",
    "/api/v1/hsds/taxonomies/{taxonomy_id}",
    "/api/v1/hsds/taxonomy_terms",
    "/api/v1/hsds/taxonomy_terms/{taxonomy_term_id}",
    "/api/v1/hsds/datapackage.zip",
}
WRITES = {
    ("post", "/api/v1/offers"),
    ("patch", "/api/v1/offers/{offer_id}"),
    ("post", "/api/v1/offers/{offer_id}/publish"),
    ("post", "/api/v1/education"),
    ("patch", "/api/v1/education/{education_id}"),
    ("post", "/api/v1/education/{education_id}/publish"),
}


@pytest.fixture(scope="module")
def schema():
    cache.clear()
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_document_is_valid_openapi(schema):
    validate(schema)


def test_title_and_servers_are_unchanged(schema):
    assert schema["info"]["title"] == "Valnav API"
    assert schema["info"]["version"] == "1.0.0"
    assert schema.get("servers", []) == []


def test_every_new_endpoint_is_documented(schema):
    assert set(schema["paths"]) >= READS
    for path in READS:
        assert "get" in schema["paths"][path], path
    for method, path in WRITES:
        assert method in schema["paths"][path], (method, path)


def test_writes_need_a_bearer_key_and_document_their_refusals(schema):
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    for method, path in WRITES:
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"ApiTokenAuth": []}], (method, path)
        assert {"401", "403", "422"} <= set(operation["responses"]), (method, path)


def test_reads_take_a_key_but_do_not_need_one(schema):
    for path in ["/api/v1/offers", "/api/v1/offers/{offer_id}", "/api/v1/education"]:
        assert schema["paths"][path]["get"]["security"] == [{"ApiTokenAuth": []}, {}]
    assert "security" not in schema["paths"]["/api/v1/hsds/services"]["get"]


def test_paging_and_filters_are_described(schema):
    offers = schema["paths"]["/api/v1/offers"]["get"]
    parameters = {parameter["name"]: parameter for parameter in offers["parameters"]}
    assert {
        "q",
        "county",
        "municipality",
        "within_km",
        "occupation",
        "kind",
        "language",
        "remote",
        "modified_after",
        "limit",
        "offset",
    } <= set(parameters)
    assert parameters["limit"]["schema"]["maximum"] == 200
    services = schema["paths"]["/api/v1/hsds/services"]["get"]
    assert {"page", "per_page", "taxonomy_term_id", "organization_id"} <= {
        parameter["name"] for parameter in services["parameters"]
    }


def test_the_data_package_is_described_as_a_zip(schema):
    answer = schema["paths"]["/api/v1/hsds/datapackage.zip"]["get"]["responses"]["200"]
    assert "application/zip" in answer["content"]


def test_the_schema_has_no_repeated_keys_that_break_swagger_ui():
    # Python's json keeps the last of two equal keys; Swagger UI's parser refuses the document.
    repeated: list[list[str]] = []

    def remember(pairs):
        keys = [key for key, _value in pairs]
        if len(keys) != len(set(keys)):
            repeated.append(keys)
        return dict(pairs)

    json.loads(Client().get("/api/v1/openapi.json").content, object_pairs_hook=remember)
    assert repeated == []


type Json = dict[str, Any]


def _deref(schema: Json, node: Json) -> Json:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _unbounded_integers(schema: Json, node: Json, where: str) -> Iterator[str]:
    node = _deref(schema, node)
    if node.get("type") == "integer" and not {"minimum", "maximum"} <= node.keys():
        yield where
    for key in ("anyOf", "oneOf", "allOf"):
        for part in node.get(key, []):
            yield from _unbounded_integers(schema, part, where)
    if "items" in node:
        yield from _unbounded_integers(schema, node["items"], f"{where}[]")
    for name, part in node.get("properties", {}).items():
        yield from _unbounded_integers(schema, part, f"{where}.{name}")


def test_every_integer_a_client_sends_is_bounded(schema):
    """A number too large for the database is a 422 naming it, never an overflow (a 500)."""
    unbounded: list[str] = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                where = f"{label} {parameter['in']}:{parameter['name']}"
                unbounded += _unbounded_integers(schema, parameter["schema"], where)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _unbounded_integers(schema, media["schema"], f"{label} body")
    assert not unbounded, "Integers without minimum and maximum:\n" + "\n".join(unbounded)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/occupations?offset=9223372036854775808",
        "/api/v1/offers?offset=9223372036854775808",
        "/api/v1/offers/9223372036854775808",
        "/api/v1/education?offset=9223372036854775808",
    ],
)
def test_a_huge_integer_is_a_422_naming_it(db, url):
    response = Client().get(url)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "less_than_equal"


def test_every_operation_documents_429_with_retry_after(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            throttled = operation["responses"].get("429")
            assert throttled, f"{method.upper()} {path}"
            assert throttled["headers"]["Retry-After"]["schema"]["type"] == "integer"


def test_a_throttled_client_gets_429_and_retry_after(db):
    from valnav.api.v1 import ANONYMOUS_PER_MINUTE

    client = Client()
    answers = [client.get("/api/v1/counties") for _ in range(ANONYMOUS_PER_MINUTE + 1)]
    refused = answers[-1]
    assert [a.status_code for a in answers[:-1]] == [200] * ANONYMOUS_PER_MINUTE
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json() == {"detail": "Too many requests."}


def test_the_cross_field_rule_is_described_and_enforced(schema, db):
    for path in ("/api/v1/offers", "/api/v1/education"):
        description = " ".join(schema["paths"][path]["get"]["description"].split())
        assert "`within_km` needs `municipality`" in description
        response = Client().get(path, {"within_km": 10})
        assert response.status_code == 422
        error = response.json()["detail"][0]
        assert error["loc"] == ["query", "within_km"]
        assert "within_km needs municipality" in error["msg"]
        assert Client().get(path, {"within_km": 10, "municipality": "1980"}).status_code == 200


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-01-31", "soon", "2026-13-01T10:00"])
def test_a_date_time_parameter_refuses_what_is_not_a_date_and_time(db, value):
    for path in ("/api/v1/offers", "/api/v1/hsds/services"):
        response = Client().get(path, {"modified_after": value})
        assert response.status_code == 422, (path, value)
        assert response.json()["detail"][0]["loc"] == ["query", "modified_after"]


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-31T10:00:00+01:00",
        "2026-01-31T09:00:00Z",
        # Offsets ISO 8601 allows but PostgreSQL refuses (beyond ±15:59): found by the fuzzing.
        "1713-12-07T12:38:33.24-19:45",
        "7360-03-12T06:23:29-23:11",
        # Past the calendar's ends once in UTC.
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_a_date_time_parameter_takes_rfc_3339(db, value):
    for path in ("/api/v1/offers", "/api/v1/models", "/api/v1/education", "/api/v1/hsds/services"):
        assert Client().get(path, {"modified_after": value}).status_code == 200, (path, value)


def test_error_messages_are_in_english_whatever_the_language_asked_for(db, personas):
    secret = api_token_create(actor=personas["admin"], name="Test").secret
    swedish = Client(headers={"Accept-Language": "sv", "Authorization": f"Bearer {secret}"})
    swedish.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    nul = swedish.get("/api/v1/offers", {"q": "a\x00b"})
    assert nul.json()["detail"][0]["msg"] == "Null characters are not allowed."
    refused = swedish.post(
        "/api/v1/offers",
        {"model_id": 1, "provider_id": 1, "external_id": "x", "municipality": "0000"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    messages = {error["loc"][-1]: error["msg"] for error in refused.json()["detail"]}
    assert messages["municipality"] == "No municipality has this code."
