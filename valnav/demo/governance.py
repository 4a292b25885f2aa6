"""Demo governance: the ÖMS project "Regionala strukturer för validering i Östra
Mellansverige" (Dnr 22RS8988) as its application describes it — the five regions, the goals
and focus areas, a few activities, indicators and risks, and the cost and financing budget
exactly as the application's tables have them (13 960 000 kr). The people and the activities'
dates are invented; everything is marked `is_demo`. A second run changes nothing.

The application gives the end of the period as "2024-11-31", a day that does not exist; the
demo ends the project on 2024-11-30, the last day of that month.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from valnav.accounts.models import Organisation, OrganisationKind, User
from valnav.accounts.personas import DEMO_ORGANISATIONS_BY_KEY, PERSONAS_BY_KEY
from valnav.core.audiences import TargetGroup
from valnav.governance.indicators import live_registry
from valnav.governance.ledger import ledger_import
from valnav.governance.models import ActivityStatus, CostCategory, Group, MemberRole, Project
from valnav.governance.services import (
    activity_create,
    budget_line_set,
    financier_set,
    financing_set,
    indicator_create,
    measurement_add,
    member_add,
    project_create,
    risk_add,
    sub_goal_set,
)
from valnav.places.models import County, Municipality

DIARIENUMMER = "22RS8988"
# The project owner and the four samverkansparter (partners, not co-owners), as keys of
# accounts.personas.DEMO_ORGANISATIONS: the demo's regions are named "(demo)".
OWNER = "region-vastmanland"
PARTNERS = ("region-sormland", "region-uppsala", "region-orebro", "region-ostergotland")
YEARS = (2022, 2023, 2024)
# "Bokförda kostnader" of the application, kr per year 2022, 2023, 2024.
COSTS: dict[str, tuple[int, int, int]] = {
    CostCategory.STAFF: (491_352, 4_350_944, 3_988_367),
    CostCategory.EXTERNAL: (72_800, 1_536_800, 1_500_400),
    CostCategory.TRAVEL: (0, 112_732, 112_732),
    CostCategory.INDIRECT: (99_195, 884_180, 810_498),
}
# "Finansiär" of the application, in its order: name, share %, county, kr per year.
FINANCING: tuple[tuple[str, int, str | None, tuple[int, int, int]], ...] = (
    ("Region Örebro län 1:1", 10, "18", (66_334, 688_466, 641_200)),
    ("Tillväxtverket nationella medel", 50, None, (331_677, 3_442_326, 3_205_997)),
    ("Region Västmanland", 10, "19", (66_334, 688_466, 641_200)),
    ("Region Sörmland", 10, "04", (66_334, 688_466, 641_200)),
    ("Region Östergötland", 10, "05", (66_334, 688_466, 641_200)),
    ("Region Uppsala", 10, "03", (66_334, 688_466, 641_200)),
)

OVERALL_GOAL = (
    "Genom att gemensamt utveckla effektiva och hållbara regionala strukturer för validering "
    "som en del i det regionala kompetensförsörjningsarbetet inom de fem länen i Östra "
    "Mellansverige, bidrar arbetet i sin tur till att fler individer får sin kompetens "
    "validerad och arbetsgivare får bättre förutsättningar att hitta efterfrågad kompetens."
)
PROJECT_GOAL = (
    "Att gemensamt utveckla regionala strukturer för validering inom de fem länen i Östra "
    "Mellansverige genom att förbättra Regionalt Utvecklingsansvarigas, Komvux och "
    "Branschvalideringens kapacitet kring validering, samt effektivare kommunikation och "
    "information."
)
SUB_GOALS = (
    (
        "Integrering av validering i det regionala kompetensförsörjningsarbetet",
        "Regionalt utvecklingsansvarigs genomförandekapacitet att kunna leda och driva "
        "strategiska frågor kring validering har stärkts.",
    ),
    (
        "Validering inom den kommunala vuxenutbildningen",
        "Ökad samsyn och likvärdighet kring organisering och genomförande av validering inom "
        "den kommunala vuxenutbildningen.",
    ),
    (
        "Branschvalidering och kompletterande utbildning",
        "Främja förutsättningarna för att branschvalideringsmodeller och strukturer ska "
        "nyttjas i större omfattning.",
    ),
    (
        "Information och kommunikation om validering",
        "Informationsmaterial om validering är framtagen och anpassad för projektets målgrupper.",
    ),
)
# sub-goal number, title, target group, county or None, status, planned start, planned end
ACTIVITIES = (
    (
        1,
        "Kartläggning av regionalt valideringsarbete, spridd i befintliga nätverk",
        TargetGroup.DECISION_MAKER,
        None,
        ActivityStatus.DONE,
        "2022-11-01",
        "2023-06-30",
    ),
    (
        1,
        "Erfarenhetsutbyte mellan regionerna för samsyn om vinsterna med validering",
        TargetGroup.DECISION_MAKER,
        "19",
        ActivityStatus.ONGOING,
        "2023-02-01",
        "2024-10-31",
    ),
    (
        2,
        "Erfarenhetsutbyte mellan regionerna och den kommunala vuxenutbildningen",
        TargetGroup.EDUCATION_PROVIDER,
        "18",
        ActivityStatus.ONGOING,
        "2023-03-01",
        "2024-09-30",
    ),
    (
        2,
        "Analys av fokusområden kopplade till bristyrken inom Komvux",
        TargetGroup.EDUCATION_PROVIDER,
        "03",
        ActivityStatus.PLANNED,
        "2023-09-01",
        "2024-03-31",
    ),
    (
        3,
        "Erfarenhetsutbyte om branschvalidering med RUA, parter och Arbetsförmedlingen",
        TargetGroup.EMPLOYER,
        "05",
        ActivityStatus.ONGOING,
        "2023-04-01",
        "2024-06-30",
    ),
    (
        4,
        "Samlat informationsmaterial om validering för projektets målgrupper",
        TargetGroup.GUIDANCE_COUNSELLOR,
        "04",
        ActivityStatus.ONGOING,
        "2023-01-15",
        "2024-11-30",
    ),
)
GENDER_EQUALITY = (
    "Projektet lyfter och belyser könssegregeringen inom utbildning; undervisning, "
    "möjligheter och upplägg ska präglas av ett jämställdhetsperspektiv."
)
ACCESSIBILITY = (
    "Regelbunden kunskapspåfyllnad om tillgänglighet på styrgruppsmöten och i "
    "projektgrupperna; digitala möten i första hand; material tillgängligt för alla målgrupper."
)
NON_DISCRIMINATION = (
    "Validering synliggör kunskap hos dem som saknar dokumentation, bland annat många "
    "utrikes födda vuxenstuderande, och kan verka demokratiserande."
)


def _region(key: str) -> Organisation:
    """The demo region of `key`, found by its organisationsnummer; created from its spec when
    demo_accounts_seed has not run."""
    spec = DEMO_ORGANISATIONS_BY_KEY[key]
    organisation = Organisation.objects.filter(org_number=spec.org_number, is_demo=True).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=spec.name,
            kind=OrganisationKind.REGION,
            org_number=spec.org_number,
            municipality=Municipality.objects.filter(code=spec.municipality_code).first(),
            is_demo=True,
        )
    return organisation


def _user(key: str) -> User | None:
    return User.objects.filter(email=PERSONAS_BY_KEY[key].email).first()


@transaction.atomic
def seed_governance(*, ledger: bool = True) -> int:
    """The demo project with its budget and, with `ledger`, its booked costs from the demo SIE
    ledger (data/demo/, as a region's accounting system exports it); returns 1 if it was
    created, 0 if it was there."""
    if Project.objects.filter(diarienummer=DIARIENUMMER).exists():
        return 0
    owner = _region(OWNER)
    partners = [_region(key) for key in PARTNERS]
    counties = {county.code: county for county in County.objects.all()}
    project = project_create(
        name="Regionala strukturer för validering i Östra Mellansverige",
        diarienummer=DIARIENUMMER,
        owner=owner,
        partners=partners,
        starts_on="2022-11-01",
        ends_on="2024-11-30",
        overall_goal=OVERALL_GOAL,
        project_goal=PROJECT_GOAL,
        is_demo=True,
    )
    project.gender_equality = GENDER_EQUALITY
    project.accessibility = ACCESSIBILITY
    project.non_discrimination = NON_DISCRIMINATION
    project.ends_on_as_written = "2024-11-31"  # the seed's own date, which does not exist
    project.save(
        update_fields=[
            "gender_equality",
            "accessibility",
            "non_discrimination",
            "ends_on_as_written",
        ]
    )
    for category, amounts in COSTS.items():
        for year, amount in zip(YEARS, amounts, strict=True):
            budget_line_set(project=project, category=category, year=year, amount=amount)
    for position, (name, share, county, amounts) in enumerate(FINANCING):
        financier = financier_set(
            project=project,
            name=name,
            share=share,
            region=counties.get(county) if county else None,
            position=position,
        )
        for year, amount in zip(YEARS, amounts, strict=True):
            financing_set(financier=financier, year=year, amount=amount)
    manager = _user("project_manager")
    if manager:
        member_add(
            project=project, user=manager, group=Group.PROJECT, role=MemberRole.PROJECT_MANAGER
        )
        member_add(
            project=project, user=manager, group=Group.STEERING, role=MemberRole.PROJECT_MANAGER
        )
    strategist = _user("rua_vastmanland")
    if strategist:
        member_add(project=project, user=strategist, group=Group.STEERING, role=MemberRole.MEMBER)
    communicator = _user("communicator_vastmanland")
    if communicator:
        member_add(
            project=project, user=communicator, group=Group.PROJECT, role=MemberRole.COMMUNICATOR
        )
    sub_goals = [
        sub_goal_set(project=project, number=number, focus_area=area, goal=goal)
        for number, (area, goal) in enumerate(SUB_GOALS, start=1)
    ]
    for number, title, group, county, status, start, end in ACTIVITIES:
        activity_create(
            sub_goal=sub_goals[number - 1],
            title=title,
            target_group=group,
            region=counties.get(county) if county else None,
            status=status,
            planned_start=start,
            planned_end=end,
            actual_start=start if status != ActivityStatus.PLANNED else None,
            actual_end=end if status == ActivityStatus.DONE else None,
        )
    strategies = indicator_create(
        project=project,
        sub_goal=sub_goals[0],
        name="Regioner med validering i sin kompetensförsörjningsstrategi",
        unit="regioner",
        baseline=1,
        target=5,
    )
    for day, value, comment in (
        ("2023-06-30", 2, "Västmanland och Örebro län"),
        ("2024-06-30", 4, "Även Uppsala och Östergötland"),
    ):
        measurement_add(indicator=strategies, measured_on=day, value=value, comment=comment)
    live = live_registry()
    for sub_goal, name, key, target in (
        (sub_goals[1], "Publicerade valideringserbjudanden", "offers_published", 40),
        (
            sub_goals[2],
            "Kommuner med erbjudande i en fokusbransch",
            "municipalities_with_focus_offer",
            30,
        ),
        (sub_goals[3], "Publicerat informationsmaterial", "materials_published", 12),
        (sub_goals[0], "Genomförda kunskapshöjande träffar", "events_held", 20),
    ):
        if key not in live:  # valnav.governance.live not (yet) there: no live indicators
            continue
        indicator_create(project=project, sub_goal=sub_goal, name=name, live_key=key, target=target)
    risk_add(
        project=project,
        description="Regionerna prioriterar olika och samsynen uteblir.",
        likelihood=3,
        impact=4,
        mitigation="Gemensamma beslut i styrgruppen; erfarenhetsutbyten varje kvartal.",
        owner="Styrgruppens ordförande",
    )
    risk_add(
        project=project,
        description="Upphandlat processtöd blir försenat.",
        likelihood=2,
        impact=3,
        mitigation="Upphandling startas direkt efter beslut.",
        owner="Huvudprojektledare",
    )
    if ledger:
        _seed_ledger(project)
    return 1


DEMO_LEDGER = Path(__file__).resolve().parents[2] / "data" / "demo" / "ledger_22RS8988.se"


def _seed_ledger(project: Project) -> None:
    """Book the demo ledger through the SIE import, as a region would (demo data)."""
    report = ledger_import(
        project=project,
        source=DEMO_LEDGER.read_bytes(),
        filename=DEMO_LEDGER.name,
        dry_run=False,
    )
    if report.errors:
        raise ValueError("; ".join(str(error) for error in report.errors))
