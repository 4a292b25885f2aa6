"""Generate many validation cases fast: one organisation with `own` cases (the assessor
persona's) among `total` cases in 200 others, with a few referrals into it.

Rows go in with executemany() in chunks, each value already in the form the driver takes:
Django's bulk_create compiles every value of every row in Python and takes minutes for a
million cases. Individuals are shared by four cases each, which the case list does not notice.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from valnav.accounts.models import Organisation, OrganisationKind, User
from valnav.atlas.models import ValidationModel
from valnav.casework.models import Individual, Referral, ReferralShare, ValidationCase
from valnav.casework.states import CaseState, Decision
from valnav.places.models import Municipality

CHUNK = 20_000
OTHER_ORGANISATIONS = 200
CASES_PER_PERSON = 4
REFERRALS = 50

SQLValue = str | int | bool | date | None
STATES = [state for state in CaseState if state != CaseState.DECISION] + [CaseState.DECISION]


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(model: type[Model], columns: list[str], rows: list[list[SQLValue]]) -> None:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608  (names from _meta)
        f"({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, CHUNK):
            cursor.executemany(sql, chunk)


def generate(*, organisation: Organisation, total: int, own: int, seed: int = 11) -> float:
    """Insert `total` cases, `own` of them in `organisation`; returns seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    model_ids = list(ValidationModel.objects.values_list("pk", flat=True))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = timezone.localdate()
    with transaction.atomic():
        others = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench-Komvux {n}",
                kind=OrganisationKind.MUNICIPALITY,
                municipality_id=rng.choice(municipalities),
                is_demo=True,
            )
            for n in range(OTHER_ORGANISATIONS)
        )
        # The organisation of each case: the first `own` in the persona's, the rest spread.
        owners = [organisation.pk] * own + [
            others[n % len(others)].pk for n in range(max(total - own, 0))
        ]
        rng.shuffle(owners)
        people = (total + CASES_PER_PERSON - 1) // CASES_PER_PERSON
        first_person = (
            Individual.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        person_rows: list[list[SQLValue]] = []
        for n in range(people):
            person_rows.append(
                [
                    first_person + n,
                    now,
                    now,
                    f"B-{n:09d}",
                    owners[n * CASES_PER_PERSON],
                    "Bench",
                    f"Person {n}",
                    "",
                    "",
                    "",
                    "",
                    rng.choice(municipalities),
                    "",
                    None,
                    None,
                    "",
                    "{}",
                    False,
                    None,
                    True,
                ]
            )
        _insert(
            Individual,
            [
                "id",
                "created_at",
                "updated_at",
                "pseudonym",
                "organisation_id",
                "given_name",
                "family_name",
                "email",
                "phone",
                "personnummer_encrypted",
                "personnummer_lookup",
                "municipality_id",
                "gender",
                "birth_year",
                "born_abroad",
                "languages",
                "purposes",
                "protected_identity",
                "anonymised_at",
                "is_demo",
            ],
            person_rows,
        )
        del person_rows
        case_rows: list[list[SQLValue]] = []
        for n, owner in enumerate(owners):
            state = rng.choice(STATES)
            decided = state in (
                CaseState.DECISION,
                CaseState.DOCUMENTED,
                CaseState.COMPLEMENTARY_EDUCATION,
                CaseState.REASSESSMENT,
                CaseState.CLOSED,
            )
            first_contact = today - timedelta(days=rng.randint(0, 3 * 365))
            ended = state in (CaseState.CLOSED, CaseState.WITHDRAWN, CaseState.REFERRED)
            case_rows.append(
                [
                    now,
                    now,
                    f"B{n:010d}",
                    first_person + n // CASES_PER_PERSON,
                    owner,
                    rng.choice(model_ids),
                    None,
                    "",
                    rng.choice(municipalities),
                    state.value,
                    rng.choice(Decision.values) if decided else "",
                    connection.ops.adapt_datefield_value(first_contact),
                    connection.ops.adapt_datefield_value(first_contact + timedelta(days=60))
                    if ended
                    else None,
                    None,
                    1,
                    True,
                ]
            )
        _insert(
            ValidationCase,
            [
                "created_at",
                "updated_at",
                "reference",
                "individual_id",
                "organisation_id",
                "model_id",
                "occupation_id",
                "komvux_course",
                "municipality_id",
                "state",
                "decision",
                "first_contact",
                "ended_on",
                "culled_at",
                "version",
                "is_demo",
            ],
            case_rows,
        )
        del case_rows
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "(SELECT MAX(id) FROM casework_individual))",
                    ["casework_individual"],
                )
        # Cases of other organisations referred to the persona's: visible_to's second branch.
        sender = User.objects.filter(is_demo=True).order_by("pk").first()
        referred = list(
            ValidationCase.objects.exclude(organisation=organisation)
            .order_by("pk")
            .values_list("pk", "organisation_id")[:REFERRALS]
        )
        if sender is not None:
            Referral.objects.bulk_create(
                Referral(
                    case_id=case_id,
                    from_organisation_id=from_organisation,
                    to_organisation=organisation,
                    shares=[ReferralShare.TARGET],
                    consent_recorded_at=timezone.now(),
                    consent_how="Bench",
                    created_by=sender,
                )
                for case_id, from_organisation in referred
            )
    return time.perf_counter() - started
