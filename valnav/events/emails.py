"""E-mails to the people who registered, sent as background tasks.

Every kind of e-mail has a stamp on the registration (`<kind>_sent_at`). The task claims the
stamp with a conditional UPDATE (`… WHERE <stamp> IS NULL`) and commits the claim, with the
e-mail's no-login link, before it sends: a task run twice, two workers at once, or a task run
again after its worker died, send once. An e-mail the mail server refuses gives the claim back
for the next try. Each e-mail is in Swedish with English below and carries a fresh no-login
link; addresses and names are never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import MIMEPart
from typing import TYPE_CHECKING

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from valnav.core.http import public_url
from valnav.events.calendar import calendar_for
from valnav.events.models import (
    Event,
    EventState,
    Registration,
    RegistrationStatus,
    RegistrationToken,
    TokenPurpose,
)
from valnav.events.tokens import cancel_url, evaluation_url, token_new

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmailKind:
    key: str
    stamp: str
    subject: str | StrPromise
    # Which registrations may still get it (the state may have changed since it was queued).
    statuses: tuple[str, ...]
    attach_calendar: bool = False
    # The no-login link it carries; none where it would make no sense (the event is off).
    link: str | None = TokenPurpose.CANCEL
    # None: at most once. Else at most once in this time, for an e-mail that anyone may cause
    # again (a registration form sent again with the same address), so that it cannot be used
    # to flood someone's inbox.
    again_after: timedelta | None = None


KINDS: dict[str, EmailKind] = {
    kind.key: kind
    for kind in (
        EmailKind(
            "confirmation",
            "confirmation_sent_at",
            _("You are registered: %(event)s"),
            (RegistrationStatus.CONFIRMED,),
            attach_calendar=True,
        ),
        EmailKind(
            "waitlist",
            "waitlist_sent_at",
            _("You are on the waiting list: %(event)s"),
            (RegistrationStatus.WAITLISTED,),
        ),
        EmailKind(
            "promotion",
            "promotion_sent_at",
            _("A place is yours: %(event)s"),
            (RegistrationStatus.CONFIRMED,),
            attach_calendar=True,
        ),
        EmailKind(
            "already_registered",
            "already_registered_sent_at",
            _("You are already registered: %(event)s"),
            (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
            again_after=timedelta(minutes=15),
        ),
        EmailKind(
            "reminder",
            "reminder_sent_at",
            _("Reminder: %(event)s"),
            (RegistrationStatus.CONFIRMED,),
        ),
        EmailKind(
            "evaluation",
            "evaluation_sent_at",
            _("What did you think of %(event)s?"),
            (RegistrationStatus.CONFIRMED,),
            link=TokenPurpose.EVALUATE,
        ),
        EmailKind(
            "event_cancelled",
            "event_cancelled_sent_at",
            _("Cancelled: %(event)s"),
            (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
            attach_calendar=True,  # STATUS:CANCELLED takes it out of the calendar
            link=None,
        ),
    )
}


def calendar_attachment(event: Event) -> MIMEPart:
    """The event as `text/calendar; method=PUBLISH`, its bytes untouched: RFC 5545 wants CRLF
    line ends, which a text attachment made from a string would lose."""
    part = MIMEPart()
    part.set_content(
        calendar_for([event], name=event.title),
        maintype="text",
        subtype="calendar",
        cte="base64",
        disposition="attachment",
        filename=f"{event.slug}.ics",
        params={"method": "PUBLISH", "charset": "utf-8"},
    )
    return part


def email_enqueue(*, registration: Registration, kind: str) -> None:
    """Queue the e-mail once the current transaction has committed (a rolled-back
    registration sends nothing)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown e-mail kind {kind!r}")
    registration_id = registration.pk
    transaction.on_commit(
        lambda: registration_email_send.enqueue(registration_id=registration_id, kind=kind)
    )


def _in_both_languages(template: str, context: Callable[[], dict[str, object]]) -> str:
    """Swedish first, English below; `context` is called in each language, so that the links
    lead to the page in that language."""
    parts = []
    for language in ("sv", "en"):
        with translation.override(language):
            parts.append(render_to_string(template, context()).strip())
    return "\n\n----------------------------------------\n\n".join(parts) + "\n"


def _subject(kind: EmailKind, title: str) -> str:
    parts = []
    for language in ("sv", "en"):
        with translation.override(language):
            parts.append(str(kind.subject) % {"event": title})
    return parts[0] if parts[0] == parts[1] else f"{parts[0]} / {parts[1]}"


def email_send_now(*, registration_id: int, kind: str) -> bool:
    """Send one e-mail of `kind` unless it has gone out already; True when sent.

    At most once: the claim is committed before the message goes to the mail server. A worker
    killed after the server took the message (but before the task was marked done) must not
    send it again when the task or the daily sweep runs again; the price is that a worker
    killed between the commit and the hand-over loses that one e-mail, which is the better
    failure for a notification than a person getting it twice. An ordinary error from the
    mail server (it is down, it refuses) gives the claim back, so the next try sends it.
    """
    spec = KINDS[kind]
    unclaimed = Q(**{f"{spec.stamp}__isnull": True})
    if spec.again_after is not None:
        unclaimed |= Q(**{f"{spec.stamp}__lt": timezone.now() - spec.again_after})
    with transaction.atomic():
        claimed = (
            Registration.objects.filter(
                unclaimed,
                pk=registration_id,
                status__in=spec.statuses,
                purged_at__isnull=True,
            )
            .exclude(email="")
            .update(**{spec.stamp: timezone.now()})
        )
        if not claimed:
            return False
        registration = Registration.objects.select_related("event", "event__organiser").get(
            pk=registration_id
        )
        event = registration.event
        if kind != "event_cancelled" and event.state == EventState.CANCELLED:
            # Claimed but pointless: the cancellation e-mail says it all.
            return False
        token = ""
        link: RegistrationToken | None = None
        if spec.link is not None:
            # Committed with the claim: the link in a sent e-mail must work.
            token, digest = token_new()
            link = RegistrationToken.objects.create(
                registration=registration, purpose=spec.link, token_hash=digest
            )

    def context() -> dict[str, object]:
        return {
            "event": event,
            "cancel_url": cancel_url(token) if spec.link == TokenPurpose.CANCEL else "",
            "evaluation_url": (evaluation_url(token) if spec.link == TokenPurpose.EVALUATE else ""),
            "event_url": public_url(event.get_absolute_url()),
            "waitlisted": registration.status == RegistrationStatus.WAITLISTED,
        }

    try:
        message = EmailMessage(
            subject=_subject(spec, event.title),
            body=_in_both_languages(f"events/email/{kind}.txt", context),
            to=[registration.email],
        )
        if spec.attach_calendar:
            message.attach(calendar_attachment(event))
        message.send()
    except Exception:
        # Not sent: give the claim back (and drop the unused link) for the next try. Only an
        # Exception: when the process is being stopped (SystemExit, KeyboardInterrupt) the
        # server may have taken the message, and the claim stays.
        with transaction.atomic():
            Registration.objects.filter(pk=registration_id).update(**{spec.stamp: None})
            if link is not None:
                link.delete()
        raise
    logger.info("Sent the %s e-mail of registration %s.", kind, registration_id)
    return True


@task()
def registration_email_send(*, registration_id: int, kind: str) -> bool:
    """The background task: see `email_send_now`."""
    return email_send_now(registration_id=registration_id, kind=kind)
