"""Reads over events: the public lists with places left, and the staff's summaries. Every count
of people in a summary passes `suppress` ("<5" for one to four)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from valnav.accounts.models import Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.casework.facts import SUPPRESS_BELOW, suppress
from valnav.core.permissions import Perm
from valnav.events.models import (
    LIKERT_ITEMS,
    LIKERT_LABELS,
    EvaluationResponse,
    Event,
    EventState,
    ParticipantGender,
    ParticipantOrganisationKind,
    Registration,
    RegistrationStatus,
)
from valnav.places.models import County


def with_places(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate `confirmed_count` and `waitlisted_count` (one query, no personal data)."""
    return queryset.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waitlisted_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


def public_events(
    *, county: str = "", target_group: str = "", past: bool = False
) -> QuerySet[Event]:
    """Published (and cancelled) events, upcoming first or past newest first."""
    queryset = Event.objects.published()
    queryset = queryset.past() if past else queryset.upcoming()
    if county:
        queryset = queryset.filter(county__code=county)
    if target_group:
        queryset = queryset.filter(target_groups__target_group=target_group)
    return with_places(
        queryset.select_related("county", "organiser").prefetch_related("target_groups")
    )


def api_events() -> QuerySet[Event]:
    """Published events (not cancelled ones): upcoming soonest first, then past ones newest
    first."""
    now = timezone.now()
    queryset = (
        Event.objects.filter(state=EventState.PUBLISHED)
        .annotate(is_past=Case(When(ends_at__lt=now, then=1), default=0))
        .order_by(
            "is_past",
            Case(When(is_past=0, then=F("starts_at"))).asc(),
            F("starts_at").desc(),
            "pk",
        )
    )
    return with_places(
        queryset.select_related("county", "organiser").prefetch_related("target_groups")
    )


def event_organisers(*, user: User) -> QuerySet[Organisation]:
    """The organisations in whose name the user may run events."""
    return organisations_with_perm(user=user, perm=Perm.MANAGE_EVENTS).order_by("name")


def staff_events(*, user: User) -> QuerySet[Event]:
    """The events the user runs (Event.objects.manageable_by), latest first."""
    return with_places(
        Event.objects.manageable_by(user)
        .select_related("county", "organiser")
        .order_by("-starts_at", "-pk")
    )


def managed_event_for(*, user: User, slug: str) -> Event:
    """One of the events the user runs, else 404: the one way to an event's registrations,
    for the staff's pages and the participant list's downloads alike."""
    return get_object_or_404(staff_events(user=user), slug=slug)


# Participant list -------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    organisation: str
    email: str
    status: str
    needs: str


def participant_status_label(registration: Registration) -> str:
    """Registered, waiting, cancelled or attended: attendance outranks the status."""
    if registration.attended:
        return pgettext("participant", "Attended")
    return {
        RegistrationStatus.CONFIRMED: pgettext("participant", "Registered"),
        RegistrationStatus.WAITLISTED: pgettext("participant", "Waiting list"),
        RegistrationStatus.CANCELLED: pgettext("participant", "Cancelled"),
    }[RegistrationStatus(registration.status)]


def participant_list_headers() -> list[str]:
    return [
        _("Name"),
        _("Organisation"),
        _("E-mail address"),
        _("Status"),
        _("Dietary or access needs"),
    ]


def participant_list(event: Event) -> list[ParticipantRow]:
    """Everyone who registered for the event, in order of arrival (one query)."""
    return [
        ParticipantRow(
            name=registration.name,
            organisation=registration.organisation_name,
            email=registration.email,
            status=participant_status_label(registration),
            needs=registration.needs,
        )
        for registration in event.registrations.order_by("created_at", "pk")
    ]


# Evaluation summary -----------------------------------------------------------------------


@dataclass(frozen=True)
class LikertSummary:
    item: str
    label: str
    mean: float
    distribution: list[tuple[int, int | str]]  # (value 1–5, suppressed count)


@dataclass(frozen=True)
class EvaluationSummary:
    responses: int | str  # suppressed
    enough: bool
    items: list[LikertSummary]
    comments: list[str]


def evaluation_summary(event: Event) -> EvaluationSummary:
    answers = list(EvaluationResponse.objects.filter(registration__event=event).order_by("pk"))
    if len(answers) < SUPPRESS_BELOW:
        return EvaluationSummary(suppress(len(answers)), False, [], [])
    items = []
    for item in LIKERT_ITEMS:
        values = [getattr(answer, item) for answer in answers]
        counts = Counter(values)
        items.append(
            LikertSummary(
                item=item,
                label=str(LIKERT_LABELS[item]),
                mean=round(sum(values) / len(values), 1),
                distribution=[(value, suppress(counts.get(value, 0))) for value in range(1, 6)],
            )
        )
    comments = [answer.comment for answer in answers if answer.comment]
    return EvaluationSummary(len(answers), True, items, comments)


# Participation statistics ------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipationRow:
    dimension: str  # "organisation_kind", "county", "gender"
    dimension_label: str
    value: str  # the stored key ("" when not stated)
    value_label: str
    registered: int | str  # suppressed
    attended: int | str  # suppressed


def _counted(dimension: str) -> list[tuple[str, int, int]]:
    rows = (
        Registration.objects.filter(event__state=EventState.PUBLISHED)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values(dimension)
        .annotate(
            registered=Count("pk"),
            attended=Count("pk", filter=Q(attended=True)),
        )
        .order_by(dimension)
    )
    return [(row[dimension] or "", row["registered"], row["attended"]) for row in rows]


def participation_statistics() -> list[ParticipationRow]:
    """Registered (not cancelled) and attended, by kind of organisation, county and gender,
    across all published events; counts of one to four are shown as "<5"."""
    counties = dict(County.objects.values_list("code", "name"))
    county_codes = dict(County.objects.values_list("pk", "code"))
    labels: dict[str, tuple[str, dict[str, str]]] = {
        "organisation_kind": (
            _("Kind of organisation"),
            {key: str(label) for key, label in ParticipantOrganisationKind.choices},
        ),
        "county": (
            _("County"),
            {str(pk): counties.get(code, code) for pk, code in county_codes.items()},
        ),
        "gender": (
            _("Gender"),
            {key: str(label) for key, label in ParticipantGender.choices},
        ),
    }
    result = []
    for dimension, (dimension_label, values) in labels.items():
        for value, registered, attended in _counted(dimension):
            result.append(
                ParticipationRow(
                    dimension=dimension,
                    dimension_label=dimension_label,
                    value=str(value),
                    value_label=values.get(str(value), "") or _("Not stated"),
                    registered=suppress(registered),
                    attended=suppress(attended),
                )
            )
    return result
