"""The demo atlas: offers and complementary education over all 52 municipalities."""

from datetime import date

import pytest
from django.db import transaction

from valnav.accounts.models import Organisation
from valnav.atlas.models import ComplementaryEducation, Offer, PublicationStatus
from valnav.atlas.selectors import SearchFilters, education_search, offer_search
from valnav.casework.komvux import komvux_catalogue
from valnav.demo.atlas import KOMVUX_COURSES, demo_atlas_seed
from valnav.demo.dates import is_working_day
from valnav.lib.geo import haversine_km
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded_once(_personas_committed, django_db_blocker):
    """The demo atlas seeded once for the module, inside a transaction rolled back at its end:
    each test runs in a savepoint inside it (pytest-django's `db`), so that what one test
    deletes or changes, the next does not see. Seeded per test it cost two seconds a test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_atlas_seed()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, personas):
    """The demo accounts (personas) and the demo atlas, as `seed_demo` makes them."""
    return _seeded_once


def snapshot():
    offers = Offer.objects.order_by("provider__name", "external_id").values_list(
        "provider__name",
        "external_id",
        "model__key",
        "municipality__code",
        "status",
        "languages",
        "capacity_per_year",
        "last_reviewed",
        "search_stems",
    )
    educations = ComplementaryEducation.objects.order_by("provider__name", "external_id")
    return list(offers), list(
        educations.values_list("provider__name", "external_id", "title", "start_dates", "status")
    )


def test_the_seed_makes_a_realistic_amount_of_rows(seeded):
    offers, educations = seeded
    assert 300 <= offers <= 500
    assert 150 <= educations <= 300
    assert Offer.objects.count() == offers
    assert ComplementaryEducation.objects.count() == educations


def test_every_municipality_has_a_published_offer_or_education(seeded):
    covered = set(Offer.objects.published().values_list("municipality__code", flat=True)) | set(
        ComplementaryEducation.objects.published().values_list("municipality__code", flat=True)
    )
    assert covered == set(Municipality.objects.values_list("code", flat=True))
    assert len(covered) == 52


def test_a_second_seed_creates_nothing(seeded):
    before = snapshot()
    assert demo_atlas_seed() == (0, 0)
    assert snapshot() == before


def test_the_same_rows_come_back_after_they_are_deleted(seeded):
    before = snapshot()
    Offer.objects.all().delete()
    ComplementaryEducation.objects.all().delete()
    assert demo_atlas_seed() == seeded
    assert snapshot() == before


def test_every_demo_row_and_provider_is_marked_as_demo(seeded):
    assert not Offer.objects.filter(is_demo=False).exists()
    assert not ComplementaryEducation.objects.filter(is_demo=False).exists()
    assert not Offer.objects.filter(provider__is_demo=False).exists()
    assert not ComplementaryEducation.objects.filter(provider__is_demo=False).exists()
    providers = Organisation.objects.filter(offers__isnull=False).distinct()
    persona_org = "Västerås stad, Vuxenutbildningen (demo)"
    assert all(p.name.endswith("(demo)") or p.name == persona_org for p in providers)
    emails = set(Offer.objects.values_list("contact_email", flat=True))
    assert all(email.endswith("@demo.valnav.example") for email in emails)


def test_vasteras_komvux_offers_vard_och_omsorg_and_the_assessor_owns_a_draft(seeded, personas):
    vasteras = Offer.objects.filter(municipality__code="1980", model__key="komvux-vard-omsorg")
    assert vasteras.published().exists()
    persona_offers = Offer.objects.filter(provider__name="Västerås stad, Vuxenutbildningen (demo)")
    assert persona_offers.published().count() >= 3
    draft = persona_offers.get(status=PublicationStatus.DRAFT)
    assessor = personas["assessor_vasteras_komvux"]
    assert Offer.objects.visible_to(assessor).filter(pk=draft.pk).exists()
    assert Offer.objects.editable_by(assessor).filter(pk=draft.pk).exists()
    assert not Offer.objects.visible_to(personas["counsellor_orebro"]).filter(pk=draft.pk).exists()


def test_searching_underskoterska_from_vasteras_lists_vasteras_first(seeded):
    results, _origin = offer_search(
        filters=SearchFilters(query="undersköterska", municipality="1980")
    )
    found = list(results)
    assert found[0].municipality.code == "1980"
    assert found[0].model.key == "komvux-vard-omsorg"
    distances = [offer.distance_km for offer in found if offer.relevance == found[0].relevance]
    assert distances == sorted(distances)
    assert len({offer.municipality_id for offer in found}) > 20


def test_a_welder_in_katrineholm_finds_a_welding_validation_nearby(seeded):
    katrineholm = Municipality.objects.get(code="0483")
    found, _origin = offer_search(filters=SearchFilters(query="svetsare", municipality="0483"))
    welding = [offer for offer in found if offer.model.key == "svets"]
    assert welding
    nearest = welding[0].municipality
    km = haversine_km(
        katrineholm.centroid_lat,
        katrineholm.centroid_lon,
        nearest.centroid_lat,
        nearest.centroid_lon,
    )
    assert km <= 40
    educations, _origin = education_search(
        filters=SearchFilters(query="svetsare", municipality="0483", within_km=60)
    )
    assert educations.exists()


def test_some_occupations_are_white_spots(seeded):
    electricians = set(
        Offer.objects.published()
        .filter(model__key__in=["ecy-el", "komvux-el"])
        .values_list("municipality__code", flat=True)
    )
    assert 5 <= len(electricians) <= 12
    kock = Offer.objects.filter(model__key__in=["komvux-kock", "uhr-hotell-restaurang"])
    assert kock.values("municipality").distinct().count() < 40


def test_offers_look_like_real_ones(seeded):
    offers = list(Offer.objects.select_related("model"))
    statuses = {offer.status for offer in offers}
    assert PublicationStatus.PUBLISHED in statuses
    assert PublicationStatus.DRAFT in statuses
    assert Offer.objects.stale().exists()
    assert Offer.objects.exclude(pk__in=Offer.objects.stale()).exists()
    komvux = [offer for offer in offers if offer.model.kind == "komvux"]
    assert all(offer.cost_to_individual == 0 for offer in komvux)
    assert {",sv,", ",sv,ar,"} <= {offer.languages for offer in offers}
    assert all(offer.search_stems for offer in offers)
    # Published over the seed project's period (2022-11 – 2024-11) and after it, on working
    # days, each offer's first history row dated the day it became valid.
    days = [offer.valid_from for offer in offers if offer.valid_from is not None]
    assert len(days) == len(offers)
    assert all(is_working_day(day) for day in days)
    assert min(days) < date(2023, 6, 1)
    assert max(days) > date(2025, 6, 1)
    assert sum(day <= date(2024, 11, 30) for day in days) >= len(days) // 3
    first = Offer.history.filter(history_type="+").order_by("id").first()
    assert first.history_date.date() == Offer.objects.get(pk=first.id).valid_from


def test_branch_offers_cost_what_their_model_says_or_are_not_known(seeded):
    branch = Offer.objects.filter(model__kind="branch").select_related("model")
    costs: dict[str, set[int | None]] = {}
    for offer in branch:
        costs.setdefault(offer.model.key, set()).add(offer.cost_to_individual)
    # The gesällprov is paid by the individual; the employer pays for Sobona's profiles; a
    # model where it depends on the case has no cost given.
    assert all(cost and 3000 <= cost <= 6000 for cost in costs["hantverksradet-gesall"])
    assert costs["sobona-yrkesprofiler"] == {0}
    assert costs["byn-bygg"] == {None}
    every = set().union(*costs.values())
    assert 0 in every
    assert None in every
    assert any(cost for cost in every)


def test_education_closes_the_gaps_of_models_and_starts_in_2027(seeded):
    educations = ComplementaryEducation.objects.prefetch_related("occupations", "closes_gaps_of")
    forms = set()
    for education in educations:
        forms.add(education.form)
        assert education.closes_gaps_of.all(), education.title
        assert education.occupations.all(), education.title
        assert education.start_dates, education.title
        assert all(start.startswith("2027-") for start in education.start_dates)
        assert education.search_stems
    assert forms >= {"komvux_course", "yrkespaket", "yh", "labour_market_training"}
    assert ComplementaryEducation.objects.filter(title="Omvårdnad nivå 1").exists()
    assert not ComplementaryEducation.objects.filter(title="Vård- och omsorgsarbete 1").exists()


def test_demo_vard_courses_are_gy25_subject_levels_of_the_catalogue():
    """Demo courses start after 2025-07-01, so they are Gy25 subject levels, named as in the
    Komvux catalogue, not Gy11 courses such as "Vård- och omsorgsarbete 1"."""
    gy25 = {c.name for c in komvux_catalogue().values() if c.system == "gy25_subject"}
    titles = [plan.title for plan in KOMVUX_COURSES["komvux-vard-omsorg"]]
    assert titles
    assert [title for title in titles if title not in gy25] == []
