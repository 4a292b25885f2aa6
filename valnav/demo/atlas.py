"""Demo offers and complementary education over all 52 municipalities.

Everything here is invented for demonstrations and marked `is_demo`, providers included
("… (demo)"). The data is drawn with a fixed random seed, so every installation gets the same
rows; review dates count back from the day of seeding. Rows are keyed by provider and
`external_id`, so a second run creates nothing, and a demo row someone deleted comes back.

The shape follows the real landscape in DOMAIN.md §2: every Komvux huvudman validates in vård
och omsorg, fewer in other areas; branch models run at test centres in the larger towns, some of
which also validate at workplaces nearby. White spots are deliberate (electricians, for
example, can be validated in eight municipalities only).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.accounts.personas import DEMO_ORGANISATIONS
from valnav.accounts.services import organisation_create
from valnav.atlas.models import (
    ComplementaryEducation,
    EducationForm,
    Offer,
    Payer,
    PublicationStatus,
    ValidationModel,
)
from valnav.atlas.services import education_stems, offer_stems
from valnav.core.figures_cache import figures_data_changed
from valnav.demo.dates import working_day_from
from valnav.lib.geo import haversine_km
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

SEED = 2026
VALID_FROM = date(2026, 1, 1)
EMAIL_DOMAIN = "demo.valnav.example"
PERSONA_KOMVUX_KEY = "vasteras-komvux"  # the assessor persona's organisation (accounts.personas)
VASTERAS = "1980"

# Size classes by hand (no population data is shipped): the six largest towns, then the
# regional centres and larger industrial towns; the rest are small.
LARGE = frozenset({"0380", "0484", "0580", "0581", "1880", "1980"})
MEDIUM = frozenset(
    {
        "0305", "0330", "0360", "0381", "0382", "0480", "0481", "0482", "0483", "0486",
        "0562", "0583", "0586", "1861", "1881", "1883", "1885", "1961", "1981", "1982",
        "1983", "1984",
    }
)  # fmt: skip
INDUSTRIAL = frozenset(
    {"0360", "0382", "0481", "0483", "0562", "0583", "1862", "1863", "1883", "1885", "1907",
     "1961", "1982", "1983"}
)  # fmt: skip


def size_class(code: str) -> str:
    return "large" if code in LARGE else "medium" if code in MEDIUM else "small"


@dataclass(frozen=True)
class KomvuxArea:
    """Komvux validation in one vocational area, and where it is offered."""

    model_key: str
    chance: dict[str, float]  # by size class
    text: str
    eligibility: str
    capacity: dict[str, tuple[int, int]]
    only_in: frozenset[str] | None = None  # explicit list instead of chance
    industrial_boost: bool = False


_CAPACITY = {"large": (40, 120), "medium": (12, 40), "small": (4, 15)}

KOMVUX_AREAS: tuple[KomvuxArea, ...] = (
    KomvuxArea(
        "komvux-vard-omsorg",
        {"large": 1.0, "medium": 1.0, "small": 0.8},
        "Validering mot kurserna i vård- och omsorgsutbildningen för dig som har arbetat inom "
        "äldreomsorg, hemtjänst, LSS eller sjukvård. Efter en fördjupad kartläggning och "
        "bedömning får du ett intyg från rektorn och läser sedan bara det som saknas för "
        "undersköterskeexamen.",
        "Du har arbetat inom vård och omsorg, helst minst sex månader. Du gör först en "
        "inledande kartläggning hos studie- och yrkesvägledningen.",
        _CAPACITY,
    ),
    KomvuxArea(
        "komvux-barnskotare",
        {"large": 1.0, "medium": 0.7, "small": 0.35},
        "Validering mot kurserna i barnskötarutbildningen för dig som arbetar eller har "
        "arbetat i förskola eller fritidshem. Intyget visar vilka kurser du redan kan.",
        "Erfarenhet av arbete med barn i förskola, fritidshem eller motsvarande.",
        {"large": (15, 50), "medium": (6, 20), "small": (3, 10)},
    ),
    KomvuxArea(
        "komvux-kock",
        {"large": 0.8, "medium": 0.3, "small": 0.05},
        "Validering mot kurserna i kockutbildningen, med praktiska uppgifter i skolans kök.",
        "Erfarenhet av arbete i restaurang- eller storkök.",
        {"large": (10, 30), "medium": (5, 15), "small": (3, 8)},
    ),
    KomvuxArea(
        "komvux-industri",
        {"large": 1.0, "medium": 0.5, "small": 0.15},
        "Validering mot industritekniska kurser för dig som har arbetat som operatör, "
        "CNC-operatör, svetsare eller montör. Den praktiska delen görs i skolans verkstad.",
        "Erfarenhet av arbete i tillverkande industri.",
        {"large": (15, 50), "medium": (6, 25), "small": (4, 12)},
        industrial_boost=True,
    ),
    KomvuxArea(
        "komvux-bygg",
        {"large": 0.8, "medium": 0.35, "small": 0.1},
        "Validering mot kurserna i bygg- och anläggningsutbildningen, till exempel för "
        "träarbetare och murare.",
        "Erfarenhet av arbete på byggarbetsplats.",
        {"large": (10, 30), "medium": (5, 15), "small": (3, 8)},
    ),
    KomvuxArea(
        "komvux-el",
        {},
        "Validering mot elteknikkurser för dig med erfarenhet som elektriker, också från "
        "andra länder.",
        "Erfarenhet av elinstallation; för utbildning utanför Norden, ta med betyg och intyg.",
        {"large": (8, 24), "medium": (4, 10), "small": (2, 6)},
        only_in=frozenset({"0380", "0580", "0581", "1880", "1980"}),
    ),
    KomvuxArea(
        "komvux-lager-logistik",
        {"large": 0.8, "medium": 0.4, "small": 0.1},
        "Validering mot kurserna i lager- och logistikutbildningen för dig som har arbetat på "
        "lager eller terminal, med praktiska uppgifter och truckkörning.",
        "Erfarenhet av arbete på lager eller terminal.",
        {"large": (10, 30), "medium": (5, 15), "small": (3, 8)},
    ),
    KomvuxArea(
        "komvux-fordon",
        {"large": 0.7, "medium": 0.3, "small": 0.05},
        "Validering mot fordonstekniska kurser i skolans verkstad, för dig som har arbetat med "
        "service och reparation av personbilar eller lastbilar.",
        "Erfarenhet av verkstadsarbete med fordon.",
        {"large": (8, 25), "medium": (4, 12), "small": (2, 6)},
    ),
)


@dataclass(frozen=True)
class CentreGroup:
    """A kind of branch test centre: the models it validates, and those it also brings to
    workplaces within `radius_km`."""

    name: str  # "{town}" is replaced
    models: tuple[str, ...]
    outreach: tuple[str, ...] = ()
    radius_km: float = 0.0
    outreach_chance: float = 0.6


CENTRE_GROUPS: dict[str, CentreGroup] = {
    "industri": CentreGroup(
        "Industritestcenter {town} (demo)", ("siv-industri", "svets"), ("siv-industri",), 40
    ),
    "bygg": CentreGroup(
        "Byggvalideringscentrum {town} (demo)", ("byn-bygg", "myn-maleri"), ("byn-bygg",), 30
    ),
    "installation": CentreGroup(
        "Installationscentrum {town} (demo)", ("ecy-el", "vvs-branschprov", "incert-kyl")
    ),
    "fordon": CentreGroup(
        "Fordonstestcenter {town} (demo)", ("tf-fordon", "tya-transport"), ("tya-transport",), 30
    ),
    "service": CentreGroup(
        "Servicevalidering {town} (demo)",
        ("sry-stad", "faval-fastighet", "handel-butikssaljare"),
        ("sry-stad", "handel-butikssaljare"),
        35,
        0.5,
    ),
    "besok": CentreGroup(
        "Hotell- och restaurangvalidering {town} (demo)", ("uhr-hotell-restaurang",)
    ),
    "kommunal": CentreGroup(
        "Energi- och VA-akademin {town} (demo)",
        ("sobona-yrkesprofiler",),
        ("sobona-yrkesprofiler",),
        30,
        0.4,
    ),
    "hantverk": CentreGroup(
        "Hantverks- och frisörprov {town} (demo)", ("frisor-gesall", "hantverksradet-gesall")
    ),
    "naturbruk": CentreGroup(
        "Naturbrukscentrum {town} (demo)",
        ("nyn-gront-kort", "syn-skogsvalidering"),
        ("syn-skogsvalidering",),
        60,
        0.5,
    ),
    "platvent": CentreGroup("Plåt- och ventcentrum {town} (demo)", ("pvf-platslageri",)),
}

# Which test centres each larger town has. Electricians (installation) only in five towns.
TOWN_CENTRES: dict[str, tuple[str, ...]] = {
    "1980": (
        "industri",
        "bygg",
        "installation",
        "fordon",
        "service",
        "besok",
        "kommunal",
        "hantverk",
    ),
    "0484": ("industri", "bygg", "installation", "fordon", "service", "kommunal"),
    "0380": ("industri", "bygg", "fordon", "service", "besok", "kommunal", "hantverk", "naturbruk"),
    "1880": (
        "industri",
        "bygg",
        "installation",
        "fordon",
        "service",
        "besok",
        "kommunal",
        "hantverk",
        "naturbruk",
    ),
    "0580": (
        "industri",
        "bygg",
        "installation",
        "fordon",
        "service",
        "besok",
        "kommunal",
        "hantverk",
        "naturbruk",
    ),
    "0581": ("industri", "bygg", "fordon", "service", "besok", "kommunal"),
    "0483": ("industri", "platvent", "bygg"),
    "1983": ("industri", "fordon"),
    "0480": ("industri", "installation", "service", "besok", "naturbruk"),
    "1883": ("industri", "installation"),
    "0583": ("industri", "fordon", "bygg"),
    "0381": ("bygg", "industri", "service"),
}

BRANCH_TEXT: dict[str, str] = {
    "byn-bygg": "Validering hos ackrediterat testcenter mot BYN:s yrken, med praktiska "
    "uppgifter på övningsplan. Intyget visar vad som återstår till yrkesbevis.",
    "myn-maleri": "Branschens valideringsmodell för byggnadsmålare, i målarverkstaden eller i "
    "produktion (ViP).",
    "ecy-el": "Elteknisk validering enligt ECY:s modell: självskattning, teoriprov och praktiskt "
    "test på upp till fem dagar.",
    "vvs-branschprov": "Provplats för VVS-branschens installationsprov och förberedande "
    "kartläggning inför branschprovet.",
    "incert-kyl": "Examinationscenter för INCERT:s teoretiska och praktiska prov för "
    "personcertifikat, kategori I–V.",
    "siv-industri": "Ackrediterat testcenter inom Svensk industrivalidering: Industriteknik BAS, "
    "Automation BAS och Underhåll BAS (webbaserat, cirka tre timmar).",
    "svets": "Validering av svetsare i nivåerna VIT, GRÖN, BLÅ och SVART hos godkänd IW-utbildare.",
    "tf-fordon": "Ackrediterat testcenter för motorbranschens validering med teoretiskt och "
    "praktiskt prov.",
    "tya-transport": "Kartläggning och prov för truck- och maskinförare inför yrkesbevis.",
    "sry-stad": "Validering av lokalvårdare mot branschens yrkesbevis, med praktisk bedömning på "
    "arbetsplatsen.",
    "faval-fastighet": "Ackrediterat FAVAL-testcenter: kartläggning, validering mot intyg och mot "
    "kompetensbevis.",
    "handel-butikssaljare": "Handelns validering av butikssäljare med certifierad bedömare i "
    "butiken.",
    "uhr-hotell-restaurang": "Branschens valideringsmodell för kock, servering och "
    "hotellreception; bedömningen på arbetsplats tar fem till tio dagar.",
    "sobona-yrkesprofiler": "Validering mot Sobonas nationella yrkesprofiler inom energi, VA och "
    "avfall, med yrkesbedömare från branschen.",
    "frisor-gesall": "Provplats för frisörbranschens delprov och gesällprov.",
    "hantverksradet-gesall": "Stöd inför gesällprov i hantverksyrken och kontakt med branschens "
    "granskningsnämnd.",
    "nyn-gront-kort": "Provdag för Grönt Kort på skolgården, med två diplomerare.",
    "syn-skogsvalidering": "Simulatorprov för Svensk skogsvalidering: föryngringsavverkning, "
    "gallring och skotning.",
    "pvf-platslageri": "Förberedelse och kartläggning inför yrkesexamen för plåtslagare och "
    "ventilationsmontörer.",
}

# The fee range (SEK) of the models where the individual pays (the catalogue's payer
# "individual", or "mixed" with a known fee). Where the municipality or the employer pays, the
# individual pays nothing (0); elsewhere the cost depends on the case and is left not known.
BRANCH_COST: dict[str, tuple[int, int]] = {
    "frisor-gesall": (3500, 7500),
    "hantverksradet-gesall": (3000, 6000),
    "incert-kyl": (4000, 7500),
}

LANGUAGES: tuple[tuple[str, int], ...] = (
    (",sv,", 50),
    (",sv,en,", 16),
    (",sv,ar,", 10),
    (",sv,so,ti,", 5),
    (",sv,fa,", 5),
    (",sv,uk,", 4),
    (",sv,en,ar,", 6),
    (",sv,fi,", 4),
)

FIRST_NAMES = (
    "Anna", "Lars", "Maria", "Ahmed", "Karin", "Johan", "Leila", "Erik", "Sara", "Mikael",
    "Fatima", "Per", "Elin", "Hassan", "Kristina", "Anders", "Zeynep", "Jonas", "Lina", "Ali",
)  # fmt: skip
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Hussein", "Lindberg", "Jakobsson", "Mohammed",
    "Berg", "Holm", "Virtanen", "Axelsson", "Sandberg", "Yilmaz",
)  # fmt: skip
STREETS = (
    "Storgatan", "Kungsgatan", "Skolgatan", "Industrigatan", "Verkstadsgatan", "Hantverkargatan",
    "Järnvägsgatan", "Drottninggatan", "Bruksgatan", "Tegelbruksvägen",
)  # fmt: skip
START_DATES = (
    "2027-01-11", "2027-02-15", "2027-03-22", "2027-04-19", "2027-06-07", "2027-08-16",
    "2027-09-20", "2027-10-25", "2027-11-22",
)  # fmt: skip


@dataclass(frozen=True)
class EducationPlan:
    """Complementary education that follows a validation area."""

    title: str
    form: EducationForm
    occupations: tuple[str, ...]
    closes_gaps_of: tuple[str, ...]
    description: str


VO = ("komvux-vard-omsorg", "socialstyrelsen-underskoterska")
VO_SSYK = ("5321", "5323", "5330")
KOMVUX_COURSES: dict[str, tuple[EducationPlan, ...]] = {
    "komvux-vard-omsorg": tuple(
        EducationPlan(title, EducationForm.KOMVUX_COURSE, VO_SSYK, VO, text)
        # Courses started from 2025-07-01 are Gy25 subject levels (names as in
        # data/reference/komvux_courses.csv), not the Gy11 courses of the 2011 programme.
        for title, text in (
            ("Omvårdnad nivå 1", "Grunder i omvårdnad, bemötande och dokumentation."),
            ("Omvårdnad nivå 2", "Fördjupning i omvårdnad och samarbete i vårdteam."),
            ("Akut omhändertagande nivå 1", "Vård vid akut sjukdom och skada, hygien."),
            ("Psykiatri nivå 1", "Psykisk ohälsa, bemötande och stöd."),
            ("Social omsorg nivå 1", "Socialt arbete i omsorgen och aktivering."),
            (
                "Gerontologi och geriatrik nivå 1",
                "Åldrande, sjukdomar hos äldre och vård i livets slut.",
            ),
            (
                "Svenska som andraspråk nivå 1",
                "Språket i vårdyrket, parallellt med yrkesämnena.",
            ),
        )
    ),
    "komvux-barnskotare": (
        EducationPlan(
            "Yrkespaket Barnskötare",
            EducationForm.YRKESPAKET,
            ("5311",),
            ("komvux-barnskotare",),
            "Kurserna för barnskötare; efter validering läser du bara det som återstår.",
        ),
        EducationPlan(
            "Pedagogiskt ledarskap",
            EducationForm.KOMVUX_COURSE,
            ("5311",),
            ("komvux-barnskotare",),
            "Leda grupper av barn, kommunikation och konflikthantering.",
        ),
    ),
    "komvux-kock": (
        EducationPlan(
            "Yrkespaket Kock",
            EducationForm.YRKESPAKET,
            ("5120",),
            ("komvux-kock", "uhr-hotell-restaurang"),
            "Matlagning, hygien och specialkost i skolans restaurangkök.",
        ),
    ),
    "komvux-industri": (
        EducationPlan(
            "Yrkespaket CNC-operatör",
            EducationForm.YRKESPAKET,
            ("7223",),
            ("komvux-industri", "siv-industri"),
            "Datorstyrd produktion, produktionsutrustning och mätteknik.",
        ),
        EducationPlan(
            "Svetsteknik, grundkurs",
            EducationForm.KOMVUX_COURSE,
            ("7212",),
            ("svets", "komvux-industri"),
            "Kälsvetsning av plåt och säkert arbete; förbereder för validering nivå VIT och GRÖN.",
        ),
        EducationPlan(
            "Yrkespaket Industrioperatör",
            EducationForm.YRKESPAKET,
            ("8189", "8211"),
            ("komvux-industri", "siv-industri"),
            "Produktionskunskap, produktionsutrustning och människan i industrin.",
        ),
    ),
    "komvux-bygg": (
        EducationPlan(
            "Yrkespaket Träarbetare",
            EducationForm.YRKESPAKET,
            ("7111",),
            ("komvux-bygg", "byn-bygg"),
            "Husbyggnad och trä, med praktik på byggarbetsplats.",
        ),
    ),
    "komvux-el": (
        EducationPlan(
            "Yrkespaket Installationselektriker",
            EducationForm.YRKESPAKET,
            ("7411",),
            ("komvux-el", "ecy-el"),
            "Elinstallationer, elkraftteknik och mät- och styrteknik.",
        ),
    ),
    "komvux-lager-logistik": (
        EducationPlan(
            "Yrkespaket Lagerarbetare",
            EducationForm.YRKESPAKET,
            ("4322",),
            ("komvux-lager-logistik",),
            "Godshantering, lager och terminal samt truck.",
        ),
    ),
    "komvux-fordon": (
        EducationPlan(
            "Yrkespaket Personbilsmekaniker",
            EducationForm.YRKESPAKET,
            ("7231",),
            ("komvux-fordon", "tf-fordon"),
            "Service, elteknik och chassi för personbilar.",
        ),
    ),
}

YH_PROGRAMMES: tuple[tuple[str, EducationPlan], ...] = (
    (
        "1980",
        EducationPlan(
            "Automationstekniker (YH)",
            EducationForm.YH,
            ("3113", "7233"),
            ("siv-industri",),
            "Tvåårig yrkeshögskoleutbildning i automation och robotik.",
        ),
    ),
    (
        "1980",
        EducationPlan(
            "Underhållstekniker (YH)",
            EducationForm.YH,
            ("7233",),
            ("siv-industri",),
            "Förebyggande underhåll, hydraulik och el i industrin.",
        ),
    ),
    (
        "0484",
        EducationPlan(
            "Svetsingenjör IWE (YH)",
            EducationForm.YH,
            ("7212", "3114"),
            ("svets",),
            "Svetsteknik och kvalitet på ingenjörsnivå (International Welding Engineer).",
        ),
    ),
    (
        "0380",
        EducationPlan(
            "Specialistundersköterska inom demensvård (YH)",
            EducationForm.YH,
            ("5321",),
            VO,
            "Fördjupning för undersköterskor i demensvård.",
        ),
    ),
    (
        "1880",
        EducationPlan(
            "Produktionstekniker (YH)",
            EducationForm.YH,
            ("3111",),
            ("siv-industri",),
            "Produktionsteknik, lean och digitalisering.",
        ),
    ),
    (
        "0580",
        EducationPlan(
            "Elkonstruktör (YH)",
            EducationForm.YH,
            ("3113",),
            ("ecy-el",),
            "Konstruktion av elanläggningar och dokumentation.",
        ),
    ),
    (
        "0581",
        EducationPlan(
            "Logistiker (YH)",
            EducationForm.YH,
            ("4323",),
            ("tya-transport",),
            "Lager, transport och planering.",
        ),
    ),
    (
        "0480",
        EducationPlan(
            "Fastighetstekniker (YH)",
            EducationForm.YH,
            ("5152",),
            ("faval-fastighet",),
            "Drift av fastighetens tekniska system.",
        ),
    ),
    (
        "1883",
        EducationPlan(
            "CNC-tekniker (YH)",
            EducationForm.YH,
            ("7223",),
            ("siv-industri",),
            "Avancerad CNC-bearbetning och programmering.",
        ),
    ),
    (
        "0583",
        EducationPlan(
            "Drifttekniker kraft och värme (YH)",
            EducationForm.YH,
            ("8191",),
            ("sobona-yrkesprofiler",),
            "Drift av kraftvärmeverk och fjärrvärme.",
        ),
    ),
)

LABOUR_MARKET: tuple[tuple[str, EducationPlan], ...] = (
    (
        "1980",
        EducationPlan(
            "Arbetsmarknadsutbildning Svetsare",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("7212",),
            ("svets",),
            "Svetsutbildning mot nivå GRÖN och BLÅ, efter anvisning från Arbetsförmedlingen.",
        ),
    ),
    (
        "0483",
        EducationPlan(
            "Arbetsmarknadsutbildning Svetsare",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("7212",),
            ("svets",),
            "Svetsutbildning mot nivå GRÖN och BLÅ, efter anvisning från Arbetsförmedlingen.",
        ),
    ),
    (
        "1880",
        EducationPlan(
            "Arbetsmarknadsutbildning CNC-operatör",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("7223",),
            ("siv-industri",),
            "CNC-bearbetning med validering av förkunskaper.",
        ),
    ),
    (
        "0580",
        EducationPlan(
            "Arbetsmarknadsutbildning Anläggningsmaskinförare",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("8342",),
            ("byn-bygg", "tya-transport"),
            "Grävmaskin och hjullastare fram till utbildningsbok.",
        ),
    ),
    (
        "0380",
        EducationPlan(
            "Arbetsmarknadsutbildning Truckförare",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("8344",),
            ("tya-transport",),
            "Truckutbildning med körtillstånd.",
        ),
    ),
    (
        "0581",
        EducationPlan(
            "Arbetsmarknadsutbildning Lokalvårdare",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("9111",),
            ("sry-stad",),
            "Lokalvård med praktik, mot branschens yrkesbevis.",
        ),
    ),
    (
        "0484",
        EducationPlan(
            "Arbetsmarknadsutbildning Industrioperatör",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("8189",),
            ("siv-industri",),
            "Industriteknik med validering enligt Industriteknik BAS.",
        ),
    ),
    (
        "1983",
        EducationPlan(
            "Arbetsmarknadsutbildning Fordonsmontör",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("8211",),
            ("siv-industri",),
            "Montering i fordonsindustri.",
        ),
    ),
    (
        "0583",
        EducationPlan(
            "Arbetsmarknadsutbildning Undersköterska",
            EducationForm.LABOUR_MARKET_TRAINING,
            VO_SSYK,
            VO,
            "Vård- och omsorgsutbildning för arbetssökande med validering först.",
        ),
    ),
    (
        "1885",
        EducationPlan(
            "Arbetsmarknadsutbildning Skogsmaskinförare",
            EducationForm.LABOUR_MARKET_TRAINING,
            ("8341",),
            ("syn-skogsvalidering",),
            "Skördare och skotare med simulatorträning.",
        ),
    ),
)

BRANCH_COMPLEMENTS: dict[str, EducationPlan] = {
    "byn-bygg": EducationPlan(
        "Kompletterande utbildning efter byggvalidering",
        EducationForm.EMPLOYER_TRAINING,
        ("7111", "7113"),
        ("byn-bygg",),
        "Moduler som valideringsintyget visar att du behöver, innan bedömning för yrkesbevis.",
    ),
    "ecy-el": EducationPlan(
        "Kompletterande elteknik efter ECY-validering",
        EducationForm.EMPLOYER_TRAINING,
        ("7411",),
        ("ecy-el",),
        "Svenska installationsregler och elsäkerhet för elektriker med utländsk utbildning.",
    ),
    "tf-fordon": EducationPlan(
        "Kompletterande fordonsteknik efter validering",
        EducationForm.EMPLOYER_TRAINING,
        ("7231",),
        ("tf-fordon",),
        "De delar som valideringsintyget visar, fram till kvalifikationsbevis.",
    ),
}


@dataclass
class _Seed:
    """What one run draws and creates; everything is drawn, only missing rows are saved."""

    rng: random.Random
    today: date
    municipalities: list[Municipality]
    models: dict[str, ValidationModel]
    occupations: dict[str, Occupation]
    organisations: dict[str, Organisation]
    offers: list[Offer] = field(default_factory=list)
    educations: list[tuple[ComplementaryEducation, EducationPlan]] = field(default_factory=list)

    def organisation(
        self, name: str, *, kind: OrganisationKind, municipality: Municipality
    ) -> Organisation:
        organisation = self.organisations.get(name)
        if organisation is None:
            organisation = organisation_create(
                name=name, kind=kind, municipality=municipality, is_demo=True
            )
            self.organisations[name] = organisation
        return organisation

    def reviewed(self) -> date:
        # Most were reviewed in the last year; one in five 12–18 months ago (stale).
        if self.rng.random() < 0.8:
            return self.today - timedelta(days=self.rng.randint(3, 365))
        return self.today - timedelta(days=self.rng.randint(366, 545))

    def status(self, *, draft: float = 0.05, in_review: float = 0.02) -> PublicationStatus:
        roll = self.rng.random()
        if roll < draft:
            return PublicationStatus.DRAFT
        if roll < draft + in_review:
            return PublicationStatus.IN_REVIEW
        return PublicationStatus.PUBLISHED

    def languages(self, *, wide: bool) -> str:
        choices = LANGUAGES if wide else LANGUAGES[:2]
        return self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]

    def contact(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def address(self, municipality: Municipality) -> tuple[str, float, float]:
        street = f"{self.rng.choice(STREETS)} {self.rng.randint(1, 60)}"
        latitude = round(municipality.centroid_lat + self.rng.uniform(-0.02, 0.02), 5)
        longitude = round(municipality.centroid_lon + self.rng.uniform(-0.03, 0.03), 5)
        return f"{street}, {municipality.name}", latitude, longitude


def komvux_name(municipality: Municipality) -> str:
    """The demo Komvux of a municipality: "Uppsala kommun, …", "Linköpings kommun, …"."""
    name = municipality.name
    owner = name if name[-1] in "aeiouyåäös" else f"{name}s"
    return f"{owner} kommun, Vuxenutbildningen (demo)"


def _email(local: str) -> str:
    folded = slugify(local.replace("å", "a").replace("ä", "a").replace("ö", "o"))
    return f"{folded[:60].strip('-').replace('-', '.')}@{EMAIL_DOMAIN}"


def _persona_komvux(seed: _Seed, vasteras: Municipality) -> Organisation:
    """The assessor persona's organisation provides Västerås's Komvux offers."""
    spec = next(org for org in DEMO_ORGANISATIONS if org.key == PERSONA_KOMVUX_KEY)
    existing = Organisation.objects.filter(org_number=spec.org_number, is_demo=True).first()
    if existing is None:
        existing = organisation_create(
            name=spec.name,
            kind=spec.kind,
            org_number=spec.org_number,
            municipality=vasteras,
            is_demo=True,
        )
    seed.organisations[spec.name] = existing
    return existing


def _cost(seed: _Seed, model: ValidationModel, *, komvux: bool) -> int | None:
    """The cost to the individual as the catalogue has it (see BRANCH_COST); None: not known."""
    if model.key in BRANCH_COST:
        low, high = BRANCH_COST[model.key]
        return seed.rng.randrange(low, high + 1, 500)
    if komvux or model.payer in {Payer.FREE_KOMVUX, Payer.EMPLOYER}:
        return 0
    return None


def _offer(
    seed: _Seed,
    *,
    model: ValidationModel,
    provider: Organisation,
    municipality: Municipality,
    external_id: str,
    description: str,
    eligibility: str,
    capacity: tuple[int, int],
    komvux: bool,
    at_workplace: bool = False,
    remote: bool = False,
    status: PublicationStatus | None = None,
) -> Offer:
    address, latitude, longitude = seed.address(municipality)
    cost = _cost(seed, model, komvux=komvux)
    offer = Offer(
        model=model,
        provider=provider,
        external_id=external_id,
        municipality=municipality,
        address="" if at_workplace else address,
        latitude=None if at_workplace else latitude,
        longitude=None if at_workplace else longitude,
        description=description,
        on_site=not at_workplace,
        remote=remote,
        at_workplace=at_workplace,
        languages=seed.languages(
            wide=komvux or model.key in {"ecy-el", "sry-stad", "siv-industri"}
        ),
        capacity_per_year=seed.rng.randint(*capacity),
        lead_time_weeks=seed.rng.choice((2, 3, 4, 4, 6, 8, 10, 12)),
        cost_to_individual=cost,
        eligibility=eligibility,
        contact_name=seed.contact(),
        contact_email=_email(
            f"validering {municipality.name}"
            if komvux
            else f"{provider.name.removesuffix(' (demo)')}"
        ),
        valid_from=VALID_FROM,
        status=status or seed.status(),
        last_reviewed=seed.reviewed(),
        is_demo=True,
    )
    seed.offers.append(offer)
    return offer


def _komvux_offers(seed: _Seed, providers: dict[str, Organisation]) -> dict[str, set[str]]:
    """Komvux validation per municipality; returns the areas each municipality offers."""
    offered: dict[str, set[str]] = {}
    for municipality in seed.municipalities:
        code = municipality.code
        size = size_class(code)
        provider = providers[code]
        offered[code] = set()
        for area in KOMVUX_AREAS:
            roll = seed.rng.random()
            chance = area.chance.get(size, 0.0)
            if area.industrial_boost and code in INDUSTRIAL:
                chance = max(chance, 0.85)
            wanted = code in area.only_in if area.only_in is not None else roll < chance
            if code == VASTERAS and area.model_key in {"komvux-vard-omsorg", "komvux-kock"}:
                wanted = True  # the persona's published offer and its draft (below)
            if not wanted or area.model_key not in seed.models:
                continue
            offered[code].add(area.model_key)
            status = None
            if code == VASTERAS:
                status = (
                    PublicationStatus.DRAFT
                    if area.model_key == "komvux-kock"
                    else PublicationStatus.PUBLISHED
                )
            _offer(
                seed,
                model=seed.models[area.model_key],
                provider=provider,
                municipality=municipality,
                external_id=f"demo-{area.model_key}-{code}",
                description=area.text,
                eligibility=area.eligibility,
                capacity=area.capacity[size],
                komvux=True,
                status=status,
            )
            if area.model_key == "komvux-vard-omsorg" and (
                size == "large" or (size == "medium" and seed.rng.random() < 0.4)
            ):
                _offer(
                    seed,
                    model=seed.models[area.model_key],
                    provider=provider,
                    municipality=municipality,
                    external_id=f"demo-{area.model_key}-{code}-arbetsplats",
                    description="Validering på arbetsplatsen för anställda i kommunens äldreomsorg "
                    "och hemtjänst; läraren bedömer i det dagliga arbetet.",
                    eligibility="Anställd inom vård och omsorg i kommunen; anmälan via chefen.",
                    capacity=(10, 40),
                    komvux=True,
                    at_workplace=True,
                    status=PublicationStatus.PUBLISHED if code == VASTERAS else None,
                )
    return offered


def _centre_offers(seed: _Seed) -> dict[str, Organisation]:
    """Branch test centres in the larger towns, and their visits to workplaces nearby."""
    by_code = {municipality.code: municipality for municipality in seed.municipalities}
    centres: dict[str, Organisation] = {}
    for town_code, groups in TOWN_CENTRES.items():
        town = by_code.get(town_code)
        if town is None:
            continue
        for group_key in groups:
            group = CENTRE_GROUPS[group_key]
            provider = seed.organisation(
                group.name.format(town=town.name),
                kind=OrganisationKind.EDUCATION_PROVIDER,
                municipality=town,
            )
            centres[f"{group_key}:{town_code}"] = provider
            for key in group.models:
                if key not in seed.models:
                    continue
                _offer(
                    seed,
                    model=seed.models[key],
                    provider=provider,
                    municipality=town,
                    external_id=f"demo-{key}-{town_code}",
                    description=BRANCH_TEXT.get(key, ""),
                    eligibility="Erfarenhet av yrket; arbetsgivaren eller Arbetsförmedlingen "
                    "bokar oftast valideringen.",
                    capacity=(10, 80),
                    komvux=False,
                    remote=key == "siv-industri",
                )
            for key in group.outreach:
                if key not in seed.models:
                    continue
                for other in seed.municipalities:
                    if other.code == town_code:
                        continue
                    km = haversine_km(
                        town.centroid_lat, town.centroid_lon, other.centroid_lat, other.centroid_lon
                    )
                    if km > group.radius_km or seed.rng.random() >= group.outreach_chance:
                        continue
                    _offer(
                        seed,
                        model=seed.models[key],
                        provider=provider,
                        municipality=other,
                        external_id=f"demo-{key}-{other.code}",
                        description=f"{BRANCH_TEXT.get(key, '')} Testcentret i {town.name} "
                        f"genomför valideringen på arbetsplatser i {other.name}.",
                        eligibility="Anställd hos ett företag i kommunen; arbetsgivaren bokar.",
                        capacity=(5, 30),
                        komvux=False,
                        at_workplace=True,
                    )
    return centres


def _education(
    seed: _Seed,
    plan: EducationPlan,
    *,
    provider: Organisation,
    municipality: Municipality,
    external_id: str,
    remote: bool | None = None,
    status: PublicationStatus | None = None,
) -> None:
    komvux = plan.form in {EducationForm.KOMVUX_COURSE, EducationForm.YRKESPAKET}
    count = seed.rng.randint(1, 4) if komvux else seed.rng.randint(1, 2)
    starts = sorted(seed.rng.sample(START_DATES, count))
    pace = seed.rng.choice((100, 100, 75, 50, 50, 25)) if komvux else 100
    is_remote = seed.rng.random() < 0.25 if remote is None else remote
    education = ComplementaryEducation(
        title=plan.title,
        provider=provider,
        external_id=external_id,
        municipality=municipality,
        form=plan.form,
        code="",  # no invented course codes (see DOMAIN.md §3 on Gy25)
        description=plan.description + (" Kursen går på distans." if is_remote else ""),
        start_dates=starts,
        pace_percent=pace,
        remote=is_remote,
        valid_from=VALID_FROM,
        status=status or seed.status(draft=0.04, in_review=0.01),
        last_reviewed=seed.reviewed(),
        is_demo=True,
    )
    seed.educations.append((education, plan))


def _komvux_education(
    seed: _Seed, providers: dict[str, Organisation], offered: dict[str, set[str]]
) -> None:
    for municipality in seed.municipalities:
        code = municipality.code
        size = size_class(code)
        provider = providers[code]
        for area_key in sorted(offered[code]):
            plans = KOMVUX_COURSES.get(area_key, ())
            if area_key == "komvux-vard-omsorg":
                count = {"large": 4, "medium": 2, "small": 1}[size]
                chosen = seed.rng.sample(plans, count)
                if size != "small":
                    chosen.append(
                        EducationPlan(
                            "Yrkespaket Undersköterska",
                            EducationForm.YRKESPAKET,
                            VO_SSYK,
                            VO,
                            "Hela vård- och omsorgsutbildningen i paket; efter validering läser "
                            "du bara kurserna som återstår.",
                        )
                    )
            else:
                # One package or course per area, and not everywhere.
                pick = seed.rng.choice(plans) if plans else None
                chosen = [pick] if pick is not None and seed.rng.random() < 0.75 else []
            for plan in chosen:
                _education(
                    seed,
                    plan,
                    provider=provider,
                    municipality=municipality,
                    external_id=f"demo-{slugify(plan.title)}-{code}",
                    status=PublicationStatus.PUBLISHED if code == VASTERAS else None,
                )


def _other_education(seed: _Seed, centres: dict[str, Organisation]) -> None:
    by_code = {municipality.code: municipality for municipality in seed.municipalities}
    for town_code, plan in YH_PROGRAMMES:
        town = by_code[town_code]
        provider = seed.organisation(
            f"Yrkeshögskolan {town.name} (demo)",
            kind=OrganisationKind.EDUCATION_PROVIDER,
            municipality=town,
        )
        _education(
            seed,
            plan,
            provider=provider,
            municipality=town,
            external_id=f"demo-{slugify(plan.title)}",
        )
    amu = seed.organisation(
        "Arbetsmarknadsutbildning Östra Mellansverige (demo)",
        kind=OrganisationKind.EDUCATION_PROVIDER,
        municipality=by_code[VASTERAS],
    )
    for town_code, plan in LABOUR_MARKET:
        _education(
            seed,
            plan,
            provider=amu,
            municipality=by_code[town_code],
            external_id=f"demo-{slugify(plan.title)}-{town_code}",
            remote=False,
        )
    for centre_key, provider in sorted(centres.items()):
        group_key, town_code = centre_key.split(":")
        for model_key in CENTRE_GROUPS[group_key].models:
            complement = BRANCH_COMPLEMENTS.get(model_key)
            if complement is not None and seed.rng.random() < 0.6:
                _education(
                    seed,
                    complement,
                    provider=provider,
                    municipality=by_code[town_code],
                    external_id=f"demo-{slugify(complement.title)}-{town_code}",
                    remote=False,
                )


def _fill_white_spots(seed: _Seed, providers: dict[str, Organisation]) -> None:
    """Every municipality gets at least one published row: where nothing else is, its Komvux
    offers the first vård course at a distance (many small huvudmän buy it from a neighbour)."""
    covered = {
        offer.municipality.code
        for offer in seed.offers
        if offer.status == PublicationStatus.PUBLISHED
    } | {
        education.municipality.code
        for education, _ in seed.educations
        if education.status == PublicationStatus.PUBLISHED
    }
    plan = KOMVUX_COURSES["komvux-vard-omsorg"][0]
    for municipality in seed.municipalities:
        if municipality.code not in covered:
            _education(
                seed,
                plan,
                provider=providers[municipality.code],
                municipality=municipality,
                external_id=f"demo-{slugify(plan.title)}-{municipality.code}-distans",
                remote=True,
                status=PublicationStatus.PUBLISHED,
            )


def _unique[T: Offer | ComplementaryEducation](rows: Iterable[T]) -> None:
    """Two drawn rows with the same provider and id would be a bug in the tables above."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.provider.name, row.external_id)
        if key in seen:
            raise RuntimeError(f"Demo atlas: {key} drawn twice")
        seen.add(key)


def _save_offers(offers: Sequence[Offer], existing: set[tuple[int, str]]) -> int:
    _unique(offers)
    new = [offer for offer in offers if (offer.provider.pk, offer.external_id) not in existing]
    for offer in new:
        offer.search_stems = offer_stems(offer)  # relations are in memory: no queries
    for offer in new:
        _date_publication(offer)
    bulk_create_with_history(new, Offer, batch_size=500)
    return len(new)


# Offers were published over the seed project's period and the platform's life after it: from
# December 2022 to the end of November 2026 (or today, if that is earlier), each on a working
# day, its history row dated then, so that "offers published" on a past day counts them.
PUBLISHED_FROM = date(2022, 12, 1)
PUBLISHED_UNTIL = date(2026, 11, 30)


def _date_publication(offer: Offer) -> None:
    """Give `offer` its day of publication, drawn from its own key (the same every run)."""
    until = min(PUBLISHED_UNTIL, timezone.localdate() - timedelta(days=7))
    span = (until - PUBLISHED_FROM).days
    key = f"{offer.provider.name}/{offer.external_id}".encode()
    day = working_day_from(PUBLISHED_FROM + timedelta(days=zlib.crc32(key) % span))
    offer.valid_from = day
    offer._history_date = timezone.make_aware(datetime.combine(day, time(10, 0)))  # type: ignore[attr-defined]


def _save_educations(
    seed: _Seed,
    rows: Iterable[tuple[ComplementaryEducation, EducationPlan]],
    existing: set[tuple[int, str]],
) -> int:
    rows = list(rows)
    _unique(row for row, _ in rows)
    new = [(row, plan) for row, plan in rows if (row.provider.pk, row.external_id) not in existing]
    if not new:
        return 0
    bulk_create_with_history([row for row, _ in new], ComplementaryEducation, batch_size=500)
    saved = {
        (row.provider.pk, row.external_id): row.pk
        for row in ComplementaryEducation.objects.filter(is_demo=True).only(
            "pk", "provider", "external_id"
        )
    }
    occupation_links = ComplementaryEducation.occupations.through
    model_links = ComplementaryEducation.closes_gaps_of.through
    occupation_rows = []
    model_rows = []
    new_ids = []
    for row, plan in new:
        pk = saved[(row.provider.pk, row.external_id)]
        new_ids.append(pk)
        occupation_rows += [
            occupation_links(complementaryeducation_id=pk, occupation_id=seed.occupations[code].pk)
            for code in dict.fromkeys(plan.occupations)
            if code in seed.occupations
        ]
        model_rows += [
            model_links(complementaryeducation_id=pk, validationmodel_id=seed.models[key].pk)
            for key in dict.fromkeys(plan.closes_gaps_of)
            if key in seed.models
        ]
    occupation_links.objects.bulk_create(occupation_rows, batch_size=1000)
    model_links.objects.bulk_create(model_rows, batch_size=1000)
    # Stems need the occupations just linked, so they are computed from the saved rows.
    changed = []
    for education in (
        ComplementaryEducation.objects.filter(pk__in=new_ids)
        .select_related("provider", "municipality__county")
        .prefetch_related("occupations")
    ):
        education.search_stems = education_stems(education)
        changed.append(education)
    ComplementaryEducation.objects.bulk_update(changed, ["search_stems"], batch_size=500)
    return len(new)


def demo_atlas_seed() -> tuple[int, int]:
    """Create the demo atlas rows that do not exist yet; returns (offers, education) created."""
    municipalities = list(Municipality.objects.select_related("county").order_by("code"))
    if not municipalities:
        return (0, 0)
    models = {
        model.key: model
        for model in ValidationModel.objects.select_related("branch").prefetch_related(
            "occupations"
        )
    }
    seed = _Seed(
        rng=random.Random(SEED),  # noqa: S311  (demo data, not security)
        today=timezone.localdate(),
        municipalities=municipalities,
        models=models,
        occupations={o.code: o for o in Occupation.objects.unit_groups()},
        organisations={o.name: o for o in Organisation.objects.filter(is_demo=True)},
    )
    with transaction.atomic():
        figures_data_changed()  # the offers and education go in in bulk
        providers: dict[str, Organisation] = {}
        for municipality in municipalities:
            if municipality.code == VASTERAS:
                providers[municipality.code] = _persona_komvux(seed, municipality)
            else:
                providers[municipality.code] = seed.organisation(
                    komvux_name(municipality),
                    kind=OrganisationKind.MUNICIPALITY,
                    municipality=municipality,
                )
        offered = _komvux_offers(seed, providers)
        centres = _centre_offers(seed)
        _komvux_education(seed, providers, offered)
        _other_education(seed, centres)
        _fill_white_spots(seed, providers)
        existing_offers = set(
            Offer.objects.filter(is_demo=True).values_list("provider_id", "external_id")
        )
        existing_educations = set(
            ComplementaryEducation.objects.filter(is_demo=True).values_list(
                "provider_id", "external_id"
            )
        )
        offers = _save_offers(seed.offers, existing_offers)
        educations = _save_educations(seed, seed.educations, existing_educations)
    return (offers, educations)
