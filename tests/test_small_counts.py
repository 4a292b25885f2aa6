"""No published figure lets anyone count one to four people: every insights page, export and
API answer is walked, with a municipality that has two cases and another with one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from datetime import date, timedelta

import pytest
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse

from valnav.accounts.models import Organisation
from valnav.atlas.models import ValidationModel
from valnav.casework.models import Individual, ValidationCase
from valnav.casework.states import CaseState, Decision
from valnav.demo.demand import seed_demand
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db

# Names under which the platform publishes counts of people (cases are people).
PEOPLE = {
    "cases",
    "started",
    "completed",
    "decided",
    "documented",
    "full",
    "partial",
    "not_met",
    "people",
    "people_validated",
    "validated",
    "complementary",
}
# Not published as counts: focus weights (0–5, named after their criterion), and the value
# calculator's raw selection, whose published form is its `shown` count (tests/…/test_value.py).
NOT_COUNTS = {"weights", "selection"}
# CSV columns of counts of people, by their (Swedish, ASCII) header.
PEOPLE_COLUMNS = ("paborjade", "avgjorda", "avslutade", "arenden", "personer", "dokument")


def small(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def walk(value: object, name: str = "", depth: int = 0) -> Iterator[str]:
    """Every (name, value) pair reachable from a page's context or an API answer, where the
    name says it counts people and the value is 1 to 4."""
    if depth > 8 or name in NOT_COUNTS or isinstance(value, Model | QuerySet | str | bytes):
        return
    if small(value) and name in PEOPLE:
        yield f"{name}={value}"
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, str(key), depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item, name, depth + 1)
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from walk(getattr(value, field.name), field.name, depth + 1)


@pytest.fixture
def small_places(personas):
    seed_demand()
    model = ValidationModel.objects.filter(occupations__code="5321").first()
    komvux = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    start = date.today() - timedelta(days=60)
    for code, decisions in {
        "1980": [Decision.FULL, Decision.PARTIAL],
        "1983": [Decision.FULL],
    }.items():
        municipality = Municipality.objects.get(code=code)
        for decision in decisions:
            person = Individual.objects.create(
                organisation=komvux, municipality=municipality, gender="woman", born_abroad=True
            )
            ValidationCase.objects.create(
                individual=person,
                organisation=komvux,
                municipality=municipality,
                model=model,
                first_contact=start,
                state=CaseState.DECISION,
                decision=decision,
            )


def _url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None  # a part not built yet


PAGES = [
    ("insights:gaps", "?county=19"),
    ("insights:equity", "?county=19"),
    ("insights:focus", "?county=19"),
    ("insights:value", "?from_cases=1"),
    ("insights:dashboard", "?audience=strategist"),
    ("insights:dashboard", "?audience=komvux"),
    ("insights:dashboard", "?audience=project"),
    ("casework:statistics", "?county=19"),
]
EXPORTS = [("insights:equity-csv", "?county=19"), ("insights:gaps-csv", "?county=19")]
API = [
    "/api/v1/insights/gaps?county=19",
    "/api/v1/insights/focus?county=19",
    "/api/v1/insights/equity?county=19",
]


def test_no_page_export_or_api_answer_counts_one_to_four_people(client, personas, small_places):
    client.force_login(personas["rua_vastmanland"])
    found: list[str] = []
    walked = 0
    for name, query in PAGES:
        address = _url(name, query)
        if address is None:
            continue
        answer = client.get(address)
        assert answer.status_code == 200, address
        walked += 1
        for context in answer.context or []:
            for key, value in context.flatten().items():
                found += [f"{address} {hit}" for hit in walk(value, key)]
    for name, query in EXPORTS:
        address = _url(name, query)
        if address is None:
            continue
        rows = list(csv.DictReader(io.StringIO(client.get(address).content.decode("utf-8-sig"))))
        walked += 1
        for row in rows:
            for column, cell in row.items():
                if any(word in (column or "") for word in PEOPLE_COLUMNS) and cell in {
                    "1",
                    "2",
                    "3",
                    "4",
                }:
                    found.append(f"{address} {column}={cell}")
    for address in API:
        answer = client.get(address)
        if answer.status_code == 404:
            continue  # an endpoint not built yet
        assert answer.status_code == 200, address
        walked += 1
        found += [f"{address} {hit}" for hit in walk(answer.json())]
    assert walked >= 8
    assert not found
