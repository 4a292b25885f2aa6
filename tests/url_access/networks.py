"""Networks: public pages for everyone; member pages for signed-in members of a network's
organisations (`Network.objects.visible_to`); writes for MANAGE_NETWORKS.

The sample network is convened by Region Västmanland with Komvux in Västerås as a member: the
four Region Västmanland personas and the Västerås assessor read it, the counsellor in Örebro
and the employer get a 404 (as anyone outside its organisations), the outsider (no role) 403.
"""

from __future__ import annotations

from tests.url_access import SIGNED_IN, everyone, only, posting

MANAGERS = {"admin", "rua_vastmanland", "communicator_vastmanland", "project_manager"}
STAFF = set(SIGNED_IN) - {"outsider"}
READERS = MANAGERS | {"assessor_vasteras_komvux"}
OUTSIDE = {"counsellor_orebro", "employer_linkoping"}


def network_page(*, readers: int = 200) -> dict[str, int]:
    return only(STAFF) | dict.fromkeys(OUTSIDE, 404) | dict.fromkeys(READERS, readers)


EXPECTED: dict[str, dict[str, int]] = {
    "networks:public-list": everyone(200),
    "networks:public-detail": everyone(200),
    "networks:effort-list": everyone(200),
    "networks:network-list": only(STAFF),
    "networks:decision-list": only(STAFF),
    "networks:network-new": only(MANAGERS),
    "networks:effort-manage": only(MANAGERS),
    "networks:effort-new": only(MANAGERS),
    "networks:effort-edit": only(MANAGERS),
    "networks:network-detail": network_page(),
    "networks:network-edit": only(MANAGERS),
    "networks:meeting-new": only(MANAGERS),
    "networks:meeting-detail": network_page(),
    "networks:meeting-edit": only(MANAGERS),
    "networks:decision-edit": only(MANAGERS),
    # The sample document row has no stored file (the matrix writes no files): 404 even for
    # readers; valnav/networks/tests download a real one.
    "networks:document-file": network_page(readers=404),
    "networks:membership-add": everyone(405),  # POST only
    "networks:membership-end": everyone(405),  # POST only
    "networks:minutes-approve": everyone(405),  # POST only
    "networks:document-add": everyone(405),  # POST only
    "networks:document-remove": everyone(405),  # POST only
    "networks:decision-add": everyone(405),  # POST only
    # The open API: public networks and efforts only, no login.
    "api-v1:network-list": everyone(200),
    "api-v1:network-detail": everyone(200),
    "api-v1:knowledge-effort-list": everyone(200),
}

SLUG = "matrisens-natverk"


def _sample() -> dict[str, str]:
    from datetime import date

    from django.utils import timezone

    from valnav.accounts.personas import demo_organisation
    from valnav.core.audiences import TargetGroup
    from valnav.networks.models import (
        KnowledgeEffort,
        KnowledgeEffortTargetGroup,
        Meeting,
        MeetingDecision,
        MeetingDocument,
        Network,
        NetworkKind,
        NetworkMembership,
    )

    network = Network.objects.filter(slug=SLUG).first()
    if network is None:
        region = demo_organisation("region-vastmanland")
        komvux = demo_organisation("vasteras-komvux")
        network = Network.objects.create(
            name="Matrisens nätverk",
            slug=SLUG,
            kind=NetworkKind.KOMVUX_VALIDATION,
            convenor=region,
            is_public=True,
        )
        NetworkMembership.objects.create(network=network, organisation=region)
        NetworkMembership.objects.create(network=network, organisation=komvux)
        meeting = Meeting.objects.create(
            network=network, title="Möte", starts_at=timezone.now(), place="Västerås"
        )
        MeetingDocument.objects.create(
            meeting=meeting, title="Underlag", original_name="x.pdf", content_type="x", size=1
        )
        MeetingDecision.objects.create(meeting=meeting, text="Gör det", responsible_person="A")
        effort = KnowledgeEffort.objects.create(
            title="Matrisens insats", network=network, starts_on=date(2026, 1, 1)
        )
        KnowledgeEffortTargetGroup.objects.create(effort=effort, target_group=TargetGroup.EMPLOYER)
    meeting = network.meetings.get()
    return {
        "slug": network.slug,
        "pk": str(meeting.pk),
        "document": str(meeting.documents.get().pk),
        "decision": str(meeting.decisions.get().pk),
        "membership": str(network.memberships.earliest("pk").pk),
        "effort": str(network.efforts.get().pk),
    }


def sample_kwargs(name: str) -> dict[str, str] | None:
    sample = _sample()
    if name in {
        "networks:public-detail",
        "networks:network-detail",
        "networks:network-edit",
        "api-v1:network-detail",
    }:
        return {"slug": sample["slug"]}
    if name in {"networks:membership-add", "networks:meeting-new"}:
        return {"slug": sample["slug"]}
    if name == "networks:membership-end":
        return {"slug": sample["slug"], "pk": sample["membership"]}
    if name in {
        "networks:meeting-detail",
        "networks:meeting-edit",
        "networks:minutes-approve",
        "networks:document-add",
        "networks:decision-add",
    }:
        return {"slug": sample["slug"], "pk": sample["pk"]}
    if name in {"networks:document-file", "networks:document-remove"}:
        return {"slug": sample["slug"], "pk": sample["pk"], "document": sample["document"]}
    if name == "networks:decision-edit":
        return {"slug": sample["slug"], "pk": sample["pk"], "decision": sample["decision"]}
    if name == "networks:effort-edit":
        return {"pk": sample["effort"]}
    return None


# For the network's managers an empty form is refused (400); ending a membership and removing
# a document need no form (back to the network).
POST_EXPECTED: dict[str, dict[str, int]] = {
    "networks:membership-add": posting(MANAGERS, 400),
    "networks:membership-end": posting(MANAGERS, 302),
    "networks:minutes-approve": posting(MANAGERS, 400),
    "networks:document-add": posting(MANAGERS, 400),
    "networks:document-remove": posting(MANAGERS, 302),
    "networks:decision-add": posting(MANAGERS, 400),
}
