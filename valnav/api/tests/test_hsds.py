"""The HSDS 3.0 export, checked against the official schemas (tests/data/schemas/hsds-3)."""

import csv
import io
import json
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from valnav.api.v1.hsds import MODEL_KINDS, SSYK, TABLES, VALNAV_ORGANISATION, hsds_id
from valnav.atlas.models import ModelKind, PublicationStatus
from valnav.atlas.tests.factories import OfferFactory, OrganisationFactory, ValidationModelFactory
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "schemas" / "hsds-3"
BASE = "/api/v1/hsds"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _load(name):
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


SCHEMAS = {path.stem: _load(path.name) for path in SCHEMA_DIR.glob("*.json")}
REGISTRY = Registry().with_resources(
    (f"{name}.json", Resource.from_contents(schema, default_specification=DRAFT202012))
    for name, schema in SCHEMAS.items()
    if name != "openapi"
)


def assert_valid(kind, instance):
    """Valid against the official schema of `kind`, following every $ref (nested objects too)
    and checking formats (uuid, email, date-time)."""
    validator = Draft202012Validator(
        SCHEMAS[kind], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, f"{kind}: " + "; ".join(
        f"{list(error.path)}: {error.message}" for error in errors
    )


def assert_page(page, *, page_number=1):
    """The paging fields of the HSDS reference API's Page schema, consistent with each other."""
    page_schema = SCHEMAS["openapi"]["components"]["schemas"]["Page"]
    Draft202012Validator(page_schema).validate(page)
    assert set(page_schema["properties"]) | {"contents"} == set(page)
    assert page["page_number"] == page_number
    assert page["size"] == len(page["contents"])
    assert page["first_page"] == (page_number == 1)
    assert page["last_page"] == (page_number >= page["total_pages"])
    assert page["empty"] == (not page["contents"])


def get(path, **params):
    response = Client().get(f"{BASE}{path}", params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def all_contents(path, **params):
    """Every item of a paged listing, walking the pages."""
    items, page_number = [], 1
    while True:
        page = get(path, page=page_number, per_page=200, **params)
        assert_page(page, page_number=page_number)
        items += page["contents"]
        if page["last_page"]:
            return items
        page_number += 1


@pytest.fixture
def atlas(reference_data):
    """Two models (one without owner), published offers, and what must stay out of HSDS."""
    owner = OrganisationFactory(
        name="Svetskommissionen", org_number="802003-4545", website="https://svets.se/"
    )
    welding = ValidationModelFactory(
        key="test-svets",
        name="Testmodell för svetsare",
        owner=owner,
        kind=ModelKind.BRANCH,
        summary="Nivåerna VIT, GRÖN, BLÅ och SVART.",
        source_urls=["https://svets.se/utbildning/validering"],
        last_verified=date(2025, 3, 1),
        ssyk=["7212"],
    )
    care = ValidationModelFactory(
        key="test-komvux-vard", name="Testmodell Komvux vård", kind=ModelKind.KOMVUX, ssyk=["5321"]
    )
    provider = OrganisationFactory(name="Västerås Svetscenter AB")
    vasteras = Municipality.objects.get(code="1980")
    full = OfferFactory(
        model=welding,
        provider=provider,
        municipality=vasteras,
        address="Kopparbergsvägen 10, 72213 Västerås",
        latitude=59.61,
        longitude=16.54,
        languages=",sv,ar,",
        contact_name="Sara Svensson",
        contact_email="validering@svetscenter.example",
        contact_phone="021-10 20 30",
        url="https://svetscenter.example/validering",
        description="Praktiskt prov i vår verkstad.",
    )
    remote = OfferFactory(
        model=care,
        provider=OrganisationFactory(name="Komvux Örebro"),
        municipality=Municipality.objects.get(code="1880"),
        on_site=False,
        remote=True,
        address="Kommunhuset, plan 3",
    )
    draft = OfferFactory(model=welding, status=PublicationStatus.DRAFT)
    retired = ValidationModelFactory(key="test-retired", is_active=False)
    hidden = OfferFactory(model=retired)
    return {
        "owner": owner,
        "welding": welding,
        "care": care,
        "provider": provider,
        "full": full,
        "remote": remote,
        "draft": draft,
        "retired": retired,
        "hidden": hidden,
    }


def test_ids_are_uuid5_of_our_keys_and_stable():
    first = hsds_id("validation-model", "svets")
    assert first == hsds_id("validation-model", "svets")
    assert uuid.UUID(first).version == 5
    assert first != hsds_id("validation-model", "svets-2")
    assert first != hsds_id("offer", "svets")


def test_every_service_validates_in_list_and_fully_nested(atlas):
    services = all_contents("/services")
    names = {s["name"] for s in services}
    assert {"Testmodell för svetsare", "Testmodell Komvux vård"} <= names
    assert atlas["retired"].name not in names
    assert len(services) > 2  # the shipped catalogue is exported too, and validated here
    for item in services:
        assert_valid("service", item)
        assert "service_at_locations" not in item  # lists carry one-to-one fields only
        nested = get(f"/services/{item['id']}")
        assert_valid("service", nested)
        assert nested["id"] == item["id"]


def test_a_service_is_a_validation_model_with_its_owner_offers_and_terms(atlas):
    welding = get(f"/services/{hsds_id('validation-model', 'test-svets')}")
    assert welding["status"] == "active"
    assert welding["name"] == "Testmodell för svetsare"
    assert welding["description"] == "Nivåerna VIT, GRÖN, BLÅ och SVART."
    assert welding["url"] == "https://svets.se/utbildning/validering"
    assert welding["assured_date"] == "2025-03-01"
    assert welding["organization_id"] == hsds_id("organisation", atlas["owner"].pk)
    assert welding["organization"]["name"] == "Svetskommissionen"
    assert welding["organization"]["organization_identifiers"][0]["identifier"] == "802003-4545"
    # Only the published offer; the draft stays out.
    assert [sal["id"] for sal in welding["service_at_locations"]] == [
        hsds_id("offer", atlas["full"].pk)
    ]
    terms = {a["taxonomy_term"]["code"]: a for a in welding["attributes"]}
    assert set(terms) == {"branch", "7212"}
    assert terms["7212"]["taxonomy_term"]["taxonomy_id"] == SSYK.id
    assert terms["7212"]["taxonomy_term"]["parent_id"] == hsds_id(SSYK.key, "721")
    assert terms["branch"]["taxonomy_term"]["taxonomy_id"] == MODEL_KINDS.id
    assert all(
        a["link_id"] == welding["id"] and a["link_entity"] == "service" for a in terms.values()
    )


def test_a_model_without_owner_belongs_to_valnav_which_is_listed(atlas):
    care = get(f"/services/{hsds_id('validation-model', 'test-komvux-vard')}")
    assert care["organization_id"] == VALNAV_ORGANISATION.id
    organizations = all_contents("/organizations")
    assert VALNAV_ORGANISATION.id in {o["id"] for o in organizations}
    valnav = get(f"/organizations/{VALNAV_ORGANISATION.id}")
    assert_valid("organization", valnav)


def test_every_organization_validates_and_only_those_the_export_names(atlas):
    bystander = OrganisationFactory(name="Arbetsgivare utan erbjudanden")
    organizations = all_contents("/organizations")
    names = {o["name"] for o in organizations}
    assert {"Svetskommissionen", "Västerås Svetscenter AB", "Komvux Örebro"} <= names
    assert bystander.name not in names
    assert atlas["draft"].provider.name not in names  # provides only a draft
    for item in organizations:
        assert_valid("organization", item)
        assert_valid("organization", get(f"/organizations/{item['id']}"))
    owner = get(f"/organizations/{hsds_id('organisation', atlas['owner'].pk)}")
    assert owner["website"] == "https://svets.se/"
    missing = Client().get(f"{BASE}/organizations/{hsds_id('organisation', bystander.pk)}")
    assert missing.status_code == 404


def test_every_service_at_location_validates_with_its_location(atlas):
    items = all_contents("/service_at_locations")
    assert {item["id"] for item in items} == {
        hsds_id("offer", atlas["full"].pk),
        hsds_id("offer", atlas["remote"].pk),
    }
    services = {s["id"] for s in all_contents("/services")}
    for item in items:
        assert_valid("service_at_location", item)
        assert item["service_id"] in services
        assert item["location"]["id"] == item["location_id"]
        assert_valid("service_at_location", get(f"/service_at_locations/{item['id']}"))


def test_an_offer_location_has_address_languages_and_contact(atlas):
    offer = atlas["full"]
    sal = get(f"/service_at_locations/{hsds_id('offer', offer.pk)}")
    assert sal["description"] == "Praktiskt prov i vår verkstad."
    place = sal["location"]
    assert place["location_type"] == "physical"
    assert place["organization_id"] == hsds_id("organisation", atlas["provider"].pk)
    assert place["name"] == "Västerås Svetscenter AB, Västerås"
    assert (place["latitude"], place["longitude"]) == (59.61, 16.54)
    assert place["url"] == "https://svetscenter.example/validering"
    [address] = place["addresses"]
    assert address["address_1"] == "Kopparbergsvägen 10"
    assert address["postal_code"] == "722 13"
    assert address["city"] == "Västerås"
    assert address["country"] == "SE"
    assert address["state_province"] == offer.municipality.county.name
    assert {language["code"] for language in place["languages"]} == {"sv", "ar"}
    [contact] = sal["contacts"]
    assert contact["email"] == "validering@svetscenter.example"
    assert contact["phones"][0]["number"] == "021-10 20 30"


def test_a_remote_offer_is_virtual_and_keeps_an_address_without_postcode_in_words(atlas):
    sal = get(f"/service_at_locations/{hsds_id('offer', atlas['remote'].pk)}")
    place = sal["location"]
    assert place["location_type"] == "virtual"
    assert place["addresses"] == []
    assert "Kommunhuset, plan 3" in place["description"]
    assert "latitude" not in place  # absent values are left out, never null
    assert "contacts" not in sal or sal["contacts"] == []


def test_drafts_and_retired_models_are_not_found_by_id(atlas):
    for path in [
        f"/service_at_locations/{hsds_id('offer', atlas['draft'].pk)}",
        f"/service_at_locations/{hsds_id('offer', atlas['hidden'].pk)}",
        f"/services/{hsds_id('validation-model', 'test-retired')}",
        "/services/not-a-uuid",
        f"/taxonomies/{uuid.uuid4()}",
        f"/taxonomy_terms/{uuid.uuid4()}",
    ]:
        assert Client().get(f"{BASE}{path}").status_code == 404, path


def test_taxonomies_and_every_term_validate(atlas):
    taxonomies = all_contents("/taxonomies")
    assert {t["name"] for t in taxonomies} == {SSYK.name, MODEL_KINDS.name}
    for item in taxonomies:
        assert_valid("taxonomy", item)
        assert get(f"/taxonomies/{item['id']}") == item
    terms = all_contents("/taxonomy_terms")
    codes = [term["code"] for term in terms]
    assert len(codes) == len(set(codes))  # code is unique in HSDS
    assert set(ModelKind.values) <= set(codes)
    assert {"5", "53", "532", "5321"} <= set(codes)
    by_id = {term["id"]: term for term in terms}
    for term in terms:
        assert_valid("taxonomy_term", term)
        assert term.get("parent_id") is None or term["parent_id"] in by_id
    assert (
        get(f"/taxonomy_terms/{hsds_id(SSYK.key, '5321')}")["name"]
        == by_id[hsds_id(SSYK.key, "5321")]["name"]
    )


def test_taxonomy_terms_filter_by_taxonomy_parent_and_top(atlas):
    kinds = all_contents("/taxonomy_terms", taxonomy_id=MODEL_KINDS.id)
    assert sorted(term["code"] for term in kinds) == sorted(ModelKind.values)
    children = all_contents("/taxonomy_terms", parent_id=hsds_id(SSYK.key, "532"))
    assert {term["code"] for term in children} >= {"5321"}
    assert all(term["code"].startswith("532") for term in children)
    top = all_contents("/taxonomy_terms", taxonomy_id=SSYK.id, top_only="true")
    assert all(len(term["code"]) == 1 for term in top)


def test_services_filter_by_term_taxonomy_organization_and_search(atlas):
    def names(**params):
        return {s["name"] for s in all_contents("/services", **params)}

    welding, care = "Testmodell för svetsare", "Testmodell Komvux vård"
    # A term finds the models of the groups under it.
    in_72 = names(taxonomy_term_id=hsds_id(SSYK.key, "72"))
    assert welding in in_72
    assert care not in in_72
    komvux = names(taxonomy_term_id=hsds_id(MODEL_KINDS.key, "komvux"))
    assert care in komvux
    assert welding not in komvux
    assert names(taxonomy_term_id=str(uuid.uuid4())) == set()
    assert {welding, care} <= names(taxonomy_id=SSYK.id)
    assert names(organization_id=hsds_id("organisation", atlas["owner"].pk)) == {welding}
    ownerless = names(organization_id=VALNAV_ORGANISATION.id)
    assert care in ownerless
    assert welding not in ownerless
    found = names(search="testmodell svetsare")
    assert found == {welding}


def test_service_at_locations_filter_by_search_provider_and_term(atlas):
    def ids(**params):
        return {s["id"] for s in all_contents("/service_at_locations", **params)}

    full, remote = hsds_id("offer", atlas["full"].pk), hsds_id("offer", atlas["remote"].pk)
    assert ids(search="svetsare") == {full}
    assert ids(search="svetsare", organization_id=hsds_id("organisation", atlas["owner"].pk)) == {
        full
    }
    assert ids(organization_id=hsds_id("organisation", atlas["provider"].pk)) == {full}
    assert ids(taxonomy_term_id=hsds_id(SSYK.key, "5321")) == {remote}
    assert ids(modified_after="2999-01-01T00:00:00") == set()


def test_paging_walks_the_pages(atlas):
    first = get("/taxonomy_terms", per_page=5)
    assert_page(first)
    assert first["size"] == 5
    assert first["total_pages"] == -(-first["total_items"] // 5)
    last = get("/taxonomy_terms", per_page=5, page=first["total_pages"])
    assert_page(last, page_number=first["total_pages"])
    beyond = get("/taxonomy_terms", per_page=5, page=first["total_pages"] + 1)
    assert beyond["contents"] == []
    assert beyond["empty"]
    assert beyond["last_page"]
    assert Client().get(f"{BASE}/services", {"per_page": 201}).status_code == 422


def test_root_tells_the_hsds_version_and_where_the_openapi_is():
    info = get("/")
    assert info["version"] == "3.0"
    assert info["openapi_url"].endswith("/api/v1/openapi.json")


# The data package -------------------------------------------------------------------------


def _tabular_fields(kind):
    """The columns of a table in HSDS's tabular format: the schema's non-nested properties."""
    return [
        name
        for name, spec in SCHEMAS[kind]["properties"].items()
        if spec.get("type") != "array" and "$ref" not in spec
    ]


def _typed(kind, row):
    """A CSV row as the JSON object it stands for: empty cells are absent, numbers numbers."""
    properties = SCHEMAS[kind]["properties"]
    return {
        column: float(value) if properties[column].get("type") == "number" else value
        for column, value in row.items()
        if value != ""
    }


@pytest.fixture
def package(atlas):
    response = Client().get(f"{BASE}/datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    descriptor = json.loads(archive.read("datapackage.json"))
    tables = {
        resource["name"]: list(
            csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8")))
        )
        for resource in descriptor["resources"]
    }
    headers = {
        resource["name"]: next(
            csv.reader(io.StringIO(archive.read(resource["path"]).decode("utf-8")))
        )
        for resource in descriptor["resources"]
    }
    return descriptor, tables, headers, set(archive.namelist())


def test_package_has_a_csv_per_table_named_and_shaped_as_the_schemas_say(package):
    descriptor, _tables, headers, names = package
    assert descriptor["profile"] == "tabular-data-package"
    assert names == {"datapackage.json"} | {
        resource["path"] for resource in descriptor["resources"]
    }
    for resource in descriptor["resources"]:
        kind = resource["name"]
        schema = SCHEMAS[kind]
        assert resource["path"] == schema["path"]
        assert headers[kind] == _tabular_fields(kind)
        fields = {field["name"]: field for field in resource["schema"]["fields"]}
        assert list(fields) == _tabular_fields(kind)
        required = set(schema.get("required", [])) | set(schema.get("tabular_required", []))
        for name, spec in schema["properties"].items():
            if name not in fields:
                continue
            field = fields[name]
            assert field["constraints"]["required"] == (name in required), (kind, name)
            assert field["constraints"]["unique"] == spec["constraints"]["unique"], (kind, name)
            expected_type = spec.get("datapackage_type") or spec["type"]
            assert field["type"] == expected_type, (kind, name)
            if spec.get("format") in {"uuid", "email", "uri"}:
                assert field.get("format") == spec["format"], (kind, name)
    assert {
        "services.csv",
        "organizations.csv",
        "locations.csv",
        "service_at_location.csv",
        "taxonomies.csv",
        "taxonomy_terms.csv",
        "attributes.csv",
    } <= names


def test_every_row_validates_and_every_reference_resolves(package):
    descriptor, tables, _headers, _names = package
    ids = {kind: {row["id"] for row in rows} for kind, rows in tables.items()}
    for resource in descriptor["resources"]:
        kind = resource["name"]
        for row in tables[kind]:
            assert_valid(kind, _typed(kind, row))
            for column in SCHEMAS[kind].get("tabular_required", []):
                assert row[column], (kind, column)
        for key in resource["schema"]["foreignKeys"]:
            target = key["reference"]["resource"]
            for row in tables[kind]:
                value = row[key["fields"]]
                assert not value or value in ids[target], (kind, key["fields"], value)
        assert len(ids[kind]) == len(tables[kind]), f"{kind}: ids are not unique"


def test_package_holds_the_same_objects_as_the_api(package, atlas):
    _descriptor, tables, _headers, _names = package
    assert {row["id"] for row in tables["service"]} == {s["id"] for s in all_contents("/services")}
    assert {row["id"] for row in tables["organization"]} == {
        o["id"] for o in all_contents("/organizations")
    }
    assert {row["id"] for row in tables["service_at_location"]} == {
        s["id"] for s in all_contents("/service_at_locations")
    }
    [address] = tables["address"]
    assert address["postal_code"] == "722 13"
    assert {row["code"] for row in tables["language"]} == {"sv", "ar"}
    welding = hsds_id("validation-model", "test-svets")
    linked = {row["taxonomy_term_id"] for row in tables["attribute"] if row["link_id"] == welding}
    assert linked == {hsds_id(SSYK.key, "7212"), hsds_id(MODEL_KINDS.key, "branch")}
    assert len(tables["taxonomy_term"]) == len(all_contents("/taxonomy_terms"))


def test_table_definitions_follow_the_schemas():
    """The column lists the export writes are the HSDS ones (the package test checks the
    written files; this names the table when a definition drifts)."""
    for table in TABLES:
        assert table.path == SCHEMAS[table.name]["path"], table.name
        assert list(table.columns) == _tabular_fields(table.name), table.name
