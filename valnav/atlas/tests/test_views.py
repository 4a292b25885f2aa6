import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from valnav.accounts.models import Organisation
from valnav.atlas.models import ModelKind, Offer, PublicationStatus, RegionPolicy
from valnav.atlas.selectors import coverage_bin
from valnav.atlas.tests.factories import (
    EducationFactory,
    OfferFactory,
    OrganisationFactory,
    ValidationModelFactory,
)
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db


@pytest.fixture
def vard(personas):
    model = ValidationModelFactory(
        name="Validering inom vård och omsorg", kind=ModelKind.KOMVUX, ssyk=["5321"]
    )
    model.criteria.create(position=1, code="VO-1", title="Vård- och omsorgsarbete")
    model.criteria.create(position=2, code="VO-2", title="Etik och människans livsvillkor")
    model.steps.create(position=1, title="Kartläggning")
    return model


@pytest.fixture
def own_org(personas):
    return Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")


def place(code):
    return Municipality.objects.get(code=code)


def test_search_page_works_without_javascript_and_the_url_can_be_shared(vard):
    OfferFactory(model=vard, municipality=place("1980"))
    OfferFactory(model=vard, municipality=place("0484"))
    url = reverse("atlas:search") + "?q=undersköterska&municipality=1980"
    page = Client().get(url).content.decode()
    results = page[page.index('id="results"') :]
    assert "2 valideringserbjudanden" in results
    assert results.index("Västerås") < results.index("Eskilstuna")


@pytest.mark.parametrize(
    ("language", "away", "facts"),
    [
        ("sv", "Eskilstuna</a> (", "km bort) · Kostnad: 1500 kr · Börjar oftast inom 3 veckor"),
        ("en", "Eskilstuna</a> (", "km away) · Cost: 1500 kr · Usually starts within 3 weeks"),
    ],
)
def test_each_offer_in_a_group_says_how_far_what_it_costs_and_when_it_starts(
    vard, language, away, facts
):
    OfferFactory(model=vard, municipality=place("1980"), cost_to_individual=0)
    OfferFactory(
        model=vard,
        municipality=place("0484"),
        cost_to_individual=1500,
        lead_time_weeks=3,
        remote=True,
    )
    with translation.override(language):
        url = reverse("atlas:search") + "?q=undersköterska&municipality=1980"
    page = " ".join(Client().get(url).content.decode().split())
    found = re.search(re.escape(away) + r"(\d+) " + re.escape(facts), page)
    assert found, page[page.index(away) : page.index(away) + 200]
    assert found.group(1) == "38"  # Västerås to Eskilstuna, centroid to centroid
    line = page[found.end() :]
    assert line.startswith((" · Kan göras på distans", " · Can be done remotely"))
    # The chosen municipality's own offer says no distance.
    assert "Västerås</a> ·" in page


def test_htmx_gets_only_the_results_fragment(vard, django_assert_max_num_queries):
    for _ in range(25):
        OfferFactory(model=vard, municipality=place("1980"))
    with django_assert_max_num_queries(13):
        response = Client().get(
            reverse("atlas:search"),
            {"q": "undersköterska", "municipality": "1980"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="results",
        )
    body = response.content.decode()
    assert "<html" not in body
    # One entry for the model (25 offers with one title), its three nearest offers and a way
    # to all the others; no education yet.
    assert body.count('class="result"') == 1
    assert body.count(f"<h3>{vard.name}</h3>") == 1
    assert "Fler orter (22 till)" in body


def test_more_places_lists_every_offer_of_one_model_page_by_page(vard):
    for _ in range(25):
        OfferFactory(model=vard, municipality=place("1980"))
    response = Client().get(
        reverse("atlas:search"), {"q": "undersköterska", "model": vard.key, "page": "2"}
    )
    assert response.context["page"].count == 25
    assert len(response.context["page"].items) == 5


def test_a_search_that_finds_nothing_offers_a_next_step(vard):
    Organisation.objects.create(
        name="Västerås stad",
        kind="municipality",
        municipality=place("1980"),
        website="https://www.vasteras.se/",
    )
    page = (
        Client()
        .get(reverse("atlas:search"), {"q": "svtesare", "municipality": "1980"})
        .content.decode()
    )
    assert "Inga valideringserbjudanden matchar" in page
    assert "Menade du" in page
    assert ">svetsare</a>" in page
    assert reverse("atlas:route") in page
    assert "Västerås stad" in page
    assert "https://www.vasteras.se/" in page


def test_english_pages_mark_swedish_names_and_read_english_words(vard):
    OfferFactory(model=vard, municipality=place("1980"))
    with translation.override("en"):
        url = reverse("atlas:search")
    page = Client().get(url, {"q": "assistant nurse"})
    body = page.content.decode()
    assert page.context["count"] == 1
    assert f'<h3 lang="sv">{vard.name}</h3>' in body


def test_offer_page_shows_steps_outcome_contact_and_nearest_education(vard):
    offer = OfferFactory(
        model=vard,
        municipality=place("1980"),
        contact_email="vux@example.se",
        cost_to_individual=0,
        lead_time_weeks=3,
    )
    EducationFactory(title="Vård- och omsorgsarbete 1", municipality=place("0484"), closes=[vard])
    page = Client().get(offer.get_absolute_url()).content.decode()
    for text in [
        "Kartläggning",
        "Etik och människans livsvillkor",
        "vux@example.se",
        "Kostnadsfritt",
        "Vård- och omsorgsarbete 1",
    ]:
        assert text in page, text


def test_a_draft_is_hidden_from_the_public_and_from_other_organisations(vard, personas):
    draft = OfferFactory(model=vard, status=PublicationStatus.DRAFT)
    assert Client().get(draft.get_absolute_url()).status_code == 404
    client = Client()
    client.force_login(personas["counsellor_orebro"])
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_member_creates_a_draft_for_their_own_organisation_and_publishes_it(
    vard, own_org, personas
):
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    response = client.post(
        reverse("atlas:offer-create"),
        {
            "model": vard.pk,
            "provider": own_org.pk,
            "external_id": "VO-2027",
            "municipality": place("1980").pk,
            "on_site": "on",
            "languages": "sv, ar",
            "cost_to_individual": "0",
            "contact_email": "vux@example.se",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(external_id="VO-2027")
    assert offer.status == PublicationStatus.DRAFT
    assert offer.languages == ",sv,ar,"
    assert offer.history.first().history_user == personas["assessor_vasteras_komvux"]
    client.post(reverse("atlas:offer-publish", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == PublicationStatus.PUBLISHED


def test_a_member_cannot_create_for_another_organisation(vard, personas):
    other = OrganisationFactory()
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    response = client.post(
        reverse("atlas:offer-create"),
        {
            "model": vard.pk,
            "provider": other.pk,
            "external_id": "X",
            "municipality": place("1980").pk,
            "languages": "sv",
            "cost_to_individual": "0",
        },
    )
    assert response.status_code == 200
    assert "provider" in response.context["form"].errors
    assert not Offer.objects.filter(external_id="X").exists()


def test_bad_language_codes_are_named_in_the_error(vard, own_org, personas):
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    response = client.post(
        reverse("atlas:offer-create"),
        {
            "model": vard.pk,
            "provider": own_org.pk,
            "external_id": "L",
            "municipality": place("1980").pk,
            "languages": "sv, xx",
            "cost_to_individual": "0",
        },
    )
    assert "xx" in str(response.context["form"].errors["languages"])


def test_where_the_region_wants_review_a_member_only_sends_for_review(vard, own_org, personas):
    RegionPolicy.objects.create(county=County.objects.get(code="19"), review_required=True)
    offer = OfferFactory(model=vard, provider=own_org, status=PublicationStatus.DRAFT)
    assessor = Client()
    assessor.force_login(personas["assessor_vasteras_komvux"])
    assessor.post(reverse("atlas:offer-publish", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == PublicationStatus.IN_REVIEW
    rua = Client()
    rua.force_login(personas["rua_vastmanland"])
    assert (
        "Validering inom vård och omsorg" in rua.get(reverse("atlas:review-queue")).content.decode()
    )
    rua.post(reverse("atlas:offer-publish", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == PublicationStatus.PUBLISHED


def test_history_shows_who_changed_what(vard, own_org, personas):
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    offer = OfferFactory(model=vard, provider=own_org, lead_time_weeks=4)
    response = client.post(
        reverse("atlas:offer-edit", args=[offer.pk]),
        {
            "model": vard.pk,
            "provider": own_org.pk,
            "external_id": offer.external_id,
            "municipality": place("1980").pk,
            "languages": "sv",
            "cost_to_individual": "0",
            "lead_time_weeks": "6",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("atlas:offer-history", args=[offer.pk])).content.decode()
    assert "Bodil Bedömare" in page
    assert "typisk väntetid (veckor)" in page.lower()
    assert ">4<" in page
    assert ">6<" in page


def test_stale_offers_are_flagged_to_their_owners(vard, own_org, personas):
    OfferFactory(model=vard, provider=own_org, last_reviewed=None)
    client = Client()
    client.force_login(personas["assessor_vasteras_komvux"])
    page = client.get(reverse("atlas:my-offers")).content.decode()
    assert "inte granskats på tolv månader" in page


def test_coverage_table_and_csv_say_the_same_as_the_map(vard):
    OfferFactory(model=vard, municipality=place("1980"), capacity_per_year=40)
    response = Client().get(reverse("atlas:coverage"), {"occupation": "5321"})
    assert response.context["white_spots"] == 51
    map_data = response.context["map_data"]
    assert len(map_data["locations"]) == 52
    counts = {category["label"]: category["count"] for category in map_data["categories"]}
    assert counts == {"0, vit fläck": 51, "1–2": 1, "3–5": 0, "6–10": 0, "11 eller fler": 0}
    csv_text = Client().get(reverse("atlas:coverage-csv"), {"occupation": "5321"}).content.decode()
    lines = csv_text.strip().splitlines()
    assert len(lines) == 53
    assert "1980;Västerås;1;40" in csv_text


@pytest.mark.parametrize(
    ("offers", "category"), [(0, 0), (1, 1), (2, 1), (3, 2), (5, 2), (6, 3), (10, 3), (11, 4)]
)
def test_coverage_bins_hold_whole_offers(offers, category):
    assert coverage_bin(offers) == category


def test_coverage_legend_reads_in_whole_offers_in_english_too(vard):
    for _ in range(12):
        OfferFactory(model=vard, municipality=place("1980"))
    with translation.override("en"):
        url = reverse("atlas:coverage")
    page = Client().get(url).content.decode()
    legend = page[
        page.index('<ul class="map-legend"') : page.index(
            "</ul>", page.index('<ul class="map-legend"')
        )
    ]
    labels = re.findall(r'<span class="map-legend-label">([^<]*)</span>', legend)
    assert labels == ["0, white spot", "1–2", "3–5", "6–10", "11 or more"]
    counts = re.findall(r'<span class="map-legend-count">([^<]*)</span>', legend)
    assert counts == [
        "51 municipalities",
        "0 municipalities",
        "0 municipalities",
        "0 municipalities",
        "1 municipality",
    ]


def test_route_finder_ends_in_a_local_offer_for_a_welder_in_katrineholm(personas):
    svets = ValidationModelFactory(name="Validering av svetsare", ssyk=["7212"])
    svets.criteria.create(position=1, code="S-1", title="Kälsvets")
    OfferFactory(model=svets, municipality=place("0484"))
    near = OfferFactory(model=svets, municipality=place("0483"), contact_email="test@example.se")
    client = Client()
    url = reverse("atlas:route")
    client.post(url, {"step": "occupation", "occupation_text": "svetsare"})
    client.post(url, {"step": "municipality", "municipality_code": "0483"})
    client.post(url, {"step": "documents", "documents": "abroad"})
    response = client.post(url, {"step": "language", "language": "ar"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("atlas:route-result")
    assert page.index("Katrineholm") < page.index("Eskilstuna")
    assert near.contact_email in page
    assert "UHR" in page
    assessment = client.post(
        reverse("atlas:route-self-assessment"),
        {f"criterion-{svets.criteria.get().pk}": "partly"},
        follow=True,
    )
    assert "checked" in assessment.content.decode()


def test_route_finder_with_nothing_nearby_shows_the_nearest_and_distance_options(personas):
    svets = ValidationModelFactory(name="Validering av svetsare", ssyk=["7212"])
    OfferFactory(model=svets, municipality=place("0580"))
    course = EducationFactory(title="Svetsteknik på distans", municipality=place("0581"))
    course.remote = True
    course.save()
    course.occupations.set(Occupation.objects.filter(code="7212"))
    client = Client()
    url = reverse("atlas:route")
    client.post(url, {"step": "occupation", "occupation_text": "svetsare"})
    client.post(url, {"step": "municipality", "municipality_code": "1980"})
    client.post(url, {"step": "documents", "documents": "swedish"})
    page = client.post(url, {"step": "language", "language": "sv"}, follow=True)
    body = page.content.decode()
    assert "Det finns inget erbjudande inom 50 km från Västerås" in body
    assert "Linköping" in body
    assert "På distans" in body
    assert "Svetsteknik på distans" in body


def test_route_finder_asks_to_choose_when_several_occupations_match(personas):
    response = Client().post(
        reverse("atlas:route"), {"step": "occupation", "occupation_text": "undersköterska"}
    )
    assert response.status_code == 200
    assert 'name="occupation_code"' in response.content.decode()


@pytest.mark.parametrize(
    ("words", "code"),
    [("lastbilschaufför", "8332"), ("underskoterska", "5321"), ("rörmokare", "7125")],
)
def test_route_finder_reads_words_as_people_type_them(reference_data, words, code):
    client = Client()
    response = client.post(reverse("atlas:route"), {"step": "occupation", "occupation_text": words})
    if response.status_code == 302:  # one occupation matched: the next question follows
        assert client.session["valnav_route"]["occupation_code"] == code
    else:
        assert response.context["form"].choices[0].code == code


def test_route_finder_answers_a_branch_word_with_that_branchs_occupations(reference_data):
    response = Client().post(
        reverse("atlas:route"), {"step": "occupation", "occupation_text": "bygg"}
    )
    codes = [occupation.code for occupation in response.context["form"].choices]
    assert codes
    assert all(code.startswith("71") for code in codes)
    assert "Museiintendenter" not in response.content.decode()


def test_one_bad_filter_drops_only_itself(vard):
    OfferFactory(model=vard, municipality=place("1980"))
    OfferFactory(model=vard, municipality=place("0580"))
    response = Client().get(reverse("atlas:search"), {"county": "19", "language": "xx"})
    assert response.context["count"] == 1
    assert "language" in response.context["form"].errors


def test_huge_page_numbers_and_stale_route_posts_are_handled(vard):
    assert Client().get(reverse("atlas:search"), {"q": "vård", "page": "9" * 30}).status_code == 200
    response = Client().post(reverse("atlas:route"), {"step": "nonsense"})
    assert response.status_code == 302


def test_the_download_lists_what_the_page_lists(vard):
    near = OfferFactory(model=vard, municipality=place("1980"), languages=",sv,ar,")
    OfferFactory(model=vard, municipality=place("0580"), languages=",sv,ar,")
    OfferFactory(model=vard, municipality=place("1961"), languages=",sv,")
    params = {"municipality": "1980", "within_km": "25", "language": "ar", "format": "csv"}
    page = Client().get(reverse("atlas:search"), params)
    groups = page.context["result"].groups
    assert [offer.pk for group in groups for offer in group.offers] == [near.pk]
    exported = Client().get(reverse("atlas:export"), params).content.decode("utf-8-sig")
    assert len(exported.strip().splitlines()) == 2  # header and the one offer


def test_route_finder_back_asks_the_previous_question_again(personas):
    client = Client()
    url = reverse("atlas:route")
    client.post(url, {"step": "occupation", "occupation_text": "svetsare"})
    client.post(url, {"step": "municipality", "municipality_code": "0483"})
    client.post(url, {"step": "documents", "action": "back"})
    page = client.get(url).content.decode()
    assert 'name="municipality_code"' in page
    assert client.session["valnav_route"]["occupation_code"] == "7212"


def test_coverage_reads_an_occupation_in_everyday_words(vard):
    OfferFactory(model=vard, municipality=place("1980"))
    response = Client().get(reverse("atlas:coverage"), {"q": "usk"})
    assert response.context["white_spots"] == 51
    nothing = Client().get(reverse("atlas:coverage"), {"q": "svetsare"})
    assert nothing.context["white_spots"] == 52
