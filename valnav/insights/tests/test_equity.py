import csv
import io
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from valnav.accounts.models import Organisation
from valnav.casework.models import CaseTransition, Individual, ValidationCase
from valnav.casework.states import CaseState
from valnav.insights.equity import HIDDEN, municipality_equity
from valnav.lib.disclosure import Period
from valnav.places.models import Municipality, MunicipalityPopulation

pytestmark = pytest.mark.django_db

START = date(2025, 1, 10)


@pytest.fixture
def organisation(personas):
    return Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")


def _case(
    organisation, code, *, decision="", days=30, gender="", born_abroad=None, complementary=False
):
    municipality = Municipality.objects.get(code=code)
    person = Individual.objects.create(
        organisation=organisation,
        municipality=municipality,
        gender=gender,
        born_abroad=born_abroad,
    )
    case = ValidationCase.objects.create(
        individual=person,
        organisation=organisation,
        municipality=municipality,
        first_contact=START,
        komvux_course="Vård och omsorg",
        decision=decision,
        state=CaseState.DECISION if decision else CaseState.ASSESSMENT,
    )
    if decision:
        at = timezone.make_aware(datetime.combine(START + timedelta(days=days), time(12)))
        CaseTransition.objects.create(
            case=case, from_state=CaseState.ASSESSMENT, to_state=CaseState.DECISION, at=at
        )
        if complementary:
            CaseTransition.objects.create(
                case=case,
                from_state=CaseState.DOCUMENTED,
                to_state=CaseState.COMPLEMENTARY_EDUCATION,
                at=at + timedelta(days=5),
            )
    return case


def _area(equity, code):
    for county in equity.counties:
        for area in (*county.municipalities, county.county):
            if area.code == code:
                return area
    raise LookupError(code)


@pytest.fixture
def cases(organisation):
    # Västerås: 12 decided (8 full, 2 partial, 2 not met), 3 undecided; Köping: 2 decided.
    for index in range(8):
        _case(
            organisation,
            "1980",
            decision="full",
            days=20 + index,
            gender="woman" if index < 5 else "man",
            born_abroad=index % 2 == 0,
            complementary=index < 6,
        )
    for decision in ("partial", "partial", "not_met", "not_met"):
        _case(organisation, "1980", decision=decision, days=40, gender="man", born_abroad=False)
    for _ in range(3):
        _case(organisation, "1980", gender="woman")
    _case(organisation, "1983", decision="full", gender="woman")
    _case(organisation, "1983", decision="partial", gender="man")
    # Sala: six undecided, so that a county total less Västerås does not give Köping alone.
    for _ in range(6):
        _case(organisation, "1981", gender="man", born_abroad=True)


def _numbers(value):
    """Every number a reader sees in the result (counts, shares, rates, medians)."""
    if is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from _numbers(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


def test_counts_shares_and_medians_unpublished(cases):
    equity = municipality_equity(county_code="19", published=False)
    vasteras = _area(equity, "1980").total
    assert (vasteras.started, vasteras.completed) == (15, 12)
    assert vasteras.full.value == pytest.approx(8 / 12)
    assert vasteras.complementary.value == pytest.approx(6 / 12)
    assert vasteras.median_days == 25.5
    assert _area(equity, "19").total.started == 23
    assert equity.oms.total.started == 23
    assert [county.code for county in equity.counties] == ["19"]


def test_published_figures_show_small_counts_as_under_five(cases):
    equity = municipality_equity(county_code="19")
    koping = _area(equity, "1983").total
    assert (koping.started, koping.completed) == ("<5", "<5")
    assert koping.full is None
    assert koping.median_days is None
    vasteras = _area(equity, "1980")
    assert vasteras.total.started == 15
    # The partly and not met (two each) may not be shown as shares of twelve.
    assert vasteras.total.partial is None
    assert vasteras.total.not_met is None


def test_no_count_of_one_to_four_people_is_published_or_derivable(cases):
    equity = municipality_equity()
    numbers = list(_numbers(equity))
    assert numbers
    # Shares, rates and medians are floats; the ints are counts (and years, none here).
    counts = [n for n in numbers if isinstance(n, int)]
    assert not [n for n in counts if 0 < n < 5]
    # The county total (23) less Västerås (15) and Sala (6) would reveal Köping's two: the
    # smallest other count is held back.
    assert _area(equity, "19").total.started == 23
    assert _area(equity, "1980").total.started == 15
    assert _area(equity, "1981").total.started == HIDDEN
    # A shown share times a shown denominator never gives a count of one to four.
    for area in (*equity.counties[0].municipalities, equity.counties[0].county, equity.oms):
        for figures in area.figures:
            for share in (figures.full, figures.partial, figures.not_met, figures.complementary):
                if share is not None:
                    assert isinstance(figures.completed, int)
                    count = round(share.value * figures.completed)
                    assert not 0 < count < 5
                    assert not 0 < figures.completed - count < 5


def test_shares_carry_wilson_intervals(cases):
    full = _area(municipality_equity(published=False), "1980").total.full
    assert str(full) == "67 % (39–86 %)"


def test_rate_per_ten_thousand_needs_imported_population(cases):
    assert _area(municipality_equity(published=False), "1980").total.per_10000 is None
    MunicipalityPopulation.objects.create(
        municipality=Municipality.objects.get(code="1980"),
        year=2024,
        count=90_000,
        source="SCB",
    )
    area = _area(municipality_equity(), "1980")
    assert area.population == 90_000
    assert area.total.per_10000 == pytest.approx(15 * 10_000 / 90_000)


def test_a_period_is_a_whole_calendar_year_of_first_contact(cases):
    assert municipality_equity(period=Period(2026), published=False).oms.total.started == 0
    assert municipality_equity(period=Period(2025), published=False).oms.total.started == 23
    assert municipality_equity(published=False).oms.total.started == 23


@pytest.mark.parametrize("period", ["2025-01-11", "2025-H1", "2025-Q3", "25", "1066"])
def test_a_period_shorter_than_a_year_is_refused_naming_the_field(client, personas, cases, period):
    client.force_login(personas["rua_vastmanland"])
    with translation.override("sv"):
        field = translation.gettext("Year of first contact")
    assert field == "År för första kontakt"
    page = client.get(reverse("insights:equity"), {"period": period})
    assert page.status_code == 400
    assert field in page.content.decode()
    assert page.context["equity"] is None
    export = client.get(reverse("insights:equity-csv"), {"period": period})
    assert export.status_code == 400
    assert field in export.content.decode()


def test_queries_do_not_grow_with_cases(organisation):
    _case(organisation, "1980", decision="full")
    with CaptureQueriesContext(connection) as few:
        municipality_equity()
    for _ in range(10):
        _case(organisation, "1883", decision="partial", gender="man")
    with CaptureQueriesContext(connection) as many:
        municipality_equity()
    assert len(many) == len(few) <= 9  # the data's token twice, the counts, the figures


def test_unchanged_data_is_answered_from_the_cache_and_a_change_is_seen_at_once(organisation):
    for _ in range(5):
        _case(organisation, "1980", decision="full")
    first = municipality_equity(published=False)
    with CaptureQueriesContext(connection) as again:
        assert municipality_equity(published=False) == first
    assert len(again) == 1  # the data's token only
    _case(organisation, "1980", decision="partial")
    assert (first.oms.total.started, municipality_equity(published=False).oms.total.started) == (
        5,
        6,
    )


def test_page_lists_municipalities_and_explains_missing_population(client, personas, cases):
    client.force_login(personas["rua_vastmanland"])
    response = client.get(reverse("insights:equity"), {"county": "19"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Västerås" in body
    assert "Wilson" in body
    assert 'id="population-missing"' in body


# What a page never shows its readers: how to run the software or where its files lie.
COMMAND_TEXT = ("manage.py", "import_population", "import_aggregates", ".md", "DOMAIN", ".toml")


def _swedish_page(client, user, url, params=None):
    client.force_login(user)
    with translation.override("sv"):
        response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    body = response.content.decode()
    for text in COMMAND_TEXT:
        assert text not in body, text
    return body


def test_without_population_a_strategist_is_told_so_in_swedish_and_sent_to_the_upload(
    client, personas, cases
):
    with translation.override("sv"):
        url = reverse("insights:equity")
        upload = reverse("insights:population-import")
    body = _swedish_page(client, personas["rua_vastmanland"], url, {"county": "19"})
    assert "Valnav har ännu inga befolkningsuppgifter för kommunerna" in body
    assert f'href="{upload}"' in body
    assert "Importera SCB:s befolkningsuppgifter" in body
    # The counts are there all the same; no rate is.
    row = body[body.index('<th scope="row">Västerås</th>') :]
    assert '<td class="num">15</td>' in row[: row.index("</tr>")]
    assert "bygger på SCB:s befolkningsuppgifter" not in body


def test_without_population_a_reader_who_cannot_import_is_told_who_can(client, personas, cases):
    with translation.override("sv"):
        url = reverse("insights:equity")
        upload = reverse("insights:population-import")
    body = _swedish_page(client, personas["project_manager"], url)
    assert "En regional strateg eller en administratör kan importera" in body
    assert upload not in body


def test_with_population_the_rates_name_scbs_table_and_year(client, personas, cases):
    fixture = Path(__file__).parents[2] / "places" / "tests" / "fixtures" / "scb_tab638.json"
    client.force_login(personas["rua_vastmanland"])
    with translation.override("sv"):
        upload = reverse("insights:population-import")
        url = reverse("insights:equity")
    checked = client.post(
        upload,
        {"file": SimpleUploadedFile("tab638.json", fixture.read_bytes()), "action": "check"},
    )
    assert checked.status_code == 200
    assert checked.context["report"].created == 2
    assert not MunicipalityPopulation.objects.exists()  # a check saves nothing
    client.post(
        upload,
        {"file": SimpleUploadedFile("tab638.json", fixture.read_bytes()), "action": "import"},
    )
    assert MunicipalityPopulation.objects.count() == 2
    body = _swedish_page(client, personas["rua_vastmanland"], url, {"county": "19"})
    source = body[body.index('id="population-source"') :]
    source = source[: source.index("</p>")]
    assert "TAB638" in source
    assert "2024" in source
    # Västerås has its figure; the other municipalities of the county still lack theirs.
    assert "Befolkningsuppgifter saknas för några kommuner" in body
    rate = f"{15 * 10_000 / 108_855:.1f}".replace(".", ",")
    assert rate in body


def test_csv_holds_the_same_suppressed_figures(client, personas, cases):
    client.force_login(personas["project_manager"])
    response = client.get(reverse("insights:equity-csv"), {"county": "19"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    koping = next(row for row in rows if row[1] == "1983" and row[3] == rows[1][3])
    assert koping[4:6] == ["<5", "<5"]
    for row in rows[1:]:
        for cell in row[4:6]:
            assert cell in {"<5", HIDDEN} or not 0 < int(cell) < 5
