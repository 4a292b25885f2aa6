"""The demo networks: made by seed_demo, idempotent, marked as demo."""

import io

import pytest
from django.core.management import call_command

from valnav.demo.networks import BRANCH_SLUG, KOMVUX_SLUG, seed_networks
from valnav.networks.models import (
    KnowledgeEffort,
    Meeting,
    MeetingDecision,
    MeetingKind,
    Network,
    NetworkMembership,
)

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (Network, NetworkMembership, Meeting, MeetingDecision, KnowledgeEffort)
    ]


def test_the_demo_networks_are_seeded_once(personas):
    created = seed_networks()
    assert created == 5  # two networks, three efforts
    before = counts()
    assert seed_networks() == 0
    assert counts() == before

    komvux = Network.objects.get(slug=KOMVUX_SLUG)
    assert komvux.is_demo
    assert komvux.is_public
    members = set(komvux.memberships.values_list("organisation__name", flat=True))
    assert {
        "Region Västmanland (demo)",
        "Västerås stad, Vuxenutbildningen (demo)",
        "Örebro kommun, Vuxenutbildning och vägledning (demo)",
    } <= members
    meetings = komvux.meetings.all()
    assert meetings.count() == 2
    assert meetings.filter(kind=MeetingKind.EXPERIENCE_EXCHANGE).count() == 1
    assert all(meeting.minutes_approved and meeting.agenda for meeting in meetings)
    assert MeetingDecision.objects.filter(meeting__network=komvux).count() == 3
    assert Network.objects.get(slug=BRANCH_SLUG).is_demo
    efforts = KnowledgeEffort.objects.all()
    assert efforts.count() == 3
    assert all(effort.is_demo for effort in efforts)
    assert all(effort.target_groups.exists() for effort in efforts)
    assert all(effort.focus_branches.exists() for effort in efforts)


def test_seed_demo_runs_the_network_seed(reference_data):
    call_command("seed_demo", stdout=io.StringIO())
    assert Network.objects.filter(slug=KOMVUX_SLUG, is_demo=True).exists()
