"""Live indicators: figures the project follows up (issue #7) worked out from the platform's own
data rather than typed in, so that a goal such as "40 published validation offers" shows where
it stands today or stood on a report's closing date.

Each indicator is computed for a period: things that happened from `since` to `until`, both
inclusive (days in the local time zone), as the data stood at the end of `until`. Each compute
runs a fixed number of grouped queries, however much data there is.

Breakdowns are flat `{key: count}` dictionaries. An indicator broken down along one dimension
keys it by the bare code ("19", "seminar"); one broken down along several prefixes each key with
its dimension ("county:19", "gender:woman"). Every count of people from one to four is shown as
"<5", and every further count that, with the exact `value` and the other shown counts, would
give one of them away is held back as ".." (`valnav.lib.disclosure`, docs/privacy.md); `value`
stays exact, because it is shown only to project members.

This module sits below the governance models (they import it) and beside the apps it reads:
it imports nothing from `valnav.governance` and nothing from `valnav.insights` (a higher layer).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valnav.atlas.models import Offer, PublicationStatus
from valnav.casework.facts import case_fact_rows, suppress
from valnav.casework.states import Decision
from valnav.core.audiences import TargetGroup
from valnav.events.models import (
    Event,
    EventKind,
    EventState,
    ParticipantGender,
    ParticipantOrganisationKind,
    Registration,
)
from valnav.lib.disclosure import Relation, Suppressor, is_small
from valnav.outreach.models import Material, MaterialState, MaterialTargetGroup
from valnav.taxonomy.models import Occupation

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# The breakdown key of a row without a county (a case or a participant with none recorded).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class LiveValue:
    """An indicator's value and its details. `value` is exact; in `breakdown` every count of
    people from one to four is "<5"."""

    value: int
    breakdown: dict[str, int | str]


def _people_breakdown(total: int, dimensions: dict[str, Counter[str]]) -> dict[str, int | str]:
    """Counts of people along each dimension ("county", "gender", …), each summing to the exact
    `total`, as published: one to four as "<5", and as many more held back ("..") as it takes
    for no count of one to four to be worked out from `total` and the rest."""
    if is_small(total):
        # The exact total is itself the count of one to four that project members see; the
        # parts, all below five, can hide nothing more.
        return {
            f"{prefix}:{group}": suppress(counter[group])
            for prefix, counter in dimensions.items()
            for group in sorted(counter)
        }
    total_cell = ("", "total")
    counts: dict[tuple[str, str], int] = {total_cell: total}
    relations = []
    for prefix, counter in dimensions.items():
        cells = tuple((prefix, group) for group in sorted(counter))
        counts.update({(prefix, group): counter[group] for group in counter})
        relations.append(Relation(total=total_cell, parts=cells))
    published = Suppressor(counts, relations, hideable=lambda cell: cell != total_cell).run()
    return {
        f"{prefix}:{group}": published.published((prefix, group))
        for prefix, counter in dimensions.items()
        for group in sorted(counter)
    }


@dataclass(frozen=True)
class LiveIndicator:
    """An indicator the platform computes itself: `compute(since=…, until=…)`."""

    key: str
    label: str | StrPromise  # gettext_lazy: English source, translated when shown
    unit: str | StrPromise
    compute: Callable[..., LiveValue]


def _start_of(day: date) -> datetime:
    """The first moment of `day` in the local time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _moments(since: date, until: date) -> tuple[datetime, datetime]:
    """The half-open interval of moments [start, end) covering the days since … until."""
    return _start_of(since), _start_of(until + timedelta(days=1))


def _counts(rows: Iterable[tuple[object, int]]) -> dict[str, int]:
    """`{group: n}` from grouped `(group, n)` rows, a missing group as UNKNOWN."""
    return {str(group) if group not in (None, "") else UNKNOWN: count for group, count in rows}


def _grouped(
    rows: QuerySet[models.Model], field: str, counted: Count | None = None
) -> dict[str, int]:
    """`{value of field: count}` over `rows`, in one grouped query (rows counted by default)."""
    return _counts(rows.values_list(field).annotate(n=counted or Count("pk")).order_by(field))


# --- Offers -----------------------------------------------------------------------------------


def _published_on(day: date) -> Q:
    """As `Offer.objects.published(on=day)`, for the offers and for their history rows."""
    return (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & Q(status=PublicationStatus.PUBLISHED)
    )


def _offers_live_on(day: date) -> QuerySet[models.Model]:
    """The offers published and valid on `day`, as they stood at the end of that day.

    For today or a later day that is the offers table itself. For an earlier day it is each
    offer's last history row (simple-history) written by the end of that day, unless that row
    records its deletion: every write to an offer, the importer's included, leaves one. Both
    querysets have the offer's `municipality` and `model` relations, all the callers use."""
    if day >= timezone.localdate():
        live: QuerySet[models.Model] = Offer.objects.filter(_published_on(day))
        return live
    history: type[models.Model] = Offer.history.model
    end = _start_of(day + timedelta(days=1))
    latest = (
        history._default_manager.filter(id=OuterRef("id"), history_date__lt=end)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history._default_manager.filter(history_date__lt=end, history_id=Subquery(latest))
        .exclude(history_type="-")
        .filter(_published_on(day))
    )


def offers_published(*, since: date, until: date) -> LiveValue:
    """Validation offers published and valid on `until`, per county code.

    A stock, not a flow: the offers live on the closing day, however long ago they were
    published; `since` does not narrow it."""
    counts = _grouped(_offers_live_on(until), "municipality__county__code")
    return LiveValue(value=sum(counts.values()), breakdown=dict(counts))


def focus_occupations() -> QuerySet[Occupation]:
    """The project's focus occupations: those of the validation models that belong to a branch.

    The taxonomy has no flag that marks a branch as a focus branch (the focus scores of
    `valnav.insights.focus` are a layer above governance and cannot be read here), so every
    branch that has a validation model counts, and its focus occupations are those its models
    are linked to (SSYK unit groups)."""
    return Occupation.objects.filter(validation_models__branch__isnull=False).distinct()


def municipalities_with_focus_offer(*, since: date, until: date) -> LiveValue:
    """Municipalities with at least one offer published and valid on `until` whose model is
    linked to a focus occupation (`focus_occupations`); per occupation SSYK code, the number
    of such municipalities (one municipality may count under several codes).

    A stock on `until`, as `offers_published`; the links between models and occupations are
    today's (they are not historised)."""
    offers = _offers_live_on(until).filter(model__occupations__in=focus_occupations())
    per_code = _grouped(offers, "model__occupations__code", Count("municipality_id", distinct=True))
    total = offers.aggregate(n=Count("municipality_id", distinct=True))["n"]
    return LiveValue(value=total, breakdown=dict(per_code))


# --- Validation cases -------------------------------------------------------------------------


def validations_completed(*, since: date, until: date) -> LiveValue:
    """Validation cases whose decision (fully met, partly met, not met) was made from `since`
    to `until`, from the cases' fact rows. Breakdown per county ("county:<code>") and per
    decision ("decision:<decision>", all three always present); these are counts of people,
    so one to four shows as "<5" and what would give it away as "..". `value` is the exact
    total, for project members only."""
    rows = (
        case_fact_rows()
        .filter(decision__in=Decision.values, decision_date__gte=since, decision_date__lte=until)
        .values("county__code", "decision")
        .annotate(n=Count("pk"))
        .order_by("county__code", "decision")
    )
    per_county: Counter[str] = Counter()
    per_decision: Counter[str] = Counter(dict.fromkeys(Decision.values, 0))
    for row in rows:
        per_county[row["county__code"] or UNKNOWN] += row["n"]
        per_decision[row["decision"]] += row["n"]
    total = sum(per_decision.values())
    breakdown = _people_breakdown(total, {"county": per_county, "decision": per_decision})
    return LiveValue(value=total, breakdown=breakdown)


# --- Events -----------------------------------------------------------------------------------


def _events_held(since: date, until: date) -> QuerySet[Event]:
    """Events published (not cancelled, not a draft) that ended from `since` to `until`; an
    event still going on, or planned later today, has not been held yet."""
    start, end = _moments(since, until)
    return Event.objects.filter(
        state=EventState.PUBLISHED,
        ends_at__gte=start,
        ends_at__lt=end,
        ends_at__lte=timezone.now(),
    )


def events_held(*, since: date, until: date) -> LiveValue:
    """Events held from `since` to `until`, per event kind (all kinds always present)."""
    counts = _grouped(_events_held(since, until), "kind")
    breakdown: dict[str, int | str] = {kind: counts.get(kind, 0) for kind in EventKind.values}
    return LiveValue(value=sum(counts.values()), breakdown=breakdown)


def event_participants(*, since: date, until: date) -> LiveValue:
    """Registrations marked attended at the events held from `since` to `until`.

    Breakdown by gender ("gender:woman", "…:man", "…:other", "…:not_stated"; no answer
    counts as not stated), by kind of organisation ("organisation_kind:<kind>") and by county
    ("county:<code>", "county:unknown" when not given), all kinds and genders always present;
    one to four people show as "<5", what would give them away as "..". `value` is the exact
    total, for project members only."""
    rows = (
        Registration.objects.filter(attended=True, event__in=_events_held(since, until))
        .values("gender", "organisation_kind", "county__code")
        .annotate(n=Count("pk"))
        .order_by("gender", "organisation_kind", "county__code")
    )
    per_gender: Counter[str] = Counter(dict.fromkeys(ParticipantGender.values, 0))
    per_kind: Counter[str] = Counter(dict.fromkeys(ParticipantOrganisationKind.values, 0))
    per_county: Counter[str] = Counter()
    for row in rows:
        per_gender[row["gender"] or ParticipantGender.NOT_STATED] += row["n"]
        per_kind[row["organisation_kind"]] += row["n"]
        per_county[row["county__code"] or UNKNOWN] += row["n"]
    total = sum(per_gender.values())
    breakdown = _people_breakdown(
        total, {"gender": per_gender, "organisation_kind": per_kind, "county": per_county}
    )
    return LiveValue(value=total, breakdown=breakdown)


# --- Information material ---------------------------------------------------------------------


def materials_published(*, since: date, until: date) -> LiveValue:
    """Information material published from `since` to `until` and published still (not
    archived since), per target group (all groups always present). A text for several
    groups counts under each, so the breakdown may add up to more than the value; each
    translation is a material of its own."""
    start, end = _moments(since, until)
    published = Material.objects.filter(
        state=MaterialState.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    counts = _grouped(MaterialTargetGroup.objects.filter(material__in=published), "target_group")
    breakdown: dict[str, int | str] = {group: counts.get(group, 0) for group in TargetGroup.values}
    return LiveValue(value=published.count(), breakdown=breakdown)


LIVE_INDICATORS: dict[str, LiveIndicator] = {
    indicator.key: indicator
    for indicator in (
        LiveIndicator(
            key="offers_published",
            label=_("Published validation offers"),
            unit=_("offers"),
            compute=offers_published,
        ),
        LiveIndicator(
            key="municipalities_with_focus_offer",
            label=_("Municipalities with a validation offer in a focus occupation"),
            unit=_("municipalities"),
            compute=municipalities_with_focus_offer,
        ),
        LiveIndicator(
            key="validations_completed",
            label=_("Completed validations (decision made)"),
            unit=_("validations"),
            compute=validations_completed,
        ),
        LiveIndicator(
            key="events_held",
            label=_("Events held"),
            unit=_("events"),
            compute=events_held,
        ),
        LiveIndicator(
            key="event_participants",
            label=_("Participants at events"),
            unit=_("participants"),
            compute=event_participants,
        ),
        LiveIndicator(
            key="materials_published",
            label=_("Information material published"),
            unit=_("texts"),
            compute=materials_published,
        ),
    )
}
