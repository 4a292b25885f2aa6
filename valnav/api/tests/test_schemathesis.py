"""API fuzzing: every operation of /api/v1/openapi.json, without and with a token, answers
without a server error and as its schema says, under all of Schemathesis's checks (as its CLI's
`--checks all`): a documented status code, content type, headers and body; schema-valid input
accepted and schema-violating input refused; and so on. Then sequences of operations, linked
by the ids one answer gives and the next takes (Schemathesis's stateful phase).

Schemathesis generates valid and invalid requests (its positive and negative modes) from the
schema that the application itself serves, and sends them through WSGI in this process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from typing import Any, ClassVar

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, CheckFunction, GenerationMode, Response
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from config.wsgi import application
from valnav.accounts.models import Organisation, User
from valnav.api.services import api_token_create
from valnav.atlas.tests.factories import EducationFactory, OfferFactory, ValidationModelFactory
from valnav.casework.services import case_open, individual_register
from valnav.demo.governance import seed_governance
from valnav.demo.networks import seed_networks
from valnav.demo.services import demo_accounts_seed
from valnav.events.tests.factories import EventFactory
from valnav.governance.models import Project
from valnav.networks.models import Network
from valnav.outreach.tests.factories import make_material
from valnav.places.models import Municipality

# Where schema-valid input may still be refused, and why: rules the OpenAPI document states
# in words (the operation's description) because its schemas cannot. Elsewhere a 4xx to
# schema-valid input fails the positive_data_acceptance check.
RULES_BEYOND_THE_SCHEMA = {
    "GET /api/v1/offers": ("422", "within_km needs municipality"),
    "GET /api/v1/education": ("422", "within_km needs municipality"),
    "POST /api/v1/offers": ("422", "ids and codes must name objects the caller may use"),
    "PATCH /api/v1/offers/{offer_id}": ("422", "the same, and required fields stay set"),
    "POST /api/v1/education": ("422", "ids and codes must name objects the caller may use"),
    "PATCH /api/v1/education/{education_id}": ("422", "the same, and required fields stay set"),
    "GET /api/v1/insights/focus": ("400", "county must be a county's code"),
}
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {
        # A NUL character is refused everywhere (422, pinned below); the fuzzer's valid data
        # leaves it out, so that it does not hide every other finding behind that refusal.
        "generation": {"allow-x00": False},
        "operations": [
            {
                "include-name": label,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, status]}},
            }
            for label, (status, _why) in RULES_BEYOND_THE_SCHEMA.items()
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
# Per operation and kind of caller: enough to meet the edge cases of every parameter's type
# (empty, huge, wrong type) while the whole file stays within its time budget.
MAX_EXAMPLES = 15
# Sequences of linked operations (each up to Schemathesis's default number of steps).
MAX_SCENARIOS = 40

# Where a path names one of our objects, the fuzzer's own values (random integers and strings)
# would almost only meet 404s; half the time it takes one that exists instead.
HSDS_LISTS = {
    "service_id": "/api/v1/hsds/services",
    "organization_id": "/api/v1/hsds/organizations",
    "service_at_location_id": "/api/v1/hsds/service_at_locations",
    "taxonomy_id": "/api/v1/hsds/taxonomies",
    "taxonomy_term_id": "/api/v1/hsds/taxonomy_terms",
}


@dataclass(frozen=True)
class FuzzData:
    secret: str
    path_values: dict[str, list[str]]


def _open_case(assessor: User) -> str:
    komvux = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={
            "given_name": "Amina",
            "family_name": "Testsson",
            "municipality": Municipality.objects.get(code="1980"),
        },
    )
    case = case_open(
        actor=assessor,
        individual=person,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=30),
        target={"model": ValidationModelFactory(ssyk=["5321"])},
    )
    return case.reference


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup, django_db_blocker) -> Iterator[FuzzData]:
    """The reference data and personas (as the root conftest's `personas`), published objects
    of every kind the API shows, and a token of the administrator, who holds every permission,
    so that token requests reach every operation's own work.

    Built once for the module, inside a transaction rolled back at its end: built per test it
    would cost more than the fuzzing itself. Each test runs inside it in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_reference", stdout=StringIO())
        demo_accounts_seed()
        personas = {user.email.split("@")[0]: user for user in User.objects.filter(is_demo=True)}
        offer = OfferFactory(model=ValidationModelFactory(ssyk=["5321"]))
        education = EducationFactory(closes=[offer.model])
        EventFactory()
        make_material(personas)
        seed_networks()
        seed_governance()
        reference = _open_case(personas["assessor_vasteras_komvux"])
        path_values = {
            "offer_id": [str(offer.pk)],
            "model_id": [str(offer.model.pk)],
            "education_id": [str(education.pk)],
            "organisation_id": [str(offer.provider.pk)],
            "code": ["5321", "53"],
            "slug": list(Network.objects.values_list("slug", flat=True)),
            "project_id": [str(pk) for pk in Project.objects.values_list("pk", flat=True)],
            "reference": [reference],
        }
        client = Client()
        for name, url in HSDS_LISTS.items():
            page = client.get(url, {"per_page": 5}).json()
            path_values[name] = [item["id"] for item in page["contents"]]
        assert all(path_values.values()), path_values
        secret = api_token_create(actor=personas["admin"], name="Fuzzing").secret
        yield FuzzData(secret=secret, path_values=path_values)
        transaction.set_rollback(True)


@pytest.fixture
def _connection_kept_open() -> Iterator[None]:
    """Django closes a connection left outside autocommit when a request starts or ends, which
    inside the test's transaction would break it. Django's own test client disconnects the
    same handler around its requests; these go through the WSGI application instead."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_connection_kept_open")
@pytest.mark.parametrize("with_token", [False, True], ids=["anonymous", "token"])
@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=MAX_EXAMPLES,
    # The fixture's data is meant to be shared by all examples of one test (each example
    # leaves it as it found it, below); building it per example would cost minutes.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_documented(case, data, with_token, fuzz_data):
    # Only into valid input: a negative case's invalid path value must stay invalid.
    if case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE:
        for name in case.path_parameters or {}:
            known = fuzz_data.path_values.get(name)
            if known and data.draw(st.booleans(), label=f"known {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
    headers = {"Authorization": f"Bearer {fuzz_data.secret}"} if with_token else None
    # Writes are fuzzed too (with a token they reach the services), and each example is rolled
    # back to a savepoint: examples stay independent of each other's writes, as Hypothesis
    # needs to replay and shrink a failing one, and the fixture's objects stay as they were.
    # The cache is emptied for the same reason (a figure cached from rolled-back data must not
    # meet the next example) and so that the rate limits, counted in the cache, start afresh:
    # they are read once at import, so the `settings` fixture could not raise them.
    cache.clear()
    with transaction.atomic():
        case.call_and_validate(headers=headers)
        transaction.set_rollback(True)


class ApiWorkflows(schema.as_state_machine()):  # type: ignore[misc]  # built from the schema
    """Scenarios of linked calls with the administrator's token, e.g. a list, then the first
    item's detail, then a change to it; each scenario rolled back to a savepoint after it."""

    secret: ClassVar[str] = ""

    def setup(self) -> None:
        cache.clear()  # as in the test above: no figure or rate count from another scenario
        self._scenario = transaction.atomic()
        self._scenario.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._scenario.__exit__(None, None, None)

    def get_call_kwargs(self, case: Case[Any]) -> dict[str, object]:
        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
            # The headers are what this case tests (a missing or malformed Authorization): the
            # administrator's token put back would make the invalid request a valid one.
            return {}
        return {"headers": {"Authorization": f"Bearer {self.secret}"}}

    def validate_response(
        self,
        response: Response,
        case: Case[Any],
        additional_checks: list[CheckFunction] | None = None,
        **kwargs: Any,
    ) -> None:
        # As the base class, but telling the checks that the token is the caller's own (as
        # the test above does): ignored_auth would otherwise take it for generated.
        case.validate_response(
            response,
            additional_checks=additional_checks,
            headers=kwargs.get("headers"),
            transport_kwargs=kwargs,
            recorder=getattr(self, "recorder", None),
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("_connection_kept_open")
def test_linked_operations_answer_as_documented(fuzz_data):
    ApiWorkflows.secret = fuzz_data.secret
    ApiWorkflows.run(
        settings=settings(
            max_examples=MAX_SCENARIOS,
            suppress_health_check=list(HealthCheck),
        )
    )


# What the fuzzing found, pinned down so that it stays fixed whatever the examples drawn.


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/knowledge-efforts?county=%00", None),
        ("get", "/api/v1/offers?q=a%00b", None),
        ("get", "/api/v1/networks/a%00b", None),
        ("post", "/api/v1/offers", {"external_id": "a\x00b"}),
    ],
)
def test_a_nul_character_in_any_input_is_a_422(db, method, url, body):
    # PostgreSQL refuses NUL in text, so these were server errors there.
    client = Client(headers={"Authorization": "Bearer vn_unknown"})
    response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "null_character"


def test_search_words_that_match_no_model_find_nothing(db):
    # The relevance of no model is a constant, which PostgreSQL read as a column position.
    response = Client().get("/api/v1/offers", {"q": "-number"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
