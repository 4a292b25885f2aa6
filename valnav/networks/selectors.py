"""Reads across networks: the member pages start from `Network.objects.visible_to(user)`, the
public pages from `Network.objects.public()` and `KnowledgeEffort.objects.public()`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from valnav.accounts.models import Organisation, User
from valnav.casework.facts import suppress
from valnav.networks.models import (
    DecisionStatus,
    KnowledgeEffort,
    Meeting,
    MeetingDecision,
    Network,
    NetworkMembership,
)


def network_list_for_user(*, user: User) -> QuerySet[Network]:
    return Network.objects.visible_to(user).select_related("convenor").order_by("name")


def network_for_user(*, user: User, slug: str) -> Network | None:
    return (
        Network.objects.visible_to(user)
        .select_related("convenor")
        .prefetch_related("counties", "focus_branches")
        .filter(slug=slug)
        .first()
    )


def current_memberships(network: Network) -> QuerySet[NetworkMembership]:
    today = timezone.localdate()
    return (
        network.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .select_related("organisation", "user")
        .order_by("organisation__name", "pk")
    )


def member_organisations(network: Network) -> QuerySet[Organisation]:
    """The network's current member organisations and its convenor: organisations only."""
    today = timezone.localdate()
    current = network.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    return (
        Organisation.objects.filter(
            Q(pk__in=current.values("organisation_id")) | Q(pk=network.convenor_id)
        )
        .distinct()
        .order_by("name")
    )


def meetings_of(network: Network) -> QuerySet[Meeting]:
    return network.meetings.order_by("-starts_at", "-pk")


def meeting_for_network(*, network: Network, pk: int) -> Meeting | None:
    return (
        network.meetings.select_related("minutes_approved_by")
        .prefetch_related(
            "participants",
            "documents",
            Prefetch(
                "decisions",
                queryset=MeetingDecision.objects.select_related("responsible_organisation"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def public_network_list() -> QuerySet[Network]:
    return Network.objects.public().select_related("convenor").order_by("name")


def public_minutes(network: Network) -> QuerySet[Meeting]:
    return network.meetings.with_approved_minutes().order_by("-starts_at", "-pk")


def open_decisions_for_user(*, user: User) -> QuerySet[MeetingDecision]:
    """The action list: open decisions of every network the user reads, those due first."""
    return (
        MeetingDecision.objects.filter(
            status=DecisionStatus.OPEN,
            meeting__network__in=Network.objects.visible_to(user).values("pk"),
        )
        .select_related("meeting__network", "responsible_organisation")
        .order_by("due_on", "meeting__starts_at", "pk")
    )


@dataclass(frozen=True)
class EffortFilters:
    target_group: str = ""
    branch: str = ""  # Branch.key
    county: str = ""  # County.code


def effort_search(*, filters: EffortFilters, public: bool = True) -> QuerySet[KnowledgeEffort]:
    efforts = KnowledgeEffort.objects.public() if public else KnowledgeEffort.objects.all()
    if filters.target_group:
        efforts = efforts.filter(target_groups__target_group=filters.target_group)
    if filters.branch:
        efforts = efforts.filter(focus_branches__key=filters.branch)
    if filters.county:
        efforts = efforts.filter(counties__code=filters.county)
    return (
        efforts.distinct()
        .select_related("network")
        .prefetch_related("target_groups", "focus_branches", "counties")
        .order_by("-starts_on", "title")
    )


def effort_reach(effort: KnowledgeEffort) -> int | str | None:
    """The reach as published: "<5" for one to four people."""
    return None if effort.reach is None else suppress(effort.reach)


def efforts_for_manager(*, user: User) -> QuerySet[KnowledgeEffort]:
    """Efforts the user may change: without a network, or of a network the user manages."""
    return (
        KnowledgeEffort.objects.filter(
            Q(network__isnull=True)
            | Q(network__in=Network.objects.manageable_by(user).values("pk"))
        )
        .select_related("network")
        .prefetch_related("target_groups", "focus_branches", "counties")
        .order_by("-starts_on", "title")
    )
