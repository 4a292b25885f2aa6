"""Script in every Markdown and text field is neutralised on every page that shows it: no
script element of the writer's, no event-handler attribute, no javascript: link."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from valnav.core.audiences import TargetGroup
from valnav.networks.models import NetworkKind
from valnav.networks.services import (
    decision_add,
    document_add,
    effort_create,
    meeting_create,
    membership_add,
    minutes_approve,
    network_create,
)
from valnav.networks.tests.conftest import PDF

pytestmark = pytest.mark.django_db

PAYLOAD = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> "
    '<a href="javascript:alert(2)">a</a> [klick](javascript:alert(3)) '
    '[ok](JaVaScRiPt:alert(4)) " onmouseover="alert(5)" \' onfocus=\'alert(6)'
)
ALLOWED_SCRIPTS = {"/static/vendor/htmx/htmx.min.js"}


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name.lower() in {"href", "src", "action", "formaction"} and (
                (value or "").strip().lower().startswith("javascript:")
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "img":
            self.problems.append("<img>")
        if tag == "script":
            src = dict(attrs).get("src")
            if src not in ALLOWED_SCRIPTS:
                self.problems.append(f"<script src={src!r}>")
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:40]!r}")


def problems_in(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.fixture
def hostile(communicator, region, komvux, storage, reference_data):
    """A network with the payload in every text it has, public and with approved minutes."""
    network = network_create(
        actor=communicator,
        name=f"Nätverk {PAYLOAD}",
        slug="fientligt",
        kind=NetworkKind.OTHER,
        convenor=region,
        purpose=PAYLOAD,
        is_public=True,
    )
    membership_add(
        actor=communicator,
        network=network,
        organisation=komvux,
        contact_name=PAYLOAD[:200],
        contact_role=PAYLOAD[:200],
    )
    meeting = meeting_create(
        actor=communicator,
        network=network,
        title=PAYLOAD[:200],
        starts_at=timezone.now() - timedelta(days=1),
        place=PAYLOAD[:200],
        agenda=PAYLOAD,
        minutes=PAYLOAD,
        participants=[komvux],
    )
    minutes_approve(actor=communicator, meeting=meeting)
    decision_add(
        actor=communicator,
        meeting=meeting,
        text=PAYLOAD,
        responsible_person=PAYLOAD[:200],
        due_on=timezone.localdate() - timedelta(days=1),
    )
    document_add(
        actor=communicator,
        meeting=meeting,
        upload=SimpleUploadedFile(f"{PAYLOAD[:60]}.pdf", PDF),
        title=PAYLOAD[:200],
    )
    effort_create(
        actor=communicator,
        title=PAYLOAD[:200],
        description=PAYLOAD,
        starts_on=date(2026, 1, 1),
        target_groups=[TargetGroup.EMPLOYER],
        network=network,
        reach=2,
    )
    return network, meeting


def test_payloads_are_neutralised_on_every_page(hostile, communicator):
    network, meeting = hostile
    member = Client()
    member.force_login(communicator)
    slug, pk = network.slug, meeting.pk
    decision = meeting.decisions.get()
    member_pages = [
        reverse("networks:network-list"),
        reverse("networks:network-detail", kwargs={"slug": slug}),
        reverse("networks:network-edit", kwargs={"slug": slug}),
        reverse("networks:meeting-detail", kwargs={"slug": slug, "pk": pk}),
        reverse("networks:meeting-edit", kwargs={"slug": slug, "pk": pk}),
        reverse("networks:decision-edit", kwargs={"slug": slug, "pk": pk, "decision": decision.pk}),
        reverse("networks:decision-list"),
        reverse("networks:effort-manage"),
        reverse("networks:effort-edit", kwargs={"pk": network.efforts.get().pk}),
    ]
    public_pages = [
        reverse("networks:public-list"),
        reverse("networks:public-detail", kwargs={"slug": slug}),
        reverse("networks:effort-list"),
    ]
    checked = 0
    for client, urls in [(member, member_pages), (Client(), public_pages)]:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "alert" in html, f"{url} does not show the text at all"
            assert problems_in(html) == [], url
            checked += 1
    assert checked == len(member_pages) + len(public_pages)


def test_the_inspector_catches_what_it_should():
    assert problems_in("<p onclick=x>")
    assert problems_in('<a href=" javascript:x">')
    assert problems_in("<script>alert(1)</script>")
    assert problems_in("<img src=x>")
    assert not problems_in("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
