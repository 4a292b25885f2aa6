"""Case facts for insights: milestones from known histories, in one query, and suppression."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.case_io import cases_import
from valnav.casework.facts import _computed_facts, case_facts, case_facts_refresh, suppress
from valnav.casework.models import (
    CaseFactRow,
    CaseTransition,
    Credential,
    EducationPlanItem,
    PlanItemStatus,
    SigningKey,
    StatusList,
    ValidationCase,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "ärendenummer",
    "kommunkod",
    "kön",
    "ändamål_kön",
    "född_utomlands",
    "ändamål_född_utomlands",
    "modell",
    "yrke_ssyk",
    "första_kontakt",
    "steg",
    "beslut",
    "beslutsdatum",
    "avslutad",
]


def import_cases(organisation, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                "kommunkod": "1980",
                "modell": "facts-model",
                "första_kontakt": "2025-01-10",
                "steg": "bedömning",
                **row,
            }
        )
    report = cases_import(
        actor=None,
        organisation=organisation,
        source=buffer.getvalue().encode(),
        filename="facts.csv",
        dry_run=False,
    )
    assert report.ok, report.errors


@pytest.fixture
def model(personas):
    return ValidationModelFactory(key="facts-model", ssyk=["5321"])


@pytest.fixture
def cases(komvux, model):
    orebro = Organisation.objects.get(name="Örebro kommun, Vuxenutbildning och vägledning (demo)")
    import_cases(
        komvux,
        [
            {
                "ärendenummer": "F-OPEN",
                "kön": "kvinna",
                "ändamål_kön": "Jämställdhet",
                "född_utomlands": "ja",
                "ändamål_född_utomlands": "Uppföljning",
            },
            {
                "ärendenummer": "F-DOC",
                "steg": "complementary_education",
                "beslut": "delvis",
                "beslutsdatum": "2025-03-01",
                "yrke_ssyk": "5321",
            },
            {
                "ärendenummer": "F-CLOSED",
                "steg": "avslutat",
                "beslut": "full",
                "beslutsdatum": "2025-02-09",
                "avslutad": "2025-04-01",
                "kommunkod": "0380",
            },
        ],
    )
    import_cases(orebro, [{"ärendenummer": "F-OREBRO", "kommunkod": "1880"}])
    documented = ValidationCase.objects.get(reference="F-DOC")
    EducationPlanItem.objects.create(
        case=documented,
        status=PlanItemStatus.FINISHED,
        started_on=date(2025, 3, 20),
        finished_on=date(2025, 5, 1),
    )
    EducationPlanItem.objects.create(
        case=documented,
        status=PlanItemStatus.FINISHED,
        started_on=date(2025, 4, 1),
        finished_on=date(2025, 6, 1),
    )
    closed = ValidationCase.objects.get(reference="F-CLOSED")
    key = SigningKey.objects.create(kid="key-test", public_jwk={})
    status_list = StatusList.objects.create()
    assessor = Organisation.objects.get(pk=komvux.pk).memberships.get().user
    for index, (document_type, revoked) in enumerate([("intyg", False), ("yrkesbevis", True)]):
        Credential.objects.create(
            case=closed,
            issuer=komvux,
            document_type=document_type,
            decision="full",
            title="Test",
            issued_at=timezone.now() - timedelta(days=10 - index),
            issued_by=assessor,
            signer_name="Rektor",
            signer_title="rektor",
            payload={},
            jws="x",
            key=key,
            status_list=status_list,
            status_index=index,
            revoked_at=timezone.now() if revoked else None,
        )
    return {case.reference: case for case in ValidationCase.objects.all()}


def by_reference(facts, cases):
    references = {case.pk: reference for reference, case in cases.items()}
    return {references[fact.case_id]: fact for fact in facts}


def test_facts_follow_the_cases_histories(cases, komvux, model):
    facts = by_reference(case_facts(organisation=komvux), cases)

    assert set(facts) == {"F-OPEN", "F-DOC", "F-CLOSED"}
    opened = facts["F-OPEN"]
    assert (opened.municipality_code, opened.county_code, opened.model_id) == (
        "1980",
        "19",
        model.pk,
    )
    assert (opened.gender, opened.born_abroad) == ("woman", True)
    assert (opened.decision, opened.decision_date, opened.days_to_decision) == ("", None, None)
    assert opened.complementary_started is opened.complementary_finished is None

    documented = facts["F-DOC"]
    assert documented.occupation_ssyk == "5321"
    assert (documented.decision, documented.decision_date) == ("partial", date(2025, 3, 1))
    assert documented.days_to_decision == (date(2025, 3, 1) - date(2025, 1, 10)).days
    # Documented after the decision, and the case went on to complementary education: those
    # steps are dated on the decision day, the last date the file gave.
    assert documented.days_to_documented == documented.days_to_decision
    assert documented.complementary_started == date(2025, 3, 1)  # the transition, before the plan
    assert documented.complementary_finished == date(2025, 6, 1)  # the last item's end
    assert documented.ended_on is None

    closed = facts["F-CLOSED"]
    assert (closed.county_code, closed.decision_date, closed.days_to_decision) == (
        "03",
        date(2025, 2, 9),
        30,
    )
    assert closed.document_type == "intyg"  # the later yrkesbevis was revoked
    assert closed.ended_on == date(2025, 4, 1)
    assert facts["F-OPEN"].document_type is None


def test_an_open_plan_item_means_not_finished(cases, komvux):
    EducationPlanItem.objects.create(case=cases["F-DOC"], status=PlanItemStatus.STARTED)
    (fact,) = [f for f in case_facts(organisation=komvux) if f.case_id == cases["F-DOC"].pk]
    assert fact.complementary_finished is None


def test_a_case_without_plan_items_finishes_when_it_leaves_the_state(cases, komvux):
    case = cases["F-DOC"]
    case.plan_items.all().delete()
    last = case.transitions.order_by("-at").first()
    CaseTransition.objects.create(
        case=case,
        from_state="complementary_education",
        to_state="reassessment",
        at=last.at + timedelta(days=40),
    )
    (fact,) = [f for f in case_facts() if f.case_id == case.pk]
    assert fact.complementary_finished == timezone.localdate(last.at + timedelta(days=40))


def test_filters(cases, komvux):
    def references(**filters):
        return set(by_reference(case_facts(**filters), cases))

    assert references(county="03") == {"F-CLOSED"}
    assert references(municipality="1880") == {"F-OREBRO"}
    assert references(organisation=komvux.pk, municipality="1980") == {"F-OPEN", "F-DOC"}
    assert references(since=date(2025, 1, 11)) == set()
    assert references(until=date(2025, 1, 10)) == set(cases)


def test_facts_take_one_query_however_many_cases(cases, komvux, django_assert_num_queries):
    with django_assert_num_queries(1):
        few = list(case_facts())
    import_cases(komvux, [{"ärendenummer": f"MORE-{n}"} for n in range(20)])
    with django_assert_num_queries(1):
        many = list(case_facts())
    assert len(many) == len(few) + 20


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (1234, 1234)])
def test_suppress_hides_counts_of_one_to_four(count, shown):
    assert suppress(count) == shown


def _afresh():
    return sorted(_computed_facts(ValidationCase.objects.all()), key=lambda fact: fact.case_id)


def test_the_stored_rows_follow_every_change_to_a_case(cases, komvux):
    """Statistics count the stored fact rows: whatever changes a case (an import in bulk, a
    plan item, a transition, a revoked document, the person's details), they stay equal to the
    facts worked out afresh."""
    assert list(case_facts()) == _afresh()

    documented = cases["F-DOC"]
    EducationPlanItem.objects.create(case=documented, status=PlanItemStatus.STARTED)
    assert list(case_facts()) == _afresh()

    credential = Credential.objects.filter(revoked_at__isnull=True).first()
    Credential.objects.filter(pk=credential.pk).update(revoked_at=timezone.now())
    case_facts_refresh([credential.case_id])
    assert list(case_facts()) == _afresh()

    person = cases["F-OPEN"].individual
    person.gender = "man"
    person.save()
    assert next(f for f in case_facts() if f.case_id == cases["F-OPEN"].pk).gender == "man"
    assert list(case_facts()) == _afresh()


def test_a_deleted_plan_item_is_counted_out_once_committed(
    cases, django_capture_on_commit_callbacks
):
    case = cases["F-DOC"]
    with django_capture_on_commit_callbacks(execute=True):
        case.plan_items.all().delete()
    assert list(case_facts()) == _afresh()


def test_a_deleted_case_takes_its_row_with_it(cases):
    case = cases["F-OPEN"]
    case.delete()
    assert not CaseFactRow.objects.filter(case_id=case.pk).exists()
    assert list(case_facts()) == _afresh()


def test_refresh_case_facts_rebuilds_every_row(cases):
    CaseFactRow.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_case_facts", stdout=out)
    assert f"for {len(cases)} cases" in out.getvalue()
    assert list(case_facts()) == _afresh()


def test_each_row_keeps_the_year_of_its_first_contact(cases):
    rows = CaseFactRow.objects.values_list("first_contact", "first_contact_year")
    assert rows
    assert all(year == first.year for first, year in rows)
    case = cases["F-OPEN"]
    case.first_contact = case.first_contact.replace(year=2023)
    case.save()
    assert CaseFactRow.objects.get(case_id=case.pk).first_contact_year == 2023
