"""Demo events: five upcoming events over the coming months, one in each county of Östra
Mellansverige (one of them full, with a waiting list), and one held three weeks ago with
attendance and evaluations, so that the staff's summary and statistics have something to show.

Everything is invented and marked `is_demo`; the people are "Demo Deltagare 1" … at example.org
addresses. Their e-mail stamps are set as if everything had been sent, so that no reminder or
invitation ever goes to them. Events are keyed by their address name: a second run creates
nothing. Dates count from the day of seeding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.accounts.personas import DEMO_ORGANISATIONS
from valnav.core.audiences import TargetGroup
from valnav.events.emails import KINDS as EMAIL_KINDS
from valnav.events.models import (
    LIKERT_ITEMS,
    EvaluationResponse,
    Event,
    EventKind,
    ParticipantGender,
    ParticipantOrganisationKind,
    Registration,
    RegistrationStatus,
)
from valnav.events.services import event_create, event_publish
from valnav.events.tokens import token_new
from valnav.places.models import County

SEED = 2026
ORGANISER_KEY = "region-vastmanland"


@dataclass(frozen=True)
class DemoEvent:
    slug: str
    title: str
    kind: EventKind
    county_code: str
    place: str
    online_url: str
    days_from_now: int
    hours: int
    capacity: int
    target_groups: tuple[TargetGroup, ...]
    description: str
    registrations: int = 0
    waitlisted: int = 0
    attended: int = 0
    evaluations: int = 0


T = TargetGroup
DEMO_EVENTS = [
    DemoEvent(
        "demo-validering-for-arbetsgivare-vasteras",
        "Validering för arbetsgivare – kompetensförsörjning i praktiken",
        EventKind.KNOWLEDGE_RAISING,
        "19",
        "Västerås, Aroslokalen, Stora torget 1",
        "",
        21,
        3,
        40,
        (T.EMPLOYER, T.DECISION_MAKER),
        "En kunskapshöjande insats om hur **validering** kan korta rekryteringstiden.\n\n"
        "- Branschvalidering och yrkesbevis\n- Exempel från industrin i Västmanland\n",
        registrations=12,
    ),
    DemoEvent(
        "demo-webbinarium-kartlaggning",
        "Webbinarium: kartläggning av kompetens för vägledare",
        EventKind.WEBINAR,
        "03",
        "",
        "https://valnav.example/webbinarium/kartlaggning",
        35,
        2,
        8,
        (T.GUIDANCE_COUNSELLOR,),
        "Hur gör vi en bra inledande kartläggning? Ett webbinarium för studie- och "
        "yrkesvägledare. Platserna är få för att alla ska kunna delta i samtalet.",
        registrations=8,
        waitlisted=3,
    ),
    DemoEvent(
        "demo-seminarium-komvux-sodermanland",
        "Seminarium: validering inom Komvux yrkesutbildning",
        EventKind.SEMINAR,
        "04",
        "Eskilstuna, Munktellarenan",
        "",
        56,
        4,
        60,
        (T.EDUCATION_PROVIDER, T.GUIDANCE_COUNSELLOR),
        "Om validering mot kurser i Komvux: bedömning, dokumentation och kompletterande "
        "utbildning.",
        registrations=6,
    ),
    DemoEvent(
        "demo-konferens-valideringsnavet-2027",
        "Valideringsnavets regionala konferens",
        EventKind.CONFERENCE,
        "05",
        "Linköping, Konsert & Kongress",
        "",
        90,
        7,
        200,
        (T.DECISION_MAKER, T.EMPLOYER, T.EDUCATION_PROVIDER, T.GUIDANCE_COUNSELLOR),
        "Den årliga konferensen för hela Östra Mellansverige: läget i regionerna och vägen framåt.",
        registrations=15,
    ),
    DemoEvent(
        "demo-erfarenhetsutbyte-orebro",
        "Erfarenhetsutbyte: validering för nyanlända",
        EventKind.EXPERIENCE_EXCHANGE,
        "18",
        "Örebro, Medborgarhuset",
        "",
        120,
        3,
        30,
        (T.GUIDANCE_COUNSELLOR, T.INDIVIDUAL),
        "Vi delar erfarenheter av validering för personer med utländsk utbildning och "
        "yrkeserfarenhet.",
        registrations=4,
    ),
    DemoEvent(
        "demo-frukostseminarium-branschvalidering",
        "Frukostseminarium: branschvalidering i Västmanland",
        EventKind.SEMINAR,
        "19",
        "Västerås, Expectrum",
        "",
        -21,
        2,
        25,
        (T.EMPLOYER,),
        "Branschernas valideringsmodeller och hur arbetsgivare kan använda dem.",
        registrations=14,
        attended=11,
        evaluations=7,
    ),
]

KINDS = list(ParticipantOrganisationKind.values)
GENDERS = [*ParticipantGender.values, ""]


def _start(spec: DemoEvent) -> datetime:
    day = timezone.localdate() + timedelta(days=spec.days_from_now)
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _registrations(
    event: Event, spec: DemoEvent, counties: list[County], rng: random.Random
) -> None:
    now = timezone.now()
    # Every e-mail stamped as sent: no demo address is ever mailed, whatever kinds there are.
    stamps = {kind.stamp: now for kind in EMAIL_KINDS.values()}
    total = spec.registrations + spec.waitlisted
    for number in range(1, total + 1):
        registration = Registration.objects.create(
            event=event,
            name=f"Demo Deltagare {number}",
            email=f"demo.deltagare{number}.{event.pk}@example.org",
            organisation_name=f"Demoorganisation {rng.randint(1, 20)}",
            organisation_kind=rng.choice(KINDS),
            county=rng.choice(counties),
            gender=rng.choice(GENDERS),
            status=(
                RegistrationStatus.CONFIRMED
                if number <= spec.registrations
                else RegistrationStatus.WAITLISTED
            ),
            attended=number <= spec.attended,
            **stamps,
        )
        if number <= spec.evaluations:
            _token, digest = token_new()
            EvaluationResponse.objects.create(
                registration=registration,
                comment=rng.choice(
                    ["", "Mycket givande!", "Fler exempel från branscherna, tack.", ""]
                ),
                token_hash=digest,
                **{item: rng.choice([3, 4, 4, 5, 5]) for item in LIKERT_ITEMS},
            )


def seed_events() -> int:
    """Create the demo events that do not exist yet; returns how many were created."""
    spec_org = next(spec for spec in DEMO_ORGANISATIONS if spec.key == ORGANISER_KEY)
    organiser = Organisation.objects.filter(org_number=spec_org.org_number, is_demo=True).first()
    counties = list(County.objects.order_by("code"))
    if organiser is None or not counties:
        return 0
    by_code = {county.code: county for county in counties}
    rng = random.Random(SEED)  # noqa: S311  (demo data, reproducible on purpose)
    created = 0
    for spec in DEMO_EVENTS:
        if Event.objects.filter(slug=spec.slug).exists():
            continue
        start = _start(spec)
        with transaction.atomic():
            event = event_create(
                actor=None,
                title=spec.title,
                slug=spec.slug,
                kind=spec.kind,
                organiser=organiser,
                county=by_code.get(spec.county_code),
                place=spec.place,
                online_url=spec.online_url,
                starts_at=start,
                ends_at=start + timedelta(hours=spec.hours),
                registration_closes_at=start - timedelta(days=2),
                capacity=spec.capacity,
                description=spec.description,
                target_groups=spec.target_groups,
                is_demo=True,
            )
            event = event_publish(event=event, actor=None)
            _registrations(event, spec, counties, rng)
        created += 1
    return created
