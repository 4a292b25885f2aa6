"""Demo networks: the Komvux validation network of Östra Mellansverige with the demo Komvux
organisations, two meetings (one an experience exchange) with agenda, approved minutes and
decisions; a branch network; and three knowledge-raising efforts. Everything is invented and
marked `is_demo`; made through the ordinary services, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from valnav.accounts.models import Organisation, OrganisationKind, User
from valnav.accounts.personas import DEMO_ORGANISATIONS, PERSONAS_BY_KEY
from valnav.core.audiences import TargetGroup
from valnav.networks.models import (
    DecisionStatus,
    EffortStatus,
    KnowledgeEffort,
    MeetingKind,
    MembershipRole,
    Network,
    NetworkKind,
)
from valnav.networks.services import (
    decision_add,
    effort_create,
    meeting_create,
    membership_add,
    minutes_approve,
    network_create,
)
from valnav.places.models import County
from valnav.taxonomy.models import Branch

KOMVUX_SLUG = "komvux-valideringsnatverk-oms"
BRANCH_SLUG = "branschnatverk-industri-vastmanland"
CONVENOR_KEY = "region-vastmanland"
ACTOR_KEY = "communicator_vastmanland"  # holds MANAGE_NETWORKS in Region Västmanland
# Komvux of other counties, when the demo atlas has created them (valnav.demo.atlas).
OTHER_KOMVUX = (
    "Uppsala kommun, Vuxenutbildningen (demo)",
    "Eskilstuna kommun, Vuxenutbildningen (demo)",
    "Linköpings kommun, Vuxenutbildningen (demo)",
    "Nyköpings kommun, Vuxenutbildningen (demo)",
)

KOMVUX_PURPOSE = """Nätverket samlar Komvux i de fem länen i Östra Mellansverige för att göra
valideringen **likvärdig** oavsett var man bor.

- erfarenhetsutbyte mellan kommunerna om kartläggning och bedömning
- gemensamma rutiner för validering mot kurser i vård och omsorg, industri och bygg
- kontakt med branscherna och Arbetsförmedlingen

Nätverket träffas fyra gånger om året, varannan gång digitalt. (Demodata.)
"""

MEETING_ONE_AGENDA = """1. Mötet öppnas, val av sekreterare
2. Föregående protokoll
3. Gemensam kartläggningsmall för vård och omsorg
4. Läget i länen: köer och ledtider
5. Övriga frågor
"""

MEETING_ONE_MINUTES = """## Närvarande

Region Västmanland (ordförande), Västerås och Örebro samt de övriga Komvux i nätverket.

## Gemensam kartläggningsmall

Västerås presenterade sin mall för kartläggning inför validering mot vård- och omsorgskurser.
Nätverket **beslutade** att pröva mallen i alla kommuner under våren.

## Läget i länen

Ledtiden från första kontakt till bedömning varierar mellan 4 och 14 veckor. Kommunerna
jämför sina siffror till nästa möte.
"""

MEETING_TWO_AGENDA = """1. Inledning: varför validering på distans?
2. Örebro berättar: kartläggningssamtal via video
3. Gruppdiskussion: vad kräver praktiska moment på plats?
4. Sammanfattning och nästa steg
"""

MEETING_TWO_MINUTES = """## Erfarenhetsutbyte: validering på distans

Örebro visade hur kartläggningssamtal via video kortat väntetiden för deltagare på landsbygden.
Praktiska moment görs fortfarande på plats, men kan samlas till en dag.

## Slutsatser

- kartläggning fungerar väl digitalt med tolk vid behov
- praktiska bedömningar samordnas mellan grannkommuner
"""


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed_networks() -> int:
    """Create the demo networks and efforts that do not exist yet; returns how many networks
    and efforts were created."""
    persona = PERSONAS_BY_KEY[ACTOR_KEY]
    actor = User.objects.filter(email=persona.email).first()
    convenor_spec = next(spec for spec in DEMO_ORGANISATIONS if spec.key == CONVENOR_KEY)
    convenor = Organisation.objects.filter(
        org_number=convenor_spec.org_number, is_demo=True
    ).first()
    if actor is None or convenor is None:
        return 0  # demo_accounts_seed runs first in seed_demo
    created = 0
    with transaction.atomic():
        counties = list(County.objects.order_by("code"))
        branches = {branch.key: branch for branch in Branch.objects.all()}
        demo_orgs = {
            spec.key: Organisation.objects.filter(org_number=spec.org_number, is_demo=True).first()
            for spec in DEMO_ORGANISATIONS
        }
        komvux_network = Network.objects.filter(slug=KOMVUX_SLUG).first()
        if komvux_network is None:
            komvux_network = _komvux_network(actor, convenor, counties, branches, demo_orgs)
            created += 1
        branch_network = Network.objects.filter(slug=BRANCH_SLUG).first()
        if branch_network is None:
            branch_network = _branch_network(actor, convenor, counties, branches, demo_orgs)
            created += 1
        created += _efforts(actor, counties, branches, komvux_network, branch_network)
    return created


def _komvux_network(
    actor: User,
    convenor: Organisation,
    counties: list[County],
    branches: dict[str, Branch],
    demo_orgs: dict[str, Organisation | None],
) -> Network:
    network = network_create(
        actor=actor,
        name="Komvux valideringsnätverk Östra Mellansverige",
        slug=KOMVUX_SLUG,
        kind=NetworkKind.KOMVUX_VALIDATION,
        convenor=convenor,
        purpose=KOMVUX_PURPOSE,
        counties=counties,
        focus_branches=[
            branches[key] for key in ("vard-omsorg", "industri", "bygg") if key in branches
        ],
        is_public=True,
        is_demo=True,
    )
    joined = timezone.localdate() - timedelta(days=400)
    membership_add(
        actor=actor,
        network=network,
        organisation=convenor,
        role=MembershipRole.CHAIR,
        user=actor,
        joined_on=joined,
    )
    komvux = [
        organisation
        for key, organisation in demo_orgs.items()
        if organisation is not None
        and organisation.kind == OrganisationKind.MUNICIPALITY
        and key != CONVENOR_KEY
    ]
    komvux += list(Organisation.objects.filter(name__in=OTHER_KOMVUX, is_demo=True))
    for index, organisation in enumerate(komvux):
        membership_add(
            actor=actor,
            network=network,
            organisation=organisation,
            role=MembershipRole.SECRETARY if index == 0 else MembershipRole.MEMBER,
            contact_name="Valideringssamordnare (demo)",
            contact_role="Samordnare för validering",
            joined_on=joined,
        )
    present = [convenor, *komvux]

    first = meeting_create(
        actor=actor,
        network=network,
        title="Nätverksmöte: gemensam kartläggning i vård och omsorg",
        kind=MeetingKind.MEETING,
        starts_at=_at(70, 9),
        place="Regionens hus, Västerås",
        agenda=MEETING_ONE_AGENDA,
        minutes=MEETING_ONE_MINUTES,
        participants=present,
    )
    minutes_approve(actor=actor, meeting=first)
    decision_add(
        actor=actor,
        meeting=first,
        text="Pröva Västerås kartläggningsmall i alla kommuner i nätverket.",
        responsible_organisation=komvux[0] if komvux else convenor,
        due_on=timezone.localdate() - timedelta(days=10),
    )
    decision_add(
        actor=actor,
        meeting=first,
        text="Sammanställ ledtider per kommun till nästa möte.",
        responsible_organisation=convenor,
        due_on=timezone.localdate() - timedelta(days=30),
        status=DecisionStatus.DONE,
    )

    second = meeting_create(
        actor=actor,
        network=network,
        title="Erfarenhetsutbyte: validering på distans",
        kind=MeetingKind.EXPERIENCE_EXCHANGE,
        starts_at=_at(25, 13),
        is_online=True,
        agenda=MEETING_TWO_AGENDA,
        minutes=MEETING_TWO_MINUTES,
        participants=present,
    )
    minutes_approve(actor=actor, meeting=second)
    decision_add(
        actor=actor,
        meeting=second,
        text="Ta fram en gemensam checklista för kartläggning via video.",
        responsible_organisation=komvux[1] if len(komvux) > 1 else convenor,
        responsible_person="Valideringssamordnaren",
        due_on=timezone.localdate() + timedelta(days=45),
    )
    return network


def _branch_network(
    actor: User,
    convenor: Organisation,
    counties: list[County],
    branches: dict[str, Branch],
    demo_orgs: dict[str, Organisation | None],
) -> Network:
    network = network_create(
        actor=actor,
        name="Branschnätverk industri Västmanland",
        slug=BRANCH_SLUG,
        kind=NetworkKind.BRANCH,
        convenor=convenor,
        purpose=(
            "Industrins arbetsgivare, Komvux och Arbetsförmedlingen i Västmanland planerar "
            "validering mot **Industritekniska branschens** krav tillsammans. (Demodata.)"
        ),
        counties=[county for county in counties if county.code == "19"],
        focus_branches=[branches[key] for key in ("industri",) if key in branches],
        is_public=True,
        is_demo=True,
    )
    for key, role in (
        (CONVENOR_KEY, MembershipRole.CHAIR),
        ("vasteras-komvux", MembershipRole.MEMBER),
        ("af-vasteras", MembershipRole.MEMBER),
    ):
        organisation = demo_orgs.get(key)
        if organisation is not None:
            membership_add(actor=actor, network=network, organisation=organisation, role=role)
    meeting_create(
        actor=actor,
        network=network,
        title="Uppstartsmöte",
        starts_at=_at(-14, 10),
        place="Västerås Science Park",
        agenda="1. Presentation av deltagarna\n2. Behov av validering i industrin\n",
    )
    return network


@dataclass(frozen=True)
class _EffortSpec:
    title: str
    description: str
    target_groups: tuple[TargetGroup, ...]
    branches: tuple[str, ...]
    counties: tuple[str, ...]  # county codes; empty for all five
    network: str  # "komvux" or "branch"
    starts_in: int  # days from today (negative: in the past)
    ends_in: int | None
    status: EffortStatus
    reach: int | None


EFFORTS = (
    _EffortSpec(
        "Seminarieserie för arbetsgivare i vård och omsorg",
        "Tre frukostseminarier om hur validering kortar vägen till undersköterska. (Demodata.)",
        (TargetGroup.EMPLOYER, TargetGroup.DECISION_MAKER),
        ("vard-omsorg",),
        ("19", "18"),
        "komvux",
        -150,
        -60,
        EffortStatus.DONE,
        42,
    ),
    _EffortSpec(
        "Validering steg för steg: utbildning för vägledare",
        "En halvdag om den nationella processen för validering och om hur man hittar rätt "
        "modell. (Demodata.)",
        (TargetGroup.GUIDANCE_COUNSELLOR, TargetGroup.EDUCATION_PROVIDER),
        ("industri", "bygg"),
        (),
        "komvux",
        -20,
        90,
        EffortStatus.ONGOING,
        3,  # published as "<5"
    ),
    _EffortSpec(
        "Informationsträffar om yrkesvalidering i industrin",
        "Öppna träffar för anställda och arbetssökande. (Demodata.)",
        (TargetGroup.INDIVIDUAL, TargetGroup.EMPLOYER),
        ("industri",),
        ("19",),
        "branch",
        30,
        None,
        EffortStatus.PLANNED,
        None,
    ),
)


def _efforts(
    actor: User,
    counties: list[County],
    branches: dict[str, Branch],
    komvux_network: Network,
    branch_network: Network,
) -> int:
    networks = {"komvux": komvux_network, "branch": branch_network}
    today = timezone.localdate()
    created = 0
    for spec in EFFORTS:
        if KnowledgeEffort.objects.filter(title=spec.title, is_demo=True).exists():
            continue
        effort_create(
            actor=actor,
            title=spec.title,
            description=spec.description,
            target_groups=spec.target_groups,
            focus_branches=[branches[key] for key in spec.branches if key in branches],
            counties=[c for c in counties if not spec.counties or c.code in spec.counties],
            network=networks[spec.network],
            starts_on=today + timedelta(days=spec.starts_in),
            ends_on=None if spec.ends_in is None else today + timedelta(days=spec.ends_in),
            status=spec.status,
            reach=spec.reach,
            is_demo=True,
        )
        created += 1
    return created
