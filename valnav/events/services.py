"""Writes to events and registrations. Every write runs in `transaction.atomic()`; those that
depend on the number of places lock the event row first (`select_for_update`), so two people
registering for the last place at the same moment get one place and one waiting-list spot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from valnav.accounts.models import Organisation, User
from valnav.accounts.selectors import organisations_with_perm
from valnav.core.models import AccessAction
from valnav.core.permissions import Perm
from valnav.core.services import access_log_record
from valnav.events.emails import email_enqueue
from valnav.events.models import (
    LIKERT_ITEMS,
    EvaluationResponse,
    Event,
    EventKind,
    EventState,
    EventTargetGroup,
    Registration,
    RegistrationStatus,
    RegistrationToken,
    TokenPurpose,
)
from valnav.events.selectors import ParticipantRow, participant_list
from valnav.events.tokens import token_hash
from valnav.places.models import County

REMINDER_WITHIN = timedelta(days=2)
# Invitations to evaluate go out for events that ended this recently (not for old ones).
EVALUATION_WITHIN = timedelta(days=30)
RETENTION_MONTHS = 12


# Events -----------------------------------------------------------------------------------


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:70] or "event"
    slug, number = base, 1
    taken = Event.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    slugs = set(taken.values_list("slug", flat=True))
    while slug in slugs:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _set_target_groups(event: Event, target_groups: Iterable[str]) -> None:
    wanted = set(target_groups)
    event.target_groups.exclude(target_group__in=wanted).delete()
    have = set(event.target_groups.values_list("target_group", flat=True))
    EventTargetGroup.objects.bulk_create(
        EventTargetGroup(event=event, target_group=group) for group in sorted(wanted - have)
    )


def event_create(
    *,
    actor: User | None,
    title: str,
    kind: EventKind | str,
    organiser: Organisation,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    registration_closes_at: datetime,
    description: str = "",
    slug: str = "",
    county: County | None = None,
    place: str = "",
    online_url: str = "",
    target_groups: Iterable[str] = (),
    is_demo: bool = False,
) -> Event:
    """A new event, as a draft, in the name of an organisation where the actor may run events
    (no actor: the system, e.g. the demo data)."""
    _check_organiser(actor, organiser)
    with transaction.atomic():
        event = Event(
            title=title,
            slug=slug or _unique_slug(title),
            description=description,
            kind=kind,
            organiser=organiser,
            county=county,
            place=place,
            online_url=online_url,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=capacity,
            registration_closes_at=registration_closes_at,
            is_demo=is_demo,
        )
        _check_times(event)
        event.full_clean()
        event.save()
        _set_target_groups(event, target_groups)
    return event


def _check_organiser(actor: User | None, organiser: Organisation) -> None:
    if actor is None:
        return
    if (
        not organisations_with_perm(user=actor, perm=Perm.MANAGE_EVENTS)
        .filter(pk=organiser.pk)
        .exists()
    ):
        raise ValidationError(
            {"organiser": _("You may run events only in the name of your own organisation.")},
            code="foreign_organiser",
        )


def _check_times(event: Event) -> None:
    errors: dict[str, str] = {}
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    if (
        event.registration_closes_at
        and event.ends_at
        and event.registration_closes_at > event.ends_at
    ):
        errors["registration_closes_at"] = _("Registration must close before the event ends.")
    if errors:
        raise ValidationError(errors)


EDITABLE = (
    "title",
    "slug",
    "description",
    "kind",
    "organiser",
    "county",
    "place",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_closes_at",
)


def event_update(
    *,
    event: Event,
    actor: User | None,
    target_groups: Iterable[str] | None = None,
    **changes: object,
) -> Event:
    """Change an event's details. More places move people up from the waiting list; fewer
    than already confirmed are refused."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.state == EventState.CANCELLED:
            raise ValidationError(_("A cancelled event cannot be changed."))
        if "organiser" in changes:
            _check_organiser(actor, changes["organiser"])  # type: ignore[arg-type]  # an Organisation, as EDITABLE says
        for field, value in changes.items():
            setattr(locked, field, value)
        if not locked.slug:
            locked.slug = _unique_slug(locked.title, exclude_pk=locked.pk)
        confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        if locked.capacity < confirmed:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)s people already have a place; the event needs at least as "
                        "many places."
                    )
                    % {"count": confirmed}
                }
            )
        _check_times(locked)
        locked.full_clean()
        locked.save()
        if target_groups is not None:
            _set_target_groups(locked, target_groups)
        _promote_waitlisted(locked)
    return locked


def event_publish(*, event: Event, actor: User | None) -> Event:
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.state != EventState.DRAFT:
            raise ValidationError(_("Only a draft can be published."))
        locked.state = EventState.PUBLISHED
        locked.save(update_fields=["state", "updated_at"])
    return locked


def event_cancel(*, event: Event, actor: User | None) -> Event:
    """Cancel the event and e-mail everyone who has a place or waits for one."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.state == EventState.CANCELLED:
            raise ValidationError(_("The event is already cancelled."))
        was_published = locked.state == EventState.PUBLISHED
        locked.state = EventState.CANCELLED
        locked.save(update_fields=["state", "updated_at"])
        if was_published:
            for registration in locked.registrations.filter(
                status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
            ):
                email_enqueue(registration=registration, kind="event_cancelled")
    return locked


# Registrations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationReceived:
    """What a registration through the public form came to. `waitlisted` is what the visitor is
    told, the same whether or not the address was already registered: what a new address
    would get now. Only the e-mail to the address says which it was."""

    registration: Registration
    waitlisted: bool
    already_registered: bool


def registration_create(
    *,
    event: Event,
    name: str,
    email: str,
    organisation_name: str,
    organisation_kind: str,
    county: County | None = None,
    gender: str = "",
    needs: str = "",
) -> RegistrationReceived:
    """Register someone: a place while places remain, otherwise the waiting list.

    An address already registered for the event is not registered again, and not refused
    either: a refusal would tell anyone who types an address whether that person is coming (an
    oracle about strangers). It is answered as a new registration would be, and the e-mail to
    the address says that it is already registered, with the link to cancel."""
    email = email.strip()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        now = timezone.now()
        if locked.state == EventState.CANCELLED:
            raise ValidationError(_("The event is cancelled; registration is closed."))
        if locked.state != EventState.PUBLISHED:
            raise ValidationError(_("The event is not open for registration."))
        if now >= locked.registration_closes_at or now >= locked.ends_at:
            raise ValidationError(
                _("Registration closed on %(closed)s.")
                % {
                    "closed": date_format(
                        timezone.localtime(locked.registration_closes_at), "DATETIME_FORMAT"
                    )
                }
            )
        confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        status = (
            RegistrationStatus.CONFIRMED
            if confirmed < locked.capacity
            else RegistrationStatus.WAITLISTED
        )
        registration = Registration(
            event=locked,
            name=name.strip(),
            email=email,
            organisation_name=organisation_name.strip(),
            organisation_kind=organisation_kind,
            county=county,
            gender=gender,
            needs=needs.strip(),
            status=status,
        )
        # Checked as a new registration first, so that bad input is refused the same way
        # whether or not the address is registered; the one registration per address is the
        # lookup below (under the event's lock), which ignores the address's case.
        registration.full_clean(validate_constraints=False)
        existing = (
            locked.registrations.filter(email__iexact=email)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if existing is not None:
            email_enqueue(registration=existing, kind="already_registered")
            return RegistrationReceived(
                registration=existing,
                waitlisted=status == RegistrationStatus.WAITLISTED,
                already_registered=True,
            )
        registration.save()
        email_enqueue(
            registration=registration,
            kind="confirmation"
            if registration.status == RegistrationStatus.CONFIRMED
            else "waitlist",
        )
    return RegistrationReceived(
        registration=registration,
        waitlisted=status == RegistrationStatus.WAITLISTED,
        already_registered=False,
    )


def registration_for_token(*, token: str, purpose: TokenPurpose) -> Registration | None:
    """The registration a link's token belongs to, or None."""
    found = (
        RegistrationToken.objects.filter(token_hash=token_hash(token), purpose=purpose)
        .select_related("registration__event")
        .first()
    )
    return found.registration if found else None


def _promote_waitlisted(event: Event) -> list[Registration]:
    """Give free places to the waiting list, first come first served. The caller holds the
    event row's lock."""
    if event.state != EventState.PUBLISHED or event.ends_at <= timezone.now():
        return []
    free = event.capacity - event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    promoted: list[Registration] = []
    if free <= 0:
        return promoted
    for registration in event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
        "created_at", "pk"
    )[:free]:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        email_enqueue(registration=registration, kind="promotion")
        promoted.append(registration)
    return promoted


def registration_cancel(*, token: str) -> Registration:
    """Cancel through the e-mail's link: the place goes to the first on the waiting list."""
    found = registration_for_token(token=token, purpose=TokenPurpose.CANCEL)
    if found is None:
        raise ValidationError(_("This link is not valid."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=found.event_id)
        registration = Registration.objects.select_for_update().get(pk=found.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("The registration is already cancelled."))
        if event.ends_at <= timezone.now():
            raise ValidationError(_("The event is over; there is nothing to cancel."))
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        _promote_waitlisted(event)
    return registration


def attendance_mark(
    *, registration: Registration, attended: bool, actor: User | None
) -> Registration:
    """Staff record who came. Only people with a place can have attended."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(
                {"attended": _("Only people with a confirmed place can be marked as attending.")}
            )
        locked.attended = attended
        locked.save(update_fields=["attended", "updated_at"])
    return locked


def evaluation_submit(
    *, token: str, answers: dict[str, int], comment: str = ""
) -> EvaluationResponse:
    """One evaluation per registration, through the invitation's link."""
    registration = registration_for_token(token=token, purpose=TokenPurpose.EVALUATE)
    if registration is None:
        raise ValidationError(_("This link is not valid."))
    missing = [item for item in LIKERT_ITEMS if item not in answers]
    if missing:
        raise ValidationError({item: _("Choose a value from 1 to 5.") for item in missing})
    with transaction.atomic():
        Registration.objects.select_for_update().get(pk=registration.pk)
        if EvaluationResponse.objects.filter(registration=registration).exists():
            raise ValidationError(_("You have already answered the evaluation. Thank you!"))
        response = EvaluationResponse(
            registration=registration,
            comment=comment.strip(),
            token_hash=token_hash(token),
            **{item: answers[item] for item in LIKERT_ITEMS},
        )
        response.full_clean()
        response.save()
    return response


# Scheduled e-mails and retention ---------------------------------------------------------


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Queue reminders for events starting within two days; each person gets one."""
    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        registrations = Registration.objects.filter(
            event__state=EventState.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_WITHIN,
            status=RegistrationStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            purged_at__isnull=True,
        ).exclude(email="")
        for registration in registrations:
            email_enqueue(registration=registration, kind="reminder")
            queued += 1
    return queued


def evaluation_invitations_send(*, now: datetime | None = None) -> int:
    """Queue invitations to evaluate for those who attended an event that has ended."""
    now = now or timezone.now()
    queued = 0
    with transaction.atomic():
        registrations = Registration.objects.filter(
            event__state=EventState.PUBLISHED,
            event__ends_at__lte=now,
            event__ends_at__gt=now - EVALUATION_WITHIN,
            status=RegistrationStatus.CONFIRMED,
            attended=True,
            evaluation_sent_at__isnull=True,
            purged_at__isnull=True,
        ).exclude(email="")
        for registration in registrations:
            email_enqueue(registration=registration, kind="evaluation")
            queued += 1
    return queued


def _months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    day = (
        min(moment.day, 28) if month == 2 else min(moment.day, 30 if month in {4, 6, 9, 11} else 31)
    )
    return moment.replace(year=year, month=month, day=day)


def registrations_purge(*, now: datetime | None = None) -> int:
    """Blank name, e-mail, organisation name and needs of registrations for events that ended more
    than twelve months ago; kind, county, gender and attendance stay for the statistics."""
    now = now or timezone.now()
    cutoff = _months_before(now, RETENTION_MONTHS)
    with transaction.atomic():
        due = Registration.objects.filter(event__ends_at__lt=cutoff, purged_at__isnull=True)
        RegistrationToken.objects.filter(registration__in=due).delete()
        return due.update(name="", email="", organisation_name="", needs="", purged_at=now)


def participant_list_export(*, event: Event, actor: User, file_format: str) -> list[ParticipantRow]:
    """The participant list for a download, written to the access log as every read of
    personal data for export is. The caller has the event through `managed_event_for`."""
    with transaction.atomic():
        rows = participant_list(event)
        access_log_record(
            actor=actor,
            action=AccessAction.EXPORT,
            record_type="events.event",
            record_ref=str(event.pk),
            purpose=_("Participant list exported as %(format)s (%(count)s registrations)")
            % {"format": file_format.upper(), "count": len(rows)},
        )
    return rows
