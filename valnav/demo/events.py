"""Demo events: five upcoming events over the coming months, one in each county of Östra
Mellansverige (one of them full, with a waiting list), one held three weeks ago with
attendance and evaluations, so that the staff's summary and statistics have something to show,
and the seed project's own events held over its period 2022-11 – 2024-11 (the live indicators
"Events held" and "Participants at events" count them).

Every event falls on a working day: no weekend, no public holiday, not in the mellandagar
(`valnav.demo.dates`); a date counted from today moves to the next working day.

Everything is invented and marked `is_demo`; the people are "Demo Deltagare 1" … at example.org
addresses. Their e-mail stamps are set as if everything had been sent, so that no reminder or
invitation ever goes to them. Events are keyed by their address name: a second run creates
nothing. Dates count from the day of seeding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.accounts.personas import DEMO_ORGANISATIONS
from valnav.core.audiences import TargetGroup
from valnav.demo.dates import working_day_from
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
    on: date | None = None  # a fixed day (the project's past), instead of days_from_now


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

# The seed project's events over its period: kick-off, seminars per county, the webinar series
# and the closing conference. Fixed working days; each with at least five participants marked
# attended, so that no count of people in the statistics is one to four.
PROJECT_EVENTS = [
    DemoEvent(
        "demo-projektstart-valideringsnavet-2022",
        "Projektstart: regionala strukturer för validering",
        EventKind.CONFERENCE,
        "19",
        "Västerås, Aroslokalen, Stora torget 1",
        "",
        0,
        6,
        120,
        (T.DECISION_MAKER, T.EDUCATION_PROVIDER, T.EMPLOYER),
        "Projektets start för de fem regionerna i Östra Mellansverige.",
        registrations=48,
        attended=41,
        evaluations=20,
        on=date(2022, 12, 6),
    ),
    DemoEvent(
        "demo-seminarium-validering-uppsala-2023",
        "Seminarium: validering i vård och omsorg",
        EventKind.SEMINAR,
        "03",
        "Uppsala, Fyrishov",
        "",
        0,
        3,
        50,
        (T.EMPLOYER, T.EDUCATION_PROVIDER),
        "Validering mot vård- och omsorgsprogrammet i Komvux.",
        registrations=31,
        attended=26,
        evaluations=12,
        on=date(2023, 3, 14),
    ),
    DemoEvent(
        "demo-webbinarium-vagledare-2023",
        "Webbinarium: vägledning inför validering",
        EventKind.WEBINAR,
        "04",
        "",
        "https://valnav.example/webbinarium/vagledning",
        0,
        2,
        80,
        (T.GUIDANCE_COUNSELLOR,),
        "Ett webbinarium för studie- och yrkesvägledare om den inledande kartläggningen.",
        registrations=44,
        attended=37,
        evaluations=15,
        on=date(2023, 9, 21),
    ),
    DemoEvent(
        "demo-erfarenhetsutbyte-orebro-2024",
        "Erfarenhetsutbyte: branschvalidering i industrin",
        EventKind.EXPERIENCE_EXCHANGE,
        "18",
        "Örebro, Conventum",
        "",
        0,
        3,
        40,
        (T.EMPLOYER, T.EDUCATION_PROVIDER),
        "Arbetsgivare och branschorganisationer delar erfarenheter av branschvalidering.",
        registrations=22,
        attended=18,
        evaluations=9,
        on=date(2024, 2, 7),
    ),
    DemoEvent(
        "demo-kunskapshojning-ostergotland-2024",
        "Kunskapshöjande träff: validering för arbetsgivare i Östergötland",
        EventKind.KNOWLEDGE_RAISING,
        "05",
        "Norrköping, Louis De Geer",
        "",
        0,
        3,
        60,
        (T.EMPLOYER, T.DECISION_MAKER),
        "Hur validering kan stödja kompetensförsörjningen hos arbetsgivare.",
        registrations=35,
        attended=29,
        evaluations=11,
        on=date(2024, 5, 22),
    ),
    DemoEvent(
        "demo-slutkonferens-valideringsnavet-2024",
        "Slutkonferens: regionala strukturer för validering",
        EventKind.CONFERENCE,
        "04",
        "Eskilstuna, Munktellarenan",
        "",
        0,
        7,
        200,
        (T.DECISION_MAKER, T.EMPLOYER, T.EDUCATION_PROVIDER, T.GUIDANCE_COUNSELLOR),
        "Projektets resultat och hur arbetet fortsätter i ordinarie verksamhet.",
        registrations=96,
        attended=84,
        evaluations=40,
        on=date(2024, 11, 12),
    ),
]
KINDS = list(ParticipantOrganisationKind.values)
GENDERS = [*ParticipantGender.values, ""]


def _start(spec: DemoEvent) -> datetime:
    day = spec.on or working_day_from(timezone.localdate() + timedelta(days=spec.days_from_now))
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
    for spec in [*DEMO_EVENTS, *PROJECT_EVENTS]:
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
