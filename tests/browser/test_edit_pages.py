"""The staff pages for writing and editing that no journey passes through, with the demo
content: networks, efforts and decisions, information material (edit, versions, translation),
events, projects and activities. axe on each, zero serious or critical."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field_label, sv, url
from valnav.accounts.models import User
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY
from valnav.demo.events import seed_events
from valnav.demo.governance import seed_governance
from valnav.demo.networks import seed_networks
from valnav.demo.outreach import demo_outreach_seed
from valnav.events.models import Event
from valnav.governance.models import Activity, Project
from valnav.networks.models import KnowledgeEffort, MeetingDecision, Network
from valnav.outreach.models import Material


@pytest.fixture
def demo_content(browser_data: dict[str, Any]) -> None:
    demo_outreach_seed()
    seed_networks()
    seed_events()
    seed_governance()


def log_in(page: Any, server: str, key: str) -> User:
    persona = PERSONAS_BY_KEY[key]
    page.context.clear_cookies()
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(persona.email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))
    return User.objects.get(email=persona.email)


def visit(page: Any, link: str, check_a11y: Any) -> None:
    response = page.goto(link)
    assert response is not None, link
    assert response.status == 200, link
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page)


def test_the_communicators_edit_pages_pass_axe(page, server, check_a11y, demo_content):
    user = log_in(page, server, "communicator_vastmanland")
    network = Network.objects.manageable_by(user).order_by("pk").first()
    assert network is not None
    decision = MeetingDecision.objects.filter(meeting__network=network).order_by("pk").first()
    effort = KnowledgeEffort.objects.order_by("pk").first()
    material = Material.objects.filter(organisation__memberships__user=user).order_by("pk").first()
    event = Event.objects.manageable_by(user).order_by("pk").first()
    assert decision is not None
    assert effort is not None
    assert material is not None
    assert event is not None
    links = [
        url(server, "networks:network-new"),
        url(server, "networks:network-edit", slug=network.slug),
        url(server, "networks:effort-manage"),
        url(server, "networks:effort-new"),
        url(server, "networks:effort-edit", pk=effort.pk),
        url(
            server,
            "networks:decision-edit",
            slug=network.slug,
            pk=decision.meeting_id,
            decision=decision.pk,
        ),
        url(server, "outreach:material-edit", pk=material.pk),
        url(server, "outreach:material-versions", pk=material.pk),
        url(server, "outreach:material-translate", pk=material.pk),
        url(server, "events:event-edit", slug=event.slug),
    ]
    for link in links:
        visit(page, link, check_a11y)


def test_the_project_managers_edit_pages_pass_axe(page, server, check_a11y, demo_content):
    log_in(page, server, "project_manager")
    project = Project.objects.order_by("pk").first()
    assert project is not None
    activity = Activity.objects.filter(sub_goal__project=project).order_by("pk").first()
    assert activity is not None
    for link in [
        url(server, "governance:project-new"),
        url(server, "governance:project-edit", pk=project.pk),
        url(server, "governance:activity-edit", pk=project.pk, activity=activity.pk),
    ]:
        visit(page, link, check_a11y)
