"""The material services: drafts, versions, workflow, translations and review reminders."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from valnav.core.audiences import TargetGroup
from valnav.outreach.models import LATTLAST, Material, MaterialState, is_rtl, language_own_name
from valnav.outreach.selectors import (
    MaterialFilters,
    material_search,
    material_variants,
    version_diff,
)
from valnav.outreach.services import (
    material_archive,
    material_create,
    material_publish,
    material_submit,
    material_translate,
    material_update,
    materials_due_for_review,
    review_reminders_send,
)
from valnav.outreach.tests.factories import make_material, material_data, region
from valnav.places.models import County

pytestmark = pytest.mark.django_db


def test_a_new_material_is_a_draft_with_its_first_version(personas, communicator):
    material = make_material(personas, publish=False)
    assert material.state == MaterialState.DRAFT
    assert material.owner == communicator
    assert list(material.versions.values_list("number", flat=True)) == [1]
    assert list(material.audiences.values_list("target_group", flat=True)) == ["individual"]


def test_only_members_who_edit_material_may_write_it(personas):
    with pytest.raises(PermissionDenied):
        material_create(
            actor=personas["assessor_vasteras_komvux"],
            organisation=region(personas),
            data=material_data(),
        )


def test_bad_input_names_the_field(personas, communicator):
    with pytest.raises(ValidationError) as error:
        material_create(
            actor=communicator,
            organisation=region(personas),
            data=material_data(language="not a language", target_groups=[]),
        )
    assert "target_groups" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        material_create(
            actor=communicator,
            organisation=region(personas),
            data=material_data(language="Svenska!"),
        )
    assert "language" in error.value.message_dict


def test_a_change_of_text_keeps_a_version_and_an_unchanged_save_does_not(personas, communicator):
    material = make_material(personas, publish=False, title="Första titeln")
    material_update(
        material=material,
        actor=communicator,
        data=material_data(title="Andra titeln", slug=material.slug),
    )
    material_update(
        material=material,
        actor=communicator,
        data=material_data(title="Andra titeln", slug=material.slug),
    )
    versions = list(material.versions.order_by("number"))
    assert [v.title for v in versions] == ["Första titeln", "Andra titeln"]
    assert versions[1].created_by == communicator


def test_the_diff_shows_removed_and_added_lines(personas, communicator):
    material = make_material(personas, publish=False, body="ett\ntvå\ntre")
    material_update(
        material=material,
        actor=communicator,
        data=material_data(slug=material.slug, title=material.title, body="ett\nTVÅ\ntre\nfyra"),
    )
    old, new = material.versions.order_by("number")
    body = next(field for field in version_diff(old=old, new=new) if field.field == "body")
    assert body.changed
    changes = [(line.change, line.old, line.new) for line in body.lines]
    assert changes == [
        ("equal", "ett", "ett"),
        ("replace", "två", "TVÅ"),
        ("equal", "tre", "tre"),
        ("insert", "", "fyra"),
    ]


def test_workflow_draft_review_published_archived_records_who_and_when(personas, communicator):
    material = make_material(personas, publish=False)
    material_submit(material=material, actor=communicator)
    assert material.state == MaterialState.REVIEW
    material_publish(material=material, actor=communicator, today=datetime.date(2026, 1, 1))
    assert material.state == MaterialState.PUBLISHED
    assert material.published_at is not None
    assert material.review_by == datetime.date(2027, 1, 1)
    material_archive(material=material, actor=communicator)
    assert material.state == MaterialState.ARCHIVED
    steps = [(t.from_state, t.to_state, t.actor) for t in material.transitions.order_by("pk")]
    assert steps == [
        ("draft", "review", communicator),
        ("review", "published", communicator),
        ("published", "archived", communicator),
    ]
    with pytest.raises(ValidationError):
        material_update(material=material, actor=communicator, data=material_data())


def test_publishing_needs_publish_materials(personas):
    # The regional strategist writes material but does not publish it.
    rua = personas["rua_vastmanland"]
    material = material_create(actor=rua, organisation=region(personas), data=material_data())
    material_submit(material=material, actor=rua)
    with pytest.raises(PermissionDenied):
        material_publish(material=material, actor=rua)
    with pytest.raises(PermissionDenied):
        material_archive(material=material, actor=rua)
    assert Material.objects.get(pk=material.pk).state == MaterialState.REVIEW


def test_a_change_to_published_material_by_a_writer_goes_back_to_review(personas, published):
    rua = personas["rua_vastmanland"]
    material_update(
        material=published, actor=rua, data=material_data(slug=published.slug, title="Ny titel")
    )
    assert published.state == MaterialState.REVIEW
    assert not material_search(filters=MaterialFilters()).filter(pk=published.pk).exists()


def test_only_a_draft_is_sent_for_review(personas, published, communicator):
    with pytest.raises(ValidationError):
        material_submit(material=published, actor=communicator)


def test_a_translation_joins_the_group_once_per_language(personas, published, communicator):
    english = material_translate(
        material=published,
        actor=communicator,
        language="en",
        title="Validation for you",
        summary="Mapping, assessment, recognition.",
        body="Text",
        slug="validation-for-you",
    )
    assert english.translation_group == published.translation_group
    assert english.state == MaterialState.DRAFT
    assert list(english.audiences.values_list("target_group", flat=True)) == ["individual"]
    with pytest.raises(ValidationError) as error:
        material_translate(
            material=published,
            actor=communicator,
            language="en",
            title="Again",
            summary="s",
            body="b",
            slug="again",
        )
    assert "language" in error.value.message_dict
    # Only published variants are linked from the public page.
    assert material_variants(material=published) == []
    material_publish(material=english, actor=communicator)
    assert material_variants(material=published) == [english]


def test_the_database_refuses_a_second_text_in_one_language_of_a_group(personas, published):
    other = make_material(personas, publish=False)
    other.translation_group = published.translation_group
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


def test_languages_have_names_and_directions():
    assert language_own_name(LATTLAST) == "Lättläst"
    assert language_own_name("en") == "English"
    assert language_own_name("ar") == "العربيّة"
    assert is_rtl("ar")
    assert is_rtl("fa")
    assert not is_rtl("sv")
    assert not is_rtl(LATTLAST)


def test_search_filters_by_group_text_kind_language_branch_and_county(personas):
    uppsala = County.objects.get(code="03")
    orebro = County.objects.get(code="18")
    everywhere = make_material(personas, title="Arbetsgivarens vinst", target_groups=["employer"])
    in_uppsala = make_material(
        personas,
        title="Svetsare i Uppsala",
        target_groups=["employer"],
        counties=[uppsala],
        kind="fact_sheet",
    )
    make_material(personas, title="För individen", target_groups=["individual"])
    make_material(personas, title="Ej publicerad", target_groups=["employer"], publish=False)

    def titles(**filters: str) -> set[str]:
        found = material_search(filters=MaterialFilters(target_group="employer", **filters))
        return {material.title for material in found}

    assert titles() == {"Arbetsgivarens vinst", "Svetsare i Uppsala"}
    assert titles(query="svetsare uppsala") == {"Svetsare i Uppsala"}
    assert titles(kind="fact_sheet") == {in_uppsala.title}
    assert titles(county="03") == {everywhere.title, in_uppsala.title}
    assert titles(county=orebro.code) == {everywhere.title}
    assert titles(language="en") == set()


def test_review_reminders_go_once_per_date_to_each_owner(personas, communicator):
    today = timezone.localdate()
    due = make_material(personas, review_by=today + datetime.timedelta(days=10))
    past = make_material(personas, review_by=today - datetime.timedelta(days=3))
    make_material(personas, review_by=today + datetime.timedelta(days=30))
    make_material(personas, publish=False, review_by=today)
    assert set(materials_due_for_review(today=today)) == {due, past}

    assert review_reminders_send(today=today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [communicator.email]
    assert due.title in message.body
    assert past.title in message.body
    # The link works from a mail program: the site's public address, not a bare path.
    assert settings.VALNAV_PUBLIC_URL + reverse("outreach:material-list") in message.body
    due.refresh_from_db()
    assert due.reminded_for == due.review_by
    assert due.reminded_at is not None

    assert review_reminders_send(today=today) == 0  # the same dates: no second e-mail
    assert len(mail.outbox) == 1

    due.review_by = today + datetime.timedelta(days=5)  # a new date is reminded again
    due.save()
    call_command("send_review_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 2


def test_target_groups_are_those_of_the_project_and_the_seed():
    # The five of the communication objective, and the seed's branch validation bodies,
    # labour-market parties and regional skills-supply function (RUA).
    assert len(TargetGroup) == 8
    assert {"branch_validation", "labour_market_parties", "regional_skills_supply"} <= set(
        TargetGroup.values
    )
