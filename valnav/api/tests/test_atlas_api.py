"""The atlas in the open API: reads as on the search page, writes through the atlas services."""

import json
from contextlib import suppress
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.api.services import api_token_create, api_token_revoke
from valnav.atlas.models import (
    ComplementaryEducation,
    Criterion,
    EducationForm,
    ModelKind,
    ModelStep,
    Offer,
    PublicationStatus,
    RegionPolicy,
)
from valnav.atlas.tests.factories import (
    EducationFactory,
    OfferFactory,
    OrganisationFactory,
    ValidationModelFactory,
)
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db

KOMVUX_VASTERAS = "Västerås stad, Vuxenutbildningen (demo)"  # the assessor persona's organisation


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def token_client(user):
    secret = api_token_create(actor=user, name="test").secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch_json(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def place(code):
    return Municipality.objects.get(code=code)


@pytest.fixture
def komvux(personas):
    return Organisation.objects.get(name=KOMVUX_VASTERAS)


@pytest.fixture
def welding(reference_data):
    return ValidationModelFactory(
        name="Testmodell för svetsare", kind=ModelKind.BRANCH, ssyk=["7212"]
    )


def offer_ids(response):
    assert response.status_code == 200, response.content[:500]
    return [item["id"] for item in response.json()["items"]]


# Reading offers ---------------------------------------------------------------------------


def test_offers_show_model_provider_place_and_ssyk_to_anyone(welding):
    offer = OfferFactory(model=welding, municipality=place("1980"), languages=",sv,ar,")
    data = Client().get("/api/v1/offers").json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item["id"] == offer.pk
    assert item["model"] == {"id": welding.pk, "name": "Testmodell för svetsare", "kind": "branch"}
    assert item["provider"] == {"id": offer.provider_id, "name": offer.provider.name}
    assert item["municipality"] == {"code": "1980", "name": "Västerås", "county_code": "19"}
    assert item["occupations"] == ["7212"]
    assert item["languages"] == ["sv", "ar"]
    assert item["distance_km"] is None


def test_offer_list_items_are_what_the_offer_detail_gives(welding):
    # The list writes its items out itself; the detail goes through Ninja's OfferOut.
    OfferFactory(
        model=welding, municipality=place("1980"), languages=",sv,", latitude=59.61, longitude=16.5
    )
    OfferFactory(model=welding, municipality=place("0380"), capacity_per_year=None)
    client = Client()
    for query in ("", "?municipality=1980"):
        response = client.get(f"/api/v1/offers{query}")
        assert response["Content-Type"] == "application/json; charset=utf-8"
        items = response.json()["items"]
        assert len(items) == 2
        for item in items:
            detail = client.get(f"/api/v1/offers/{item['id']}").json()
            assert set(item) == set(detail)
            assert {**item, "distance_km": None} == detail


def test_anonymous_clients_see_neither_drafts_nor_expired_offers(welding):
    published = OfferFactory(model=welding)
    OfferFactory(model=welding, status=PublicationStatus.DRAFT)
    OfferFactory(model=welding, status=PublicationStatus.IN_REVIEW)
    OfferFactory(model=welding, valid_to=timezone.localdate() - timedelta(days=1))
    assert offer_ids(Client().get("/api/v1/offers")) == [published.pk]


def test_a_token_also_shows_the_drafts_of_its_users_organisations(personas, komvux, welding):
    own_draft = OfferFactory(model=welding, provider=komvux, status=PublicationStatus.DRAFT)
    foreign_draft = OfferFactory(model=welding, status=PublicationStatus.DRAFT)
    published = OfferFactory(model=welding)
    client = token_client(personas["assessor_vasteras_komvux"])
    assert set(offer_ids(client.get("/api/v1/offers"))) == {own_draft.pk, published.pk}
    assert client.get(f"/api/v1/offers/{own_draft.pk}").json()["status"] == "draft"
    assert client.get(f"/api/v1/offers/{foreign_draft.pk}").status_code == 404
    assert Client().get(f"/api/v1/offers/{own_draft.pk}").status_code == 404


def test_the_login_session_does_not_count_in_the_api(personas, komvux, welding):
    draft = OfferFactory(model=welding, provider=komvux, status=PublicationStatus.DRAFT)
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    assert client.get(f"/api/v1/offers/{draft.pk}").status_code == 404
    response = post_json(client, f"/api/v1/offers/{draft.pk}/publish", {})
    assert response.status_code == 401


def test_a_wrong_token_is_refused_even_for_reading(reference_data):
    client = Client(headers={"Authorization": "Bearer vn_not-a-token"})
    assert client.get("/api/v1/offers").status_code == 401
    assert client.get("/api/v1/education").status_code == 401


def test_distance_is_given_from_the_municipality_asked_for_nearest_first(welding):
    far = OfferFactory(model=welding, municipality=place("0580"))  # Linköping
    near = OfferFactory(model=welding, municipality=place("1980"))  # Västerås
    middle = OfferFactory(model=welding, municipality=place("1880"))  # Örebro
    items = Client().get("/api/v1/offers", {"municipality": "1980"}).json()["items"]
    assert [item["id"] for item in items] == [near.pk, middle.pk, far.pk]
    assert items[0]["distance_km"] == 0
    assert 60 < items[1]["distance_km"] < 100 < items[2]["distance_km"]
    within = Client().get("/api/v1/offers", {"municipality": "1980", "within_km": 100})
    assert offer_ids(within) == [near.pk, middle.pk]


def test_offers_filter_as_the_search_page_does(welding):
    other_model = ValidationModelFactory(
        name="Testmodell vård", kind=ModelKind.KOMVUX, ssyk=["5321"]
    )
    weld = OfferFactory(model=welding, municipality=place("1980"), languages=",sv,ar,")
    care = OfferFactory(model=other_model, municipality=place("0580"), remote=True)

    def ids(**params):
        return offer_ids(Client().get("/api/v1/offers", params))

    assert ids(kind="komvux") == [care.pk]
    assert ids(language="ar") == [weld.pk]
    assert ids(remote="true") == [care.pk]
    assert ids(occupation="72") == [weld.pk]  # SSYK of any level
    assert ids(occupation="5321") == [care.pk]
    assert ids(county="05") == [care.pk]
    assert ids(q="svetsare") == [weld.pk]
    # Words as people type them, English included: the API reads both languages.
    assert ids(q="welder") == [weld.pk]
    assert ids(q="underskoterska") == [care.pk]
    assert ids(q="assistant nurse") == [care.pk]
    assert ids(modified_after=(timezone.now() + timedelta(hours=1)).isoformat()) == []
    assert set(ids(modified_after="2020-01-01T00:00:00")) == {weld.pk, care.pk}


def test_filter_values_are_checked(reference_data):
    for name, value in [
        ("municipality", "Västerås"),
        ("county", "1"),
        ("kind", "apprenticeship"),
        ("language", "swedish"),
        ("within_km", -1),
        ("limit", 201),
        ("limit", 0),
    ]:
        response = Client().get("/api/v1/offers", {name: value})
        assert response.status_code == 422, name
        assert name in response.content.decode()


def test_paging_gives_the_total_and_a_slice(welding):
    offers = [OfferFactory(model=welding, municipality=place("1980")) for _ in range(5)]
    ordered = offer_ids(Client().get("/api/v1/offers", {"limit": 200}))
    assert sorted(ordered) == sorted(offer.pk for offer in offers)
    page = Client().get("/api/v1/offers", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 5
    assert [item["id"] for item in page["items"]] == ordered[2:4]


def test_every_page_of_the_list_is_a_slice_of_the_whole_ranking(welding):
    # Two equally relevant models and a less relevant one, several offers in the same places,
    # and offers that are not public (draft, ended, not yet begun) among them: each page,
    # however it falls across models and places, is the whole ranked list's slice.
    today = timezone.localdate()
    care = ValidationModelFactory(name="Testmodell vård", ssyk=["5321", "7212"])
    for code in ("1980", "1980", "0484", "0580", "1980", "0380", "0484", "1880", "0380"):
        OfferFactory(model=welding, municipality=place(code))
        OfferFactory(model=care, municipality=place(code))
    for status in (PublicationStatus.DRAFT, PublicationStatus.ARCHIVED):
        OfferFactory(model=welding, municipality=place("1980"), status=status)
    OfferFactory(model=care, municipality=place("1980"), valid_to=today - timedelta(days=1))
    OfferFactory(model=welding, municipality=place("0380"), valid_from=today + timedelta(days=1))
    for params in (
        {},
        {"municipality": "1980"},
        {"q": "svetsare"},
        {"q": "svetsare", "municipality": "0484"},
        {"county": "19"},
        {"county": "03", "municipality": "0580"},
    ):
        whole = Client().get("/api/v1/offers", {**params, "limit": 200}).json()
        everything = [item["id"] for item in whole["items"]]
        assert whole["count"] == len(everything) > 0, params
        for offset in range(0, len(everything) + 2, 4):
            page = Client().get("/api/v1/offers", {**params, "limit": 5, "offset": offset})
            assert offer_ids(page) == everything[offset : offset + 5], (params, offset)
    # The whole list without a place is by relevance, then by id; with one, nearest first.
    by_id = offer_ids(Client().get("/api/v1/offers", {"q": "svetsare", "limit": 200}))
    assert by_id[:9] == sorted(by_id[:9])
    near = Client().get("/api/v1/offers", {"municipality": "1980", "limit": 200}).json()
    distances = [item["distance_km"] for item in near["items"]]
    assert distances == sorted(distances)


def test_the_list_answers_alike_after_a_rolled_back_transaction(welding):
    # On PostgreSQL the page's statement is prepared once per connection, which outlives
    # transactions: one first prepared inside a transaction that is rolled back must still
    # be there for the next request.
    for code in ("1980", "0484", "0580"):
        OfferFactory(model=welding, municipality=place(code))
    params = {"municipality": "1980", "limit": 2}
    with suppress(RuntimeError), transaction.atomic():
        first = Client().get("/api/v1/offers", params).json()
        raise RuntimeError("roll back")
    assert Client().get("/api/v1/offers", params).json() == first
    assert [item["municipality"]["code"] for item in first["items"]] == ["1980", "0484"]


@pytest.mark.parametrize("size", [2, 40])
def test_offer_list_queries_do_not_grow_with_the_page(welding, django_assert_max_num_queries, size):
    models = [ValidationModelFactory(ssyk=["7212", "7411"]) for _ in range(3)]
    for index in range(size):
        OfferFactory(model=models[index % 3], municipality=place("1980"))
    # The first request after a change reads the data token and prepares under it the
    # distance table, the published offers counted per place, the catalogue of models
    # with their occupations (two) and the models' names; then the page (on PostgreSQL,
    # the first time on a connection, its statement is prepared first).
    with django_assert_max_num_queries(8):
        response = Client().get("/api/v1/offers", {"municipality": "1880", "limit": 200})
    assert response.json()["count"] == size
    assert all(item["occupations"] == ["7212", "7411"] for item in response.json()["items"])
    # Later requests: the data token and the page.
    with django_assert_max_num_queries(2):
        again = Client().get("/api/v1/offers", {"municipality": "1880", "limit": 200})
    assert again.json() == response.json()


# Models, education, organisations ---------------------------------------------------------


def test_models_list_active_ones_and_the_detail_has_steps_and_criteria(welding):
    retired = ValidationModelFactory(is_active=False)
    ModelStep.objects.create(model=welding, position=2, title="Bedömning")
    ModelStep.objects.create(model=welding, position=1, title="Kartläggning")
    Criterion.objects.create(model=welding, position=1, code="K1", title="Kälsvets")
    response = Client().get("/api/v1/models", {"limit": 200})
    ids = {item["id"] for item in response.json()["items"]}
    assert welding.pk in ids
    assert retired.pk not in ids
    detail = Client().get(f"/api/v1/models/{welding.pk}").json()
    assert detail["occupations"] == ["7212"]
    assert [step["title"] for step in detail["steps"]] == ["Kartläggning", "Bedömning"]
    assert detail["criteria"] == [
        {"position": 1, "code": "K1", "title": "Kälsvets", "description": ""}
    ]
    assert Client().get(f"/api/v1/models/{retired.pk}").status_code == 404


def test_models_filter_by_kind_and_occupation(welding):
    def ids(**params):
        return {item["id"] for item in Client().get("/api/v1/models", params).json()["items"]}

    assert welding.pk in ids(occupation="721")
    assert welding.pk not in ids(occupation="5321")
    assert welding.pk in ids(kind="branch")
    assert welding.pk not in ids(kind="komvux")


def test_education_lists_published_courses_nearest_first(welding):
    near = EducationFactory(title="Svetsteknik", municipality=place("1980"), closes=[welding])
    far = EducationFactory(title="Svetsteknik", municipality=place("0580"))
    EducationFactory(status=PublicationStatus.DRAFT)
    items = Client().get("/api/v1/education", {"municipality": "1980"}).json()["items"]
    assert [item["id"] for item in items] == [near.pk, far.pk]
    assert items[0]["closes_gaps_of"] == [welding.pk]
    assert items[0]["distance_km"] == 0
    assert items[0]["form"] == "komvux_course"
    detail = Client().get(f"/api/v1/education/{near.pk}").json()
    assert detail["title"] == "Svetsteknik"


def test_organisations_are_those_behind_public_entries(welding):
    provider = OfferFactory(model=welding, municipality=place("1980")).provider
    only_draft = OfferFactory(model=welding, status=PublicationStatus.DRAFT).provider
    teacher = EducationFactory().provider
    bystander = OrganisationFactory(name="Arbetsgivare utan erbjudanden")
    response = Client().get("/api/v1/organisations", {"limit": 200})
    ids = {item["id"] for item in response.json()["items"]}
    assert {provider.pk, teacher.pk} <= ids
    assert not {only_draft.pk, bystander.pk} & ids
    assert Client().get(f"/api/v1/organisations/{provider.pk}").json()["name"] == provider.name
    assert Client().get(f"/api/v1/organisations/{bystander.pk}").status_code == 404


# Writing offers ---------------------------------------------------------------------------


def offer_payload(model, organisation, **changes):
    return {
        "model_id": model.pk,
        "provider_id": organisation.pk,
        "external_id": "svets-1",
        "municipality": "1980",
        "languages": ["sv", "en"],
        "contact_email": "validering@vasteras.example",
        **changes,
    }


def test_writing_needs_a_token(komvux, welding):
    response = post_json(Client(), "/api/v1/offers", offer_payload(welding, komvux))
    assert response.status_code == 401
    assert not Offer.objects.exists()


def test_a_member_creates_a_draft_offer_for_their_organisation(personas, komvux, welding):
    client = token_client(personas["assessor_vasteras_komvux"])
    response = post_json(client, "/api/v1/offers", offer_payload(welding, komvux))
    assert response.status_code == 201, response.content
    offer = Offer.objects.get(pk=response.json()["id"])
    assert offer.provider == komvux
    assert offer.status == PublicationStatus.DRAFT
    assert offer.languages == ",sv,en,"
    assert offer.municipality.code == "1980"
    assert offer.history.first().history_user == personas["assessor_vasteras_komvux"]
    assert response.json()["status"] == "draft"
    assert "svets" in offer.search_stems  # the service kept the search text


def test_an_offer_for_another_organisation_is_forbidden(personas, welding):
    other = OrganisationFactory()
    client = token_client(personas["assessor_vasteras_komvux"])
    response = post_json(client, "/api/v1/offers", offer_payload(welding, other))
    assert response.status_code == 403
    assert response.json()["detail"]  # the service's reason, in the client's language
    assert not Offer.objects.exists()


def test_invalid_offers_are_422_with_the_fields_at_fault(personas, komvux, welding):
    client = token_client(personas["assessor_vasteras_komvux"])

    def fields(**changes):
        response = post_json(client, "/api/v1/offers", offer_payload(welding, komvux, **changes))
        assert response.status_code == 422, response.content
        return {tuple(error["loc"][2:]) for error in response.json()["detail"]}

    assert fields(municipality="0000") == {("municipality",)}
    assert fields(model_id=999999) == {("model_id",)}
    assert fields(provider_id=999999) == {("provider_id",)}
    assert ("contact_email",) in fields(contact_email="not an address")
    assert ("url",) in fields(url="not a url")
    assert fields(languages=["xx"]) == {("languages",)}
    assert fields(valid_from="2026-06-01", valid_to="2026-01-01") == {()}  # the whole offer
    assert not Offer.objects.exists()


def test_a_duplicate_external_id_is_422(personas, komvux, welding):
    OfferFactory(model=welding, provider=komvux, external_id="svets-1")
    client = token_client(personas["assessor_vasteras_komvux"])
    response = post_json(client, "/api/v1/offers", offer_payload(welding, komvux))
    assert response.status_code == 422


def test_patch_changes_only_the_fields_sent(personas, komvux, welding):
    offer = OfferFactory(model=welding, provider=komvux, description="Före", remote=False)
    client = token_client(personas["assessor_vasteras_komvux"])
    response = patch_json(
        client, f"/api/v1/offers/{offer.pk}", {"remote": True, "municipality": "1880"}
    )
    assert response.status_code == 200, response.content
    offer.refresh_from_db()
    assert offer.remote is True
    assert offer.municipality.code == "1880"
    assert offer.description == "Före"
    assert response.json()["municipality"]["code"] == "1880"
    response = patch_json(client, f"/api/v1/offers/{offer.pk}", {"description": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "description"]


def test_patch_of_another_organisations_offer_is_403_or_404_if_unseen(personas, welding):
    published = OfferFactory(model=welding)
    draft = OfferFactory(model=welding, status=PublicationStatus.DRAFT)
    client = token_client(personas["assessor_vasteras_komvux"])
    assert patch_json(client, f"/api/v1/offers/{published.pk}", {"remote": True}).status_code == 403
    assert patch_json(client, f"/api/v1/offers/{draft.pk}", {"remote": True}).status_code == 404
    published.refresh_from_db()
    assert published.remote is False


def test_publish_publishes_or_sends_for_review_as_the_region_wants(personas, komvux, welding):
    client = token_client(personas["assessor_vasteras_komvux"])
    draft = OfferFactory(model=welding, provider=komvux, status=PublicationStatus.DRAFT)
    response = post_json(client, f"/api/v1/offers/{draft.pk}/publish", {})
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    RegionPolicy.objects.create(county=place("1980").county, review_required=True)
    second = OfferFactory(model=welding, provider=komvux, status=PublicationStatus.DRAFT)
    response = post_json(client, f"/api/v1/offers/{second.pk}/publish", {})
    assert response.json()["status"] == "in_review"
    reviewer = token_client(personas["rua_vastmanland"])
    response = post_json(reviewer, f"/api/v1/offers/{second.pk}/publish", {})
    assert response.json()["status"] == "published"


def test_an_archived_offer_cannot_be_published(personas, komvux, welding):
    archived = OfferFactory(model=welding, provider=komvux, status=PublicationStatus.ARCHIVED)
    client = token_client(personas["assessor_vasteras_komvux"])
    response = post_json(client, f"/api/v1/offers/{archived.pk}/publish", {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload"]
    assert response.json()["detail"][0]["msg"]


def test_a_revoked_token_writes_nothing(personas, komvux, welding):
    user = personas["assessor_vasteras_komvux"]
    new = api_token_create(actor=user, name="old")
    api_token_revoke(token=new.token, actor=user)
    client = Client(headers={"Authorization": f"Bearer {new.secret}"})
    response = post_json(client, "/api/v1/offers", offer_payload(welding, komvux))
    assert response.status_code == 401


def test_a_token_of_someone_without_atlas_rights_cannot_write(personas, welding):
    """A token acts as its user: when the user may not edit, neither may the token."""
    counsellor = personas["counsellor_orebro"]
    own = Organisation.objects.get(memberships__user=counsellor)
    rua = personas["rua_vastmanland"]
    # Made while the counsellor could; the role that allowed it is gone now.
    token = api_token_create(actor=rua, name="borrowed")
    token.token.user = counsellor
    token.token.save()
    client = Client(headers={"Authorization": f"Bearer {token.secret}"})
    response = post_json(client, "/api/v1/offers", offer_payload(welding, own))
    assert response.status_code == 403


# Writing education ------------------------------------------------------------------------


def education_payload(organisation, **changes):
    return {
        "title": "Svetsteknik 1",
        "provider_id": organisation.pk,
        "external_id": "kurs-1",
        "municipality": "1980",
        "form": EducationForm.KOMVUX_COURSE,
        "occupations": ["7212"],
        "start_dates": ["2026-08-17", "2027-01-11"],
        **changes,
    }


def test_a_member_creates_changes_and_publishes_education(personas, komvux, welding):
    client = token_client(personas["assessor_vasteras_komvux"])
    payload = education_payload(komvux, closes_gaps_of=[welding.pk])
    response = post_json(client, "/api/v1/education", payload)
    assert response.status_code == 201, response.content
    education = ComplementaryEducation.objects.get(pk=response.json()["id"])
    assert education.status == PublicationStatus.DRAFT
    assert list(education.occupations.values_list("code", flat=True)) == ["7212"]
    assert list(education.closes_gaps_of.all()) == [welding]
    assert education.start_dates == ["2026-08-17", "2027-01-11"]
    response = patch_json(
        client, f"/api/v1/education/{education.pk}", {"pace_percent": 50, "occupations": []}
    )
    assert response.status_code == 200, response.content
    education.refresh_from_db()
    assert education.pace_percent == 50
    assert not education.occupations.exists()
    assert list(education.closes_gaps_of.all()) == [welding]  # not sent, not changed
    response = post_json(client, f"/api/v1/education/{education.pk}/publish", {})
    assert response.json()["status"] == "published"


def test_education_with_unknown_codes_or_for_others_is_refused(personas, komvux):
    client = token_client(personas["assessor_vasteras_komvux"])
    response = post_json(client, "/api/v1/education", education_payload(komvux, occupations=["99"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "occupations"]
    response = post_json(client, "/api/v1/education", education_payload(OrganisationFactory()))
    assert response.status_code == 403
    assert not ComplementaryEducation.objects.exists()
