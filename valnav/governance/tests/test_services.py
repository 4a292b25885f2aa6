from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from valnav.accounts.personas import demo_organisation
from valnav.governance.models import Group, MemberRole, Project
from valnav.governance.selectors import project_scope
from valnav.governance.services import member_add, project_create

pytestmark = pytest.mark.django_db


def _owner():
    return demo_organisation("region-vastmanland")


def test_a_project_is_created_with_its_period(personas):
    project = project_create(
        name="Test",
        diarienummer="23RS1",
        owner=_owner(),
        starts_on="2023-01-01",
        ends_on="2023-12-31",
    )
    assert project.starts_on == date(2023, 1, 1)
    assert project.years == [2023]


def test_the_source_documents_end_date_is_refused_naming_the_field(personas):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        project_create(
            name="Test",
            diarienummer="22RS8988",
            owner=_owner(),
            starts_on="2022-11-01",
            ends_on="2024-11-31",
        )
    assert raised.value.message_dict == {
        "ends_on": ["Ends on: 2024-11-31 is not a date: November has 30 days."]
    }
    assert not Project.objects.exists()


def test_a_project_must_end_after_it_starts(personas):
    with pytest.raises(ValidationError) as raised:
        project_create(
            name="Test",
            diarienummer="X1",
            owner=_owner(),
            starts_on="2024-01-01",
            ends_on="2023-01-01",
        )
    assert "ends_on" in raised.value.message_dict


def test_the_database_refuses_a_project_ending_before_it_starts(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(
            name="T",
            diarienummer="X2",
            owner=_owner(),
            starts_on=date(2024, 1, 1),
            ends_on=date(2023, 1, 1),
        )


def test_several_projects_side_by_side(personas, project):
    other = project_create(
        name="Andra",
        diarienummer="24RS2",
        owner=_owner(),
        starts_on="2025-01-01",
        ends_on="2026-12-31",
    )
    visible = Project.objects.visible_to(personas["project_manager"])
    assert set(visible) == {project, other}


def test_visibility(personas, project, uppsala):
    assert project in Project.objects.visible_to(personas["project_manager"])
    assert project in Project.objects.visible_to(personas["rua_vastmanland"])
    assert project in Project.objects.visible_to(uppsala)
    for key in ("assessor_vasteras_komvux", "counsellor_orebro", "employer_linkoping", "outsider"):
        assert project not in Project.objects.visible_to(personas[key])


def test_a_sub_project_manager_needs_a_region(personas, project):
    with pytest.raises(ValidationError):
        member_add(
            project=project,
            user=personas["rua_vastmanland"],
            group=Group.PROJECT,
            role=MemberRole.SUB_PROJECT_MANAGER,
        )


def test_only_people_of_the_owner_or_a_partner_join_the_project(personas, project):
    with pytest.raises(ValidationError) as error:
        member_add(
            project=project,
            user=personas["employer_linkoping"],  # of a firm, neither owner nor partner
            group=Group.PROJECT,
            role=MemberRole.MEMBER,
        )
    assert "user" in error.value.message_dict


def test_a_partner_reads_its_own_regions_rows_only(personas, project, uppsala, sormland):
    uppsala_scope = project_scope(user=uppsala, pk=project.pk)
    assert not uppsala_scope.whole
    assert uppsala_scope.region.code == "03"
    titles = [a.title for a in uppsala_scope.activities()]
    assert titles == ["Analys av fokusområden kopplade till bristyrken inom Komvux"]
    sormland_titles = [a.title for a in project_scope(user=sormland, pk=project.pk).activities()]
    assert sormland_titles == [
        "Samlat informationsmaterial om validering för projektets målgrupper"
    ]
    assert not set(titles) & set(sormland_titles)
    manager_scope = project_scope(user=personas["project_manager"], pk=project.pk)
    assert manager_scope.whole
    assert manager_scope.activities().count() == 6
