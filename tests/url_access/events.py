"""Events: the public pages (no login, the cancellation and evaluation pages reached by an
e-mail's token), the open API, and the staff's pages for those with MANAGE_EVENTS."""

from __future__ import annotations

from tests.url_access import everyone, only, posting

MANAGERS = {"admin", "rua_vastmanland", "communicator_vastmanland", "project_manager"}

EXPECTED: dict[str, dict[str, int]] = {
    "events:event-list": everyone(200),
    "events:event-archive": everyone(200),
    "events:event-feed": everyone(200),
    "events:event-detail": everyone(200),
    "events:event-ics": everyone(200),
    "events:registration-done": everyone(200),
    "events:registration-cancel": everyone(200),  # GET shows the button; only POST cancels
    "events:evaluation": everyone(200),
    "events:manage-list": only(MANAGERS),
    "events:event-new": only(MANAGERS),
    "events:event-edit": only(MANAGERS),
    "events:event-publish": everyone(405),  # POST only
    "events:event-cancel": everyone(405),  # POST only
    "events:registration-list": only(MANAGERS),
    "events:participants-csv": only(MANAGERS),
    "events:participants-xlsx": only(MANAGERS),
    "events:attendance": everyone(405),  # POST only
    "events:evaluation-summary": only(MANAGERS),
    "events:statistics": only(MANAGERS),
    "events:statistics-csv": only(MANAGERS),
    "api-v1:event-list": everyone(200),
}

CANCEL_TOKEN = "matrix-cancel-token"
EVALUATION_TOKEN = "matrix-evaluation-token"


def _sample() -> tuple[str, int]:
    """A published event with one registration and a link of each kind; made once."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from valnav.accounts.personas import demo_organisation
    from valnav.events.models import Event, Registration, RegistrationToken
    from valnav.events.tokens import token_hash

    cache.clear()  # the API's anonymous rate limit
    event = Event.objects.filter(slug="matrix-event").first()
    if event is None:
        start = timezone.now() + timedelta(days=7)
        event = Event.objects.create(
            title="Matrisens seminarium",
            slug="matrix-event",
            kind="seminar",
            # The managing personas' organisation: staff run only their own events.
            organiser=demo_organisation("region-vastmanland"),
            place="Västerås",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            registration_closes_at=start,
            capacity=10,
            state="published",
        )
        registration = Registration.objects.create(
            event=event,
            name="Matris Person",
            email="matrix@example.org",
            organisation_kind="other",
            status="confirmed",
        )
        for purpose, token in (("cancel", CANCEL_TOKEN), ("evaluate", EVALUATION_TOKEN)):
            RegistrationToken.objects.create(
                registration=registration, purpose=purpose, token_hash=token_hash(token)
            )
    registration_id = event.registrations.values_list("pk", flat=True).first()
    assert registration_id is not None
    return event.slug, registration_id


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name not in EXPECTED:
        return None
    slug, registration_id = _sample()
    if name == "events:registration-cancel":
        return {"token": CANCEL_TOKEN}
    if name == "events:evaluation":
        return {"token": EVALUATION_TOKEN}
    if name == "events:attendance":
        return {"slug": slug, "pk": str(registration_id)}
    if name in {
        "events:event-detail",
        "events:event-ics",
        "events:registration-done",
        "events:event-edit",
        "events:event-publish",
        "events:event-cancel",
        "events:registration-list",
        "events:participants-csv",
        "events:participants-xlsx",
        "events:evaluation-summary",
    }:
        return {"slug": slug}
    return {}


POST_EXPECTED: dict[str, dict[str, int]] = {
    name: posting(MANAGERS, 302)
    for name in ["events:event-publish", "events:event-cancel", "events:attendance"]
}
