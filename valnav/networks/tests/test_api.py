"""The open API of networks: public networks and efforts, the same rules as the pages."""

from datetime import date

import pytest
from django.test import Client

from valnav.core.audiences import TargetGroup
from valnav.networks.services import effort_create, minutes_approve

pytestmark = pytest.mark.django_db


def test_only_public_networks_with_approved_minutes_and_organisations(
    network, meeting, communicator
):
    assert Client().get("/api/v1/networks").json() == []
    assert Client().get(f"/api/v1/networks/{network.slug}").status_code == 404
    network.is_public = True
    network.save()
    detail = Client().get(f"/api/v1/networks/{network.slug}").json()
    assert detail["approved_minutes"] == []
    assert detail["member_organisations"] == [
        "Region Västmanland (demo)",
        "Västerås stad, Vuxenutbildningen (demo)",
    ]
    minutes_approve(actor=communicator, meeting=meeting)
    detail = Client().get(f"/api/v1/networks/{network.slug}").json()
    assert [row["title"] for row in detail["approved_minutes"]] == ["Vårmöte"]
    assert communicator.full_name not in str(detail)
    assert [row["slug"] for row in Client().get("/api/v1/networks").json()] == [network.slug]


def test_efforts_are_filtered_and_small_reach_is_suppressed(communicator, reference_data):
    effort_create(
        actor=communicator,
        title="Liten",
        starts_on=date(2026, 1, 1),
        target_groups=[TargetGroup.EMPLOYER],
        reach=4,
    )
    effort_create(
        actor=communicator,
        title="Stor",
        starts_on=date(2026, 2, 1),
        target_groups=[TargetGroup.INDIVIDUAL],
        reach=40,
    )
    rows = Client().get("/api/v1/knowledge-efforts").json()
    assert {row["title"]: row["reach"] for row in rows} == {"Liten": "<5", "Stor": 40}
    rows = Client().get("/api/v1/knowledge-efforts", {"target_group": "employer"}).json()
    assert [row["title"] for row in rows] == ["Liten"]
