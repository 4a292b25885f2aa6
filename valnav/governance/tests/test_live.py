"""Live indicators: each one moves when the thing it counts happens, only within the period,
hides small counts of people, and costs a fixed number of queries."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.atlas.models import ModelKind, Offer, PublicationStatus
from valnav.atlas.services import offer_archive, offer_publish
from valnav.atlas.tests.factories import OfferFactory, ValidationModelFactory
from valnav.casework.case_io import cases_import
from valnav.events.models import EventKind, EventState, ParticipantGender
from valnav.events.tests.factories import EventFactory, RegistrationFactory
from valnav.governance.live import LIVE_INDICATORS, LiveIndicator, LiveValue
from valnav.outreach.models import Material
from valnav.outreach.tests.factories import make_material
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Branch, Occupation

pytestmark = pytest.mark.django_db

KEYS = {
    "offers_published",
    "municipalities_with_focus_offer",
    "validations_completed",
    "events_held",
    "event_participants",
    "materials_published",
}


def compute(key: str, *, since: date, until: date) -> LiveValue:
    return LIVE_INDICATORS[key].compute(since=since, until=until)


def today() -> date:
    return timezone.localdate()


def last_week() -> dict[str, date]:
    return {"since": today() - timedelta(days=7), "until": today()}


@pytest.fixture
def reviewer(personas):
    return personas["rua_vastmanland"]


def test_the_registry_offers_the_six_indicators_with_english_labels(reference_data):
    assert set(LIVE_INDICATORS) == KEYS
    for key, indicator in LIVE_INDICATORS.items():
        assert isinstance(indicator, LiveIndicator)
        assert indicator.key == key
        assert str(indicator.label)
        assert str(indicator.unit)
        result = indicator.compute(**last_week())
        assert isinstance(result, LiveValue)
        assert isinstance(result.value, int)


# --- Offers -----------------------------------------------------------------------------------


def test_publishing_an_offer_raises_offers_published(reviewer):
    before = compute("offers_published", **last_week())
    offer = OfferFactory(status=PublicationStatus.DRAFT)  # in Västerås, county 19
    assert compute("offers_published", **last_week()) == before

    offer_publish(offer=offer, actor=reviewer)

    after = compute("offers_published", **last_week())
    assert after.value == before.value + 1
    assert after.breakdown["19"] == int(before.breakdown.get("19", 0)) + 1


def test_offers_published_counts_offers_valid_on_the_closing_day(reviewer):
    before = compute("offers_published", **last_week())
    OfferFactory(valid_to=today() - timedelta(days=1))
    OfferFactory(valid_from=today() + timedelta(days=1))
    assert compute("offers_published", **last_week()) == before
    later = today() + timedelta(days=2)
    assert compute("offers_published", since=today(), until=later).value == before.value + 1


def days_ago(days: int) -> dict[str, date]:
    """A period of a month that closed `days` days ago."""
    return {"since": today() - timedelta(days=days + 30), "until": today() - timedelta(days=days)}


def test_offers_published_on_a_past_day_reads_the_history(reviewer):
    offer = OfferFactory(status=PublicationStatus.DRAFT)
    offer_publish(offer=offer, actor=reviewer)
    # As if it had been created twelve days ago and published ten days ago (the reference
    # data's offers were all created today, so on earlier days ours is the only one).
    *drafts, published = Offer.history.filter(id=offer.pk).order_by("history_id")
    for row, days in [*((draft, 12) for draft in drafts), (published, 10)]:
        Offer.history.filter(history_id=row.history_id).update(
            history_date=timezone.now() - timedelta(days=days)
        )
    assert compute("offers_published", **days_ago(5)) == LiveValue(value=1, breakdown={"19": 1})
    assert compute("offers_published", **days_ago(11)).value == 0  # a draft then
    assert compute("offers_published", **days_ago(13)).value == 0  # not there yet

    now_before = compute("offers_published", **last_week())
    offer_archive(offer=offer, actor=reviewer)

    assert compute("offers_published", **days_ago(5)).value == 1
    assert compute("offers_published", **last_week()).value == now_before.value - 1
    assert compute("offers_published", **days_ago(0)).value == now_before.value - 1


def test_an_offer_deleted_before_the_day_no_longer_counts_on_it(reference_data):
    offer = OfferFactory()
    Offer.history.filter(id=offer.pk).update(history_date=timezone.now() - timedelta(days=10))
    assert compute("offers_published", **days_ago(2)).value == 1
    offer_id = offer.pk
    offer.delete()
    Offer.history.filter(id=offer_id, history_type="-").update(
        history_date=timezone.now() - timedelta(days=5)
    )
    assert compute("offers_published", **days_ago(2)).value == 0
    assert compute("offers_published", **days_ago(7)).value == 1


def test_a_branch_model_offered_in_a_new_municipality_raises_the_focus_indicator(reviewer):
    before = compute("municipalities_with_focus_offer", **last_week())
    focus_model = ValidationModelFactory(branch=Branch.objects.first(), ssyk=["5321"])
    # An occupation no branch model covers: its offers are for no focus occupation.
    other = Occupation.objects.unit_groups().exclude(validation_models__branch__isnull=False)[0]
    other_model = ValidationModelFactory(kind=ModelKind.KOMVUX, ssyk=[other.code])
    # A municipality without offers, so that the count can only move through ours.
    municipality = Municipality.objects.exclude(
        pk__in=Offer.objects.values("municipality_id")
    ).order_by("code")[0]
    OfferFactory(model=other_model, municipality=municipality)
    OfferFactory(model=focus_model, municipality=municipality, status=PublicationStatus.DRAFT)
    assert compute("municipalities_with_focus_offer", **last_week()) == before

    OfferFactory(model=focus_model, municipality=municipality)
    OfferFactory(model=focus_model, municipality=municipality)  # the same municipality again

    after = compute("municipalities_with_focus_offer", **last_week())
    assert after.value == before.value + 1
    assert after.breakdown["5321"] == int(before.breakdown.get("5321", 0)) + 1
    assert other.code not in after.breakdown


def test_a_komvux_offer_in_a_focus_occupation_counts_too(reference_data):
    """Focus belongs to the occupation, not the model: Komvux validation for assistant nurses
    (5321) counts once a branch model covers them."""
    before = compute("municipalities_with_focus_offer", **last_week())
    ValidationModelFactory(branch=Branch.objects.first(), ssyk=["5321"])
    komvux_model = ValidationModelFactory(kind=ModelKind.KOMVUX, ssyk=["5321"])
    municipality = Municipality.objects.exclude(
        pk__in=Offer.objects.values("municipality_id")
    ).order_by("code")[0]
    OfferFactory(model=komvux_model, municipality=municipality)
    assert compute("municipalities_with_focus_offer", **last_week()).value == before.value + 1


# --- Validation cases -------------------------------------------------------------------------

CASE_HEADER = ["ärendenummer", "kommunkod", "modell", "första_kontakt", "steg", "beslut"]


def import_cases(rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[*CASE_HEADER, "beslutsdatum", "avslutad"], delimiter=";"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {"kommunkod": "1980", "modell": "live-model", "första_kontakt": "2024-12-01", **row}
        )
    report = cases_import(
        actor=None,
        organisation=Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)"),
        source=buffer.getvalue().encode(),
        filename="live.csv",
        dry_run=False,
    )
    assert report.ok, report.errors


def decided(reference: str, decision: str, on: str, municipality: str = "1980") -> dict[str, str]:
    return {
        "ärendenummer": reference,
        "kommunkod": municipality,
        "steg": "avslutat",
        "beslut": decision,
        "beslutsdatum": on,
        "avslutad": on,
    }


SPRING_2025 = {"since": date(2025, 1, 1), "until": date(2025, 6, 30)}


def test_a_decided_case_raises_validations_completed_in_its_period(personas):
    ValidationModelFactory(key="live-model", ssyk=["5321"])
    empty = compute("validations_completed", **SPRING_2025)
    assert empty.value == 0
    assert empty.breakdown == {"decision:full": 0, "decision:partial": 0, "decision:not_met": 0}

    import_cases(
        [
            {"ärendenummer": "OPEN", "steg": "bedömning"},  # no decision yet
            decided("EARLY", "full", "2024-12-31"),  # before the period
            decided("LATE", "full", "2025-07-01"),  # after it
            decided("IN-1", "delvis", "2025-01-01", municipality="0380"),  # first day
            *(decided(f"IN-FULL-{n}", "full", "2025-06-30") for n in range(5)),  # last day
        ]
    )

    result = compute("validations_completed", **SPRING_2025)
    assert result.value == 6  # exact, for project members
    # 6 less Västmanland's 5 would give Stockholm's 1 away, 6 less 5 full the 1 partial: both
    # fives are held back.
    assert result.breakdown == {
        "county:03": "<5",
        "county:19": "..",
        "decision:full": "..",
        "decision:partial": "<5",
        "decision:not_met": 0,
    }
    assert compute("validations_completed", since=date(2025, 7, 1), until=date(2025, 7, 1)) == (
        LiveValue(
            value=1,
            breakdown={
                "county:19": "<5",
                "decision:full": "<5",
                "decision:partial": 0,
                "decision:not_met": 0,
            },
        )
    )


# --- Events -----------------------------------------------------------------------------------


def past_event(days_ago: int = 3, **overrides):
    starts = timezone.now() - timedelta(days=days_ago)
    return EventFactory(
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        registration_closes_at=starts - timedelta(days=1),
        **overrides,
    )


def test_an_event_held_with_attendees_raises_events_and_participants(reference_data):
    assert compute("events_held", **last_week()).value == 0
    assert compute("event_participants", **last_week()).value == 0
    vastmanland = County.objects.get(code="19")
    event = past_event(kind=EventKind.WEBINAR)
    for _ in range(3):
        RegistrationFactory(event=event, attended=True, gender="woman", county=vastmanland)
    RegistrationFactory(event=event, attended=True, gender="")  # no answer, no county
    RegistrationFactory(event=event, attended=False, gender="man", county=vastmanland)

    held = compute("events_held", **last_week())
    assert held.value == 1
    assert held.breakdown["webinar"] == 1
    assert held.breakdown["seminar"] == 0
    assert set(held.breakdown) == set(EventKind.values)

    participants = compute("event_participants", **last_week())
    assert participants.value == 4  # exact, for project members
    assert participants.breakdown["gender:woman"] == "<5"
    assert participants.breakdown["gender:not_stated"] == "<5"
    assert participants.breakdown["gender:man"] == 0
    assert participants.breakdown["gender:other"] == 0
    assert participants.breakdown["organisation_kind:komvux"] == "<5"
    assert participants.breakdown["organisation_kind:employer"] == 0
    assert participants.breakdown["county:19"] == "<5"
    assert participants.breakdown["county:unknown"] == "<5"
    assert {key for key in participants.breakdown if key.startswith("gender:")} == {
        f"gender:{gender}" for gender in ParticipantGender.values
    }


def test_five_participants_or_more_are_shown_as_counted(reference_data):
    event = past_event()
    for _ in range(5):
        RegistrationFactory(event=event, attended=True, gender="man")
    participants = compute("event_participants", **last_week())
    assert participants.value == 5
    assert participants.breakdown["gender:man"] == 5
    assert participants.breakdown["organisation_kind:komvux"] == 5


def test_events_not_held_in_the_period_are_not_counted(reference_data):
    for event in (
        past_event(state=EventState.CANCELLED),
        past_event(state=EventState.DRAFT),
        past_event(days_ago=20),  # before the period
        EventFactory(),  # in ten days: not held yet
        EventFactory(starts_at=timezone.now() - timedelta(hours=1)),  # still going on
    ):
        RegistrationFactory(event=event, attended=True, gender="woman")
    assert compute("events_held", **last_week()).value == 0
    assert compute("event_participants", **last_week()).value == 0
    earlier = {"since": today() - timedelta(days=30), "until": today() - timedelta(days=10)}
    assert compute("events_held", **earlier).value == 1
    assert compute("event_participants", **earlier).value == 1


# --- Information material ---------------------------------------------------------------------


def test_publishing_material_raises_materials_published(personas):
    assert compute("materials_published", **last_week()).value == 0
    make_material(personas, publish=False)  # a draft
    old = make_material(personas)
    Material.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=30))
    assert compute("materials_published", **last_week()).value == 0

    make_material(personas, target_groups=["individual", "employer"])

    result = compute("materials_published", **last_week())
    assert result.value == 1
    assert result.breakdown["individual"] == 1
    assert result.breakdown["employer"] == 1
    assert result.breakdown["decision_maker"] == 0
    earlier = {"since": today() - timedelta(days=40), "until": today() - timedelta(days=20)}
    assert compute("materials_published", **earlier).value == 1


# --- Cost -------------------------------------------------------------------------------------

QUERIES = {
    "offers_published": 1,
    "municipalities_with_focus_offer": 2,
    "validations_completed": 1,
    "events_held": 1,
    "event_participants": 1,
    "materials_published": 2,
}


def make_data(personas, size: int) -> None:
    focus_model = ValidationModelFactory(branch=Branch.objects.first(), ssyk=["5321"])
    municipalities = list(Municipality.objects.order_by("code")[:size])
    for municipality in municipalities:
        OfferFactory(model=focus_model, municipality=municipality)
        event = past_event()
        for _ in range(2):
            RegistrationFactory(event=event, attended=True, gender="woman")
        make_material(personas)


@pytest.mark.parametrize("key", sorted(KEYS))
def test_each_indicator_costs_a_fixed_number_of_queries(
    key, personas, django_assert_max_num_queries
):
    make_data(personas, 2)
    with django_assert_max_num_queries(QUERIES[key]):
        compute(key, **last_week())
    make_data(personas, 6)
    with django_assert_max_num_queries(QUERIES[key]):
        compute(key, **last_week())


def test_offers_on_a_past_day_cost_one_query(personas, django_assert_max_num_queries):
    make_data(personas, 4)
    with django_assert_max_num_queries(1):
        compute(
            "offers_published", since=today() - timedelta(days=9), until=today() - timedelta(days=1)
        )


def test_no_participant_count_of_one_to_four_follows_from_the_exact_total(reference_data):
    event = past_event()
    for _ in range(3):
        RegistrationFactory(event=event, attended=True, gender="woman")
    for _ in range(6):
        RegistrationFactory(event=event, attended=True, gender="man")
    participants = compute("event_participants", **last_week())
    assert participants.value == 9  # exact, for project members
    assert participants.breakdown["gender:woman"] == "<5"
    # 9 less 6 men would be the 3 women.
    assert participants.breakdown["gender:man"] == ".."
