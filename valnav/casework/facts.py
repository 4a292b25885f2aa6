"""Case-level facts for insights: one row per case with its place, target, milestones and the
few personal items statistics need (gender, born abroad), and nothing that names anyone.

Insights aggregate these; published figures pass through `suppress`, so that no count of one to
four people (who might be recognised) is shown.

The facts are worked out from a case's transitions, plan and documents (correlated subqueries,
one query for any number of cases) and kept in `CaseFactRow`, one narrow row per case, so that
statistics over a million cases are one grouped query on an index rather than nine subqueries
per case. `case_facts_refresh` rebuilds the rows of the cases given (the model signals call it
on every change, and bulk writers call it themselves); `manage.py refresh_case_facts` rebuilds
them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.casework.models import (
    CaseFactRow,
    CaseTransition,
    Credential,
    EducationPlanItem,
    PlanItemStatus,
    ValidationCase,
)
from valnav.casework.states import CaseState
from valnav.core.figures_cache import figures_data_changed
from valnav.places.models import County, Municipality

# Counts below this are not published (a common threshold in Swedish official statistics).
SUPPRESS_BELOW = 5


def suppress(count: int) -> int | str:
    """A count fit for publication: "<5" for one to four, so that no one is recognisable; 0
    stays 0 (that nobody is counted reveals no one)."""
    return "<5" if 0 < count < SUPPRESS_BELOW else count


@dataclass(frozen=True)
class CaseFact:
    """One case as insights see it. `case_id` is the database id: not personal data, and no
    way back to the person without access to casework."""

    case_id: int
    organisation_id: int
    municipality_id: int | None
    municipality_code: str | None
    county_id: int | None
    county_code: str | None
    model_id: int | None
    occupation_id: int | None
    occupation_ssyk: str | None
    first_contact: date
    decision: str  # "" before any decision
    decision_date: date | None  # the first transition to DECISION
    document_type: str | None  # of the latest credential not revoked
    days_to_decision: int | None
    days_to_documented: int | None
    complementary_started: date | None
    complementary_finished: date | None
    ended_on: date | None
    gender: str  # "" when not recorded
    born_abroad: bool | None


def _first_transition(**conditions: object) -> Subquery:
    return Subquery(
        CaseTransition.objects.filter(case=OuterRef("pk"), **conditions)
        .order_by("at", "pk")
        .values("at")[:1]
    )


def _plan_items() -> QuerySet[EducationPlanItem]:
    return EducationPlanItem.objects.filter(case=OuterRef("pk"))


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _days(since: date, reached: date | None) -> int | None:
    return (reached - since).days if reached is not None else None


def _computed_facts(cases: QuerySet[ValidationCase]) -> Iterator[CaseFact]:
    """The facts of `cases` worked out from their transitions, plan and documents, in one
    query.

    Complementary education started on the earlier of its first plan item's start and the
    case's first move to complementary education. It finished on the last plan item's end once
    no item is planned or under way; a case without plan items finished it when it first left
    the state."""
    open_statuses = [PlanItemStatus.PLANNED, PlanItemStatus.STARTED]
    rows = (
        cases.annotate(
            decision_at=_first_transition(to_state=CaseState.DECISION),
            documented_at=_first_transition(to_state=CaseState.DOCUMENTED),
            complementary_at=_first_transition(to_state=CaseState.COMPLEMENTARY_EDUCATION),
            complementary_left_at=_first_transition(from_state=CaseState.COMPLEMENTARY_EDUCATION),
            plan_started=Subquery(
                _plan_items()
                .filter(started_on__isnull=False)
                .order_by("started_on")
                .values("started_on")[:1]
            ),
            plan_finished=Subquery(
                _plan_items()
                .filter(finished_on__isnull=False)
                .order_by("-finished_on")
                .values("finished_on")[:1]
            ),
            plan_exists=Exists(_plan_items()),
            plan_open=Exists(_plan_items().filter(status__in=open_statuses)),
            document=Subquery(
                Credential.objects.filter(case=OuterRef("pk"), revoked_at__isnull=True)
                .order_by("-issued_at", "-pk")
                .values("document_type")[:1]
            ),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "organisation_id",
            "municipality_id",
            "municipality__code",
            "municipality__county_id",
            "municipality__county__code",
            "model_id",
            "occupation_id",
            "occupation__code",
            "first_contact",
            "decision",
            "ended_on",
            "individual__gender",
            "individual__born_abroad",
            "decision_at",
            "documented_at",
            "complementary_at",
            "complementary_left_at",
            "plan_started",
            "plan_finished",
            "plan_exists",
            "plan_open",
            "document",
        )
    )
    for (
        case_id,
        organisation_id,
        municipality_id,
        municipality_code,
        county_id,
        county_code,
        model_id,
        occupation_id,
        occupation_ssyk,
        first_contact,
        decision,
        ended_on,
        gender,
        born_abroad,
        decision_at,
        documented_at,
        complementary_at,
        complementary_left_at,
        plan_started,
        plan_finished,
        plan_exists,
        plan_open,
        document,
    ) in rows.iterator(chunk_size=2000):
        decision_date = _local_date(decision_at)
        documented = _local_date(documented_at)
        starts = [day for day in (plan_started, _local_date(complementary_at)) if day is not None]
        finished: date | None = None
        if not plan_open:
            finished = plan_finished if plan_exists else _local_date(complementary_left_at)
        yield CaseFact(
            case_id=case_id,
            organisation_id=organisation_id,
            municipality_id=municipality_id,
            municipality_code=municipality_code,
            county_id=county_id,
            county_code=county_code,
            model_id=model_id,
            occupation_id=occupation_id,
            occupation_ssyk=occupation_ssyk,
            first_contact=first_contact,
            decision=decision,
            decision_date=decision_date,
            document_type=document,
            days_to_decision=_days(first_contact, decision_date),
            days_to_documented=_days(first_contact, documented),
            complementary_started=min(starts) if starts else None,
            complementary_finished=finished,
            ended_on=ended_on,
            gender=gender,
            born_abroad=born_abroad,
        )


REFRESH_CHUNK = 5000


def case_facts_refresh(case_ids: Iterable[int] | None = None) -> int:
    """Rebuild the fact rows of the given cases (all cases when None, in one pass over them);
    a case that no longer exists loses its row through the cascade. Returns the rows written."""
    written = 0
    with transaction.atomic():
        figures_data_changed()
        if case_ids is None:
            CaseFactRow.objects.all().delete()
            batch: list[CaseFactRow] = []
            for fact in _computed_facts(ValidationCase.objects.all()):
                batch.append(_row(fact))
                if len(batch) >= REFRESH_CHUNK:
                    CaseFactRow.objects.bulk_create(batch, batch_size=1000)
                    written += len(batch)
                    batch = []
            CaseFactRow.objects.bulk_create(batch, batch_size=1000)
            return written + len(batch)
        wanted = sorted(set(case_ids))
        for start in range(0, len(wanted), REFRESH_CHUNK):
            ids = wanted[start : start + REFRESH_CHUNK]
            CaseFactRow.objects.filter(case_id__in=ids).delete()
            rows = [
                _row(fact) for fact in _computed_facts(ValidationCase.objects.filter(pk__in=ids))
            ]
            CaseFactRow.objects.bulk_create(rows, batch_size=1000)
            written += len(rows)
    return written


def _row(fact: CaseFact) -> CaseFactRow:
    return CaseFactRow(
        case_id=fact.case_id,
        organisation_id=fact.organisation_id,
        county_id=fact.county_id,
        municipality_id=fact.municipality_id,
        model_id=fact.model_id,
        occupation_id=fact.occupation_id,
        first_contact=fact.first_contact,
        first_contact_year=fact.first_contact.year,
        decision=fact.decision,
        decision_date=fact.decision_date,
        days_to_decision=fact.days_to_decision,
        days_to_documented=fact.days_to_documented,
        document_type=fact.document_type or "",
        complementary_started=fact.complementary_started,
        complementary_finished=fact.complementary_finished,
        complementary=fact.complementary_started is not None,
        complementary_done=(
            fact.complementary_started is not None and fact.complementary_finished is not None
        ),
        ended_on=fact.ended_on,
        gender=fact.gender,
        born_abroad=fact.born_abroad,
    )


def case_fact_rows(
    *,
    organisation: Organisation | int | None = None,
    county: County | str | None = None,
    municipality: Municipality | str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[CaseFactRow]:
    """The fact rows of the cases matching the filters (a county or municipality by object or
    code; `since` and `until` bound the first contact, both inclusive), for grouped counts."""
    rows = CaseFactRow.objects.all()
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if isinstance(county, County):
        rows = rows.filter(county=county)
    elif county is not None:
        rows = rows.filter(county__code=county)
    if isinstance(municipality, Municipality):
        rows = rows.filter(municipality=municipality)
    elif municipality is not None:
        rows = rows.filter(municipality__code=municipality)
    if since is not None:
        rows = rows.filter(first_contact__gte=since)
    if until is not None:
        rows = rows.filter(first_contact__lte=until)
    return rows


def case_facts(
    *,
    organisation: Organisation | int | None = None,
    county: County | str | None = None,
    municipality: Municipality | str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[CaseFact]:
    """The facts of the cases matching the filters, one by one, from their fact rows."""
    rows = case_fact_rows(
        organisation=organisation,
        county=county,
        municipality=municipality,
        since=since,
        until=until,
    ).order_by("case_id")
    for row in rows.values(
        "case_id",
        "organisation_id",
        "municipality_id",
        "municipality__code",
        "county_id",
        "county__code",
        "model_id",
        "occupation_id",
        "occupation__code",
        "first_contact",
        "decision",
        "decision_date",
        "document_type",
        "days_to_decision",
        "days_to_documented",
        "complementary_started",
        "complementary_finished",
        "ended_on",
        "gender",
        "born_abroad",
    ).iterator(chunk_size=2000):
        yield CaseFact(
            case_id=row["case_id"],
            organisation_id=row["organisation_id"],
            municipality_id=row["municipality_id"],
            municipality_code=row["municipality__code"],
            county_id=row["county_id"],
            county_code=row["county__code"],
            model_id=row["model_id"],
            occupation_id=row["occupation_id"],
            occupation_ssyk=row["occupation__code"],
            first_contact=row["first_contact"],
            decision=row["decision"],
            decision_date=row["decision_date"],
            document_type=row["document_type"] or None,
            days_to_decision=row["days_to_decision"],
            days_to_documented=row["days_to_documented"],
            complementary_started=row["complementary_started"],
            complementary_finished=row["complementary_finished"],
            ended_on=row["ended_on"],
            gender=row["gender"],
            born_abroad=row["born_abroad"],
        )
