"""Who may edit which organisation's atlas entries, when a change waits for the region's review,
what each row offers to do next, what is stale, and what the history records."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import CheckConstraint, Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from valnav.accounts.models import Membership, Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.atlas.models import (
    ComplementaryEducation,
    EducationForm,
    Offer,
    PublicationStatus,
    RegionPolicy,
)
from valnav.atlas.offer_io import offers_import
from valnav.atlas.services import (
    allowed_actions,
    atlas_rights,
    education_create,
    education_stems,
    education_update,
    offer_create,
    offer_publish,
    offer_update,
)
from valnav.atlas.tests.factories import EducationFactory, OfferFactory, ValidationModelFactory
from valnav.core.permissions import Perm, Role
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db

KOMVUX_ORGNR = "402000-0024"  # Västerås stad, Vuxenutbildningen (demo): the assessor's organisation
OREBRO_ORGNR = "402000-0032"  # Örebro kommun: where the assessor is an employer representative


def place(code):
    return Municipality.objects.get(code=code)


@pytest.fixture
def komvux(personas):
    return Organisation.objects.get(org_number=KOMVUX_ORGNR)


@pytest.fixture
def orebro(personas):
    return Organisation.objects.get(org_number=OREBRO_ORGNR)


@pytest.fixture
def assessor(personas, orebro):
    """The assessor at Komvux Västerås, who is also an employer representative in Örebro."""
    user = personas["assessor_vasteras_komvux"]
    Membership.objects.create(user=user, organisation=orebro, role=Role.EMPLOYER_REPRESENTATIVE)
    return User.objects.get(pk=user.pk)  # a fresh object: roles are cached on the user


@pytest.fixture
def rua(personas):
    return personas["rua_vastmanland"]


@pytest.fixture
def vard(personas):
    return ValidationModelFactory(key="test-vard", name="Vård och omsorg (test)")


@pytest.fixture
def review_in_vastmanland(personas):
    """Region Västmanland (county 19, with Västerås) reviews publications; Örebro does not."""
    return RegionPolicy.objects.create(county=County.objects.get(code="19"), review_required=True)


def offer_data(model, provider, **changes):
    data = {
        "model": model,
        "provider": provider,
        "external_id": "VO-1",
        "municipality": place("1980"),
        "languages": ",sv,",
        "cost_to_individual": 0,
    }
    data.update(changes)
    return data


def education_data(provider, **changes):
    data = {
        "title": "Vård- och omsorgsarbete 1",
        "provider": provider,
        "external_id": "KU-1",
        "municipality": place("1980"),
        "form": EducationForm.KOMVUX_COURSE,
    }
    data.update(changes)
    return data


def csv_file(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def import_row(external_id, **changes):
    row = {
        "extern_id": external_id,
        "anordnare_orgnr": KOMVUX_ORGNR,
        "modell": "test-vard",
        "kommunkod": "1980",
        "beskrivning": "Validering på Komvux",
        "status": "published",
    }
    row.update(changes)
    return row


def run_import(rows, *, actor, dry_run=False):
    with translation.override("en"):
        return offers_import(
            actor=actor, source=csv_file(rows), filename="erbjudanden.csv", dry_run=dry_run
        )


# --- 1. A role counts only in the organisation that gave it ------------------------------------


def test_a_role_counts_only_in_the_organisation_that_gave_it(assessor, komvux, orebro):
    assert list(organisations_with_perm(user=assessor, perm=Perm.EDIT_OWN_ATLAS)) == [komvux]
    assert list(organisations_with_perm(user=assessor, perm=Perm.IMPORT_ATLAS)) == [komvux]
    staff_pages = organisations_with_perm(user=assessor, perm=Perm.VIEW_STAFF_PAGES)
    assert set(staff_pages) == {komvux, orebro}


def test_reviewers_and_superusers_act_on_every_organisation_and_outsiders_on_none(
    personas, rua, reference_data
):
    every = Organisation.objects.count()
    assert organisations_with_perm(user=rua, perm=Perm.EDIT_OWN_ATLAS).count() == every
    assert organisations_with_perm(user=personas["admin"], perm=Perm.IMPORT_ATLAS).count() == every
    root = User.objects.create_superuser("root@example.se", "x", full_name="Root")
    assert organisations_with_perm(user=root, perm=Perm.MANAGE_ACCOUNTS).count() == every
    outsider = personas["outsider"]
    assert not organisations_with_perm(user=outsider, perm=Perm.EDIT_OWN_ATLAS).exists()
    counsellor = personas["counsellor_orebro"]
    assert not organisations_with_perm(user=counsellor, perm=Perm.EDIT_OWN_ATLAS).exists()


def test_a_role_elsewhere_gives_no_write_access_through_the_services(assessor, orebro, vard):
    with pytest.raises(PermissionDenied):
        offer_create(actor=assessor, data=offer_data(vard, orebro))
    with pytest.raises(PermissionDenied):
        education_create(actor=assessor, data=education_data(orebro))
    theirs = OfferFactory(model=vard, provider=orebro, status=PublicationStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        offer_publish(offer=theirs, actor=assessor)
    with pytest.raises(PermissionDenied):
        offer_update(offer=theirs, actor=assessor, data={"description": "Ändrad"})
    theirs.refresh_from_db()
    assert theirs.status == PublicationStatus.DRAFT
    assert not Offer.objects.editable_by(assessor).filter(pk=theirs.pk).exists()
    their_education = EducationFactory(provider=orebro)
    editable = ComplementaryEducation.objects.editable_by(assessor)
    assert not editable.filter(pk=their_education.pk).exists()


def test_an_own_entry_cannot_be_handed_to_an_organisation_of_another_role(
    assessor, komvux, orebro, vard
):
    offer = offer_create(actor=assessor, data=offer_data(vard, komvux))
    with pytest.raises(PermissionDenied):
        offer_update(offer=offer, actor=assessor, data={"provider": orebro})
    education = education_create(actor=assessor, data=education_data(komvux))
    with pytest.raises(PermissionDenied):
        education_update(education=education, actor=assessor, data={"provider": orebro})
    assert Offer.objects.get(pk=offer.pk).provider == komvux
    assert ComplementaryEducation.objects.get(pk=education.pk).provider == komvux


def test_the_pages_offer_and_accept_only_the_organisations_of_an_editing_role(
    assessor, komvux, orebro, vard
):
    client = Client()
    client.force_login(assessor)
    form = client.get(reverse("atlas:offer-create")).context["form"]
    assert list(form.fields["provider"].queryset) == [komvux]
    response = client.post(
        reverse("atlas:offer-create"),
        {
            "model": vard.pk,
            "provider": orebro.pk,
            "external_id": "X",
            "municipality": place("1880").pk,
            "languages": "sv",
            "cost_to_individual": "0",
        },
    )
    assert "provider" in response.context["form"].errors
    assert not Offer.objects.filter(external_id="X").exists()
    theirs = OfferFactory(model=vard, provider=orebro, status=PublicationStatus.DRAFT)
    assert client.get(reverse("atlas:offer-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("atlas:offer-publish", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == PublicationStatus.DRAFT


def test_a_role_elsewhere_gives_no_import_for_that_organisation(assessor, vard):
    report = run_import(
        [import_row("A1"), import_row("B1", anordnare_orgnr=OREBRO_ORGNR)], actor=assessor
    )
    assert [(error.row, error.column) for error in report.errors] == [(3, "anordnare_orgnr")]
    assert not Offer.objects.exists()


def test_reviewers_still_create_for_every_organisation(rua, orebro, vard):
    offer = offer_create(actor=rua, data=offer_data(vard, orebro, municipality=place("1880")))
    assert offer.provider == orebro
    report = run_import([import_row("B1", anordnare_orgnr=OREBRO_ORGNR)], actor=rua)
    assert report.errors == []


# --- 2. A change to a published entry goes back to review where the region wants it ------------


def test_a_changed_published_offer_goes_back_to_review(
    assessor, komvux, vard, review_in_vastmanland
):
    offer = OfferFactory(model=vard, provider=komvux, status=PublicationStatus.PUBLISHED)
    offer_update(offer=offer, actor=assessor, data={"description": "Ny beskrivning"})
    offer.refresh_from_db()
    assert offer.status == PublicationStatus.IN_REVIEW
    assert not Offer.objects.published().filter(pk=offer.pk).exists()


def test_saving_a_published_offer_unchanged_keeps_it_published(
    assessor, komvux, vard, review_in_vastmanland
):
    offer = OfferFactory(model=vard, provider=komvux, description="Samma")
    offer_update(offer=offer, actor=assessor, data={"description": "Samma"})
    offer.refresh_from_db()
    assert offer.status == PublicationStatus.PUBLISHED


def test_a_reviewers_change_and_a_change_where_nobody_reviews_stay_published(
    assessor, rua, komvux, orebro, vard, review_in_vastmanland
):
    offer = OfferFactory(model=vard, provider=komvux)
    offer_update(offer=offer, actor=rua, data={"description": "Granskarens text"})
    assert Offer.objects.get(pk=offer.pk).status == PublicationStatus.PUBLISHED
    orebro_offer = OfferFactory(model=vard, provider=komvux, municipality=place("1880"))
    offer_update(offer=orebro_offer, actor=assessor, data={"description": "Ny"})
    assert Offer.objects.get(pk=orebro_offer.pk).status == PublicationStatus.PUBLISHED


@pytest.mark.parametrize(("before", "after"), [("1980", "1880"), ("1880", "1980")])
def test_moving_a_published_offer_across_a_reviewing_county_goes_to_review(
    assessor, komvux, vard, review_in_vastmanland, before, after
):
    offer = OfferFactory(model=vard, provider=komvux, municipality=place(before))
    offer_update(offer=offer, actor=assessor, data={"municipality": place(after)})
    assert Offer.objects.get(pk=offer.pk).status == PublicationStatus.IN_REVIEW


def test_changed_published_education_goes_back_to_review_also_for_occupations_alone(
    assessor, komvux, review_in_vastmanland
):
    education = EducationFactory(provider=komvux)
    nurse = Occupation.objects.get(code="5321")
    education_update(education=education, actor=assessor, data={}, occupations=[nurse])
    education.refresh_from_db()
    assert education.status == PublicationStatus.IN_REVIEW
    unchanged = EducationFactory(provider=komvux)
    education_update(
        education=unchanged, actor=assessor, data={"title": unchanged.title}, occupations=[]
    )
    assert ComplementaryEducation.objects.get(pk=unchanged.pk).status == "published"


def test_the_edit_page_says_the_change_was_sent_for_review(
    assessor, komvux, vard, review_in_vastmanland
):
    offer = OfferFactory(model=vard, provider=komvux, lead_time_weeks=4)
    client = Client()
    client.force_login(assessor)
    response = client.post(
        reverse("atlas:offer-edit", args=[offer.pk]),
        {
            "model": vard.pk,
            "provider": komvux.pk,
            "external_id": offer.external_id,
            "municipality": place("1980").pk,
            "languages": "sv",
            "cost_to_individual": "0",
            "lead_time_weeks": "6",
        },
        follow=True,
    )
    offer.refresh_from_db()
    assert offer.status == PublicationStatus.IN_REVIEW
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = gettext(  # as the view translates it (an alias makemessages does not collect)
            "The offer was saved and sent for review: the region reviews changes to published "
            "offers before the public sees them."
        )
    assert expected in [str(message) for message in response.context["messages"]]


def test_an_imported_change_to_a_published_offer_goes_back_to_review(
    assessor, komvux, vard, review_in_vastmanland
):
    OfferFactory(model=vard, provider=komvux, external_id="A1", description="Gammal")
    unchanged = OfferFactory(model=vard, provider=komvux, external_id="A2", description="Samma")
    OfferFactory(model=vard, provider=komvux, external_id="A3", description="Gammal")
    history = unchanged.history.count()
    report = run_import(
        [
            import_row("A1", beskrivning="Ny"),
            import_row("A2", beskrivning="Samma"),
        ],
        actor=assessor,
    )
    assert report.errors == []
    without_status_column = [
        {key: value for key, value in import_row("A3", beskrivning="Ny").items() if key != "status"}
    ]
    assert run_import(without_status_column, actor=assessor).errors == []
    statuses = dict(Offer.objects.values_list("external_id", "status"))
    assert statuses == {"A1": "in_review", "A2": "published", "A3": "in_review"}
    assert unchanged.history.count() == history


def test_a_reviewers_imported_change_stays_published(rua, komvux, vard, review_in_vastmanland):
    OfferFactory(model=vard, provider=komvux, external_id="A1", description="Gammal")
    assert run_import([import_row("A1", beskrivning="Ny")], actor=rua).errors == []
    assert Offer.objects.get().status == PublicationStatus.PUBLISHED


# --- 3. What each row offers, decided in one place -----------------------------------------------


@pytest.mark.parametrize(
    ("status", "member", "reviewer"),
    [
        ("draft", {"publish", "archive"}, {"publish", "archive"}),
        ("in_review", {"archive"}, {"publish", "archive"}),
        ("published", {"reviewed", "archive"}, {"reviewed", "archive"}),
        ("archived", set(), set()),
    ],
)
def test_allowed_actions_follow_status_and_role(
    assessor, rua, komvux, orebro, vard, status, member, reviewer
):
    offer = OfferFactory(model=vard, provider=komvux, status=status)
    education = EducationFactory(provider=komvux, status=status)
    for entry in (offer, education):
        assert allowed_actions(entry, atlas_rights(user=assessor)) == member
        assert allowed_actions(entry, atlas_rights(user=rua)) == reviewer
    theirs = OfferFactory(model=vard, provider=orebro, status=status)
    assert allowed_actions(theirs, atlas_rights(user=assessor)) == set()


def test_my_atlas_offers_publish_for_education_under_the_offer_rule(assessor, rua, komvux):
    draft = EducationFactory(provider=komvux, status=PublicationStatus.DRAFT)
    waiting = EducationFactory(provider=komvux, status=PublicationStatus.IN_REVIEW)
    member = Client()
    member.force_login(assessor)
    page = member.get(reverse("atlas:my-offers")).content.decode()
    assert reverse("atlas:education-publish", args=[draft.pk]) in page
    assert reverse("atlas:education-publish", args=[waiting.pk]) not in page
    reviewer = Client()
    reviewer.force_login(rua)
    page = reviewer.get(reverse("atlas:my-offers")).content.decode()
    assert reverse("atlas:education-publish", args=[draft.pk]) in page
    assert reverse("atlas:education-publish", args=[waiting.pk]) in page


def test_education_awaiting_review_is_published_from_the_review_queue(
    assessor, rua, komvux, review_in_vastmanland
):
    education = EducationFactory(provider=komvux, status=PublicationStatus.DRAFT)
    member = Client()
    member.force_login(assessor)
    member.post(reverse("atlas:education-publish", args=[education.pk]))
    education.refresh_from_db()
    assert education.status == PublicationStatus.IN_REVIEW

    reviewer = Client()
    reviewer.force_login(rua)
    queue = reverse("atlas:review-queue")
    page = reviewer.get(queue).content.decode()
    publish_url = reverse("atlas:education-publish", args=[education.pk])
    assert f'action="{publish_url}"' in page
    assert f'<span class="visually-hidden"> – {education.title}, Västerås</span>' in page
    response = reviewer.post(publish_url, {"next": queue})
    assert response.status_code == 302
    assert response.url == queue
    education.refresh_from_db()
    assert education.status == PublicationStatus.PUBLISHED
    assert education.last_reviewed == timezone.localdate()


def _fill_my_atlas(komvux, vard, count):
    for status in PublicationStatus.values:
        for _ in range(count):
            OfferFactory(model=vard, provider=komvux, status=status)
            EducationFactory(provider=komvux, status=status)


@pytest.mark.parametrize("count", [1, 10])
def test_my_atlas_asks_a_fixed_number_of_queries(
    assessor, komvux, vard, count, django_assert_max_num_queries
):
    _fill_my_atlas(komvux, vard, count)
    client = Client()
    client.force_login(assessor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("atlas:my-offers"))
    assert len(response.context["offers"]) == 4 * count


# --- 4. Staleness and what an importer's publication means ---------------------------------------


def test_only_published_entries_are_stale(komvux, vard):
    old = timezone.localdate() - timedelta(days=400)
    stale = {
        OfferFactory(model=vard, provider=komvux, last_reviewed=None),
        OfferFactory(model=vard, provider=komvux, last_reviewed=old),
    }
    fresh = {
        OfferFactory(model=vard, provider=komvux, last_reviewed=timezone.localdate()),
        OfferFactory(model=vard, provider=komvux, status="draft", last_reviewed=None),
        OfferFactory(model=vard, provider=komvux, status="in_review", last_reviewed=old),
        OfferFactory(model=vard, provider=komvux, status="archived", last_reviewed=None),
    }
    assert set(Offer.objects.stale()) == stale
    assert all(offer.is_stale for offer in stale)
    assert not any(offer.is_stale for offer in fresh)
    EducationFactory(provider=komvux, status="draft", last_reviewed=None)
    assert not ComplementaryEducation.objects.stale().exists()


def test_a_draft_is_not_counted_as_stale_on_my_atlas(assessor, komvux, vard):
    OfferFactory(model=vard, provider=komvux, status="draft", last_reviewed=None)
    client = Client()
    client.force_login(assessor)
    assert client.get(reverse("atlas:my-offers")).context["stale_count"] == 0


def test_publishing_by_import_marks_the_offer_reviewed(assessor, komvux, vard):
    OfferFactory(model=vard, provider=komvux, external_id="A1", status="draft")
    report = run_import([import_row("A1"), import_row("A2")], actor=assessor)
    assert report.errors == []
    today = timezone.localdate()
    assert {offer.last_reviewed for offer in Offer.objects.all()} == {today}
    assert not Offer.objects.stale().exists()


def test_an_import_cannot_publish_or_send_for_review_an_archived_offer(assessor, komvux, vard):
    OfferFactory(model=vard, provider=komvux, external_id="A1", status="archived")
    OfferFactory(model=vard, provider=komvux, external_id="A2", status="archived")
    report = run_import(
        [import_row("A1"), import_row("A2", status="in_review")], actor=assessor, dry_run=True
    )
    assert [(error.row, error.column) for error in report.errors] == [(2, "status"), (3, "status")]
    assert set(Offer.objects.values_list("status", flat=True)) == {"archived"}


def test_an_import_checks_the_row_merged_with_the_stored_offer(assessor, komvux, vard):
    OfferFactory(model=vard, provider=komvux, external_id="A1", valid_from=date(2026, 6, 1))
    rows = [import_row("A1", giltig_till="2026-01-01")]  # no giltig_från column
    for dry_run in (True, False):
        report = run_import(rows, actor=assessor, dry_run=dry_run)
        assert [(error.row, error.column) for error in report.errors] == [(2, "giltig_till")]
        assert "end date" in report.errors[0].message
    assert Offer.objects.get().valid_to is None


def test_an_import_of_both_dates_in_the_wrong_order_blames_the_end_date(assessor, vard):
    rows = [import_row("A1", giltig_från="2026-06-01", giltig_till="2026-01-01")]
    report = run_import(rows, actor=assessor)
    assert [(error.row, error.column) for error in report.errors] == [(2, "giltig_till")]


def test_the_importer_applies_every_rule_the_services_apply_to_an_offer():
    """The importer leaves the model's check constraints to the database (a refused row is
    found by validating it with the model) and does not call full_clean(): Offer must have no
    clean() of its own, or the importer must be taught it."""
    assert Offer.clean is Model.clean
    assert any(isinstance(constraint, CheckConstraint) for constraint in Offer._meta.constraints)


# --- 5. History ----------------------------------------------------------------------------------


def test_new_education_has_one_history_entry_with_its_occupations_and_models(
    assessor, komvux, vard
):
    nurse = Occupation.objects.get(code="5321")
    education = education_create(
        actor=assessor, data=education_data(komvux), occupations=[nurse], closes_gaps_of=[vard]
    )
    (created,) = education.history.all()
    assert created.history_type == "+"
    assert created.history_user == assessor
    assert [row.occupation_id for row in created.occupations.all()] == [nurse.pk]
    assert [row.validationmodel_id for row in created.closes_gaps_of.all()] == [vard.pk]
    assert education.search_stems == education_stems(education)  # the occupations included


def test_changing_educations_occupations_is_one_history_entry_shown_by_name(assessor, komvux):
    nurse = Occupation.objects.get(code="5321")
    education = education_create(actor=assessor, data=education_data(komvux))
    education_update(
        education=education,
        actor=assessor,
        data={"municipality": place("1880")},
        occupations=[nurse],
    )
    assert education.history.count() == 2
    client = Client()
    client.force_login(assessor)
    page = client.get(reverse("atlas:education-history", args=[education.pk])).content.decode()
    assert str(nurse) in page
    assert "<td>Västerås</td>" in page
    assert "<td>Örebro</td>" in page
    assert f"<td>{place('1980').pk}</td>" not in page


@pytest.mark.parametrize("changes", [2, 12])
def test_the_history_shows_related_objects_by_name_in_a_fixed_number_of_queries(
    assessor, komvux, orebro, vard, changes, django_assert_max_num_queries
):
    other_model = ValidationModelFactory(name="Elteknik (test)")
    offer = offer_create(actor=assessor, data=offer_data(vard, komvux))
    for index in range(changes):
        offer_update(
            offer=offer,
            actor=assessor,
            data={
                "municipality": place("1880" if index % 2 else "1980"),
                "model": other_model if index % 2 else vard,
            },
        )
    client = Client()
    client.force_login(assessor)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("atlas:offer-history", args=[offer.pk])).content.decode()
    assert "<td>Elteknik (test)</td>" in page
    assert "<td>Örebro</td>" in page
    assert f"<td>{other_model.pk}</td>" not in page
