"""Demo information material: a guide per target group in Swedish, the individual's guide also
in English, lättläst and Arabic, and one success story. Written from the project's domain
facts (docs: /work/shared/DOMAIN.md) with their sources named in the texts; marked as demo.

Idempotent: a text whose address name (slug) exists is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from valnav.accounts.models import Organisation, User
from valnav.accounts.personas import DEMO_ORGANISATIONS_BY_KEY
from valnav.core.audiences import TargetGroup
from valnav.demo.dates import working_day_from
from valnav.outreach.models import LATTLAST, Material, MaterialKind
from valnav.outreach.services import (
    MaterialData,
    material_create,
    material_publish,
    material_translate,
)
from valnav.taxonomy.models import Branch

WRITER = "communicator_vastmanland@valnav.example"
PUBLISHER_ORGANISATION = "region-vastmanland"  # a key of accounts.personas.DEMO_ORGANISATIONS


@dataclass(frozen=True)
class DemoVariant:
    language: str
    slug: str
    title: str
    summary: str
    body: str


@dataclass(frozen=True)
class DemoText:
    slug: str
    kind: MaterialKind
    title: str
    summary: str
    body: str
    target_groups: tuple[TargetGroup, ...]
    branch: str = ""
    variants: tuple[DemoVariant, ...] = field(default_factory=tuple)


INDIVIDUAL_SV = """\
## Vad är validering?

Validering är ett sätt att få det du kan synligt och erkänt, oavsett var eller hur du har lärt
dig det: i arbetet, i skolan, i ett annat land eller på fritiden. Sedan 2023 finns en gemensam
definition i valideringsförordningen (SFS 2022:1549): validering är *en strukturerad process som
innehåller en fördjupad kartläggning och en bedömning, och som syftar till ett erkännande av en
persons kunnande oavsett hur det har förvärvats*. Med kunnande menas kunskaper, färdigheter samt
ansvar och självständighet.

## Stegen i en validering

1. **Information och vägledning.** En studie- och yrkesvägledare i din kommun eller hos
   Arbetsförmedlingen hjälper dig att se vilken väg som passar dig.
2. **Inledande kartläggning.** En första överblick över vad du kan. Din hemkommun ska erbjuda
   den inom Komvux till alla som vill få sitt kunnande kartlagt (skollagen 20 kap. 7 a §).
3. **Fördjupad kartläggning.** Ditt kunnande dokumenteras så att det kan bedömas mot en
   standard, till exempel en kurs i Komvux eller en branschs krav.
4. **Bedömning.** En bedömare jämför det du kan med standarden, ofta genom praktiska moment.
5. **Erkännande.** Du får ett dokument som visar vad du kan: ett intyg, ett betyg efter
   prövning, ett branschintyg, ett yrkesbevis eller ett certifikat.
6. **Kompletterande utbildning.** Saknas något läser du bara det som fattas, inte hela
   utbildningen. Därefter kan du bedömas igen.

## Två vanliga vägar

**I Komvux** bedöms du mot kurser. Du får ett intyg som rektorn skriver under och som visar
vilka kurser du helt eller delvis klarar. Vill du ha betyg görs en prövning.

**Branschvalidering** ägs av arbetsmarknadens parter i en bransch, till exempel bygg, el,
industri, hotell och restaurang eller fastighet. Resultatet kan vara ett yrkesbevis eller ett
certifikat som arbetsgivarna i branschen känner igen. Enligt Myndigheten för
yrkeshögskolan betalar den enskilde sällan själv, och branschen ordnar ofta den kompletterande
utbildningen.

## Så kommer du i gång

- Sök efter validering nära dig under **Hitta validering** här på Valnav.
- Kontakta Komvux eller studie- och yrkesvägledningen i din kommun.
- Är du inskriven hos Arbetsförmedlingen: fråga din handläggare om validering.

*Källor: valideringsförordningen (SFS 2022:1549); skollagen (2010:800) 20 kap.; Skolverket,
"Validering och kartläggning inom komvux"; Myndigheten för yrkeshögskolan (fragor.myh.se).*
"""

INDIVIDUAL_EN = """\
## What is validation?

Validation (*validering*) makes what you know visible and recognised, however you learned it:
at work, at school, in another country or in your free time. Since 2023 Sweden has one
definition in the Validation Ordinance (SFS 2022:1549): a structured process with an in-depth
mapping and an assessment, aiming at recognition of a person's knowledge and skills regardless
of how they were acquired.

## The steps

1. **Information and guidance** from a guidance counsellor in your municipality or at
   Arbetsförmedlingen (the Public Employment Service).
2. **Initial mapping** (*inledande kartläggning*): your home municipality must offer it within
   Komvux, municipal adult education (Education Act, chapter 20, section 7 a).
3. **In-depth mapping** (*fördjupad kartläggning*): your knowledge is documented so that it can
   be assessed against a standard.
4. **Assessment** (*bedömning*) against a course or an industry's requirements.
5. **Recognition**: a certificate (*intyg*) signed by the principal, a grade after a test
   (*prövning*), or an industry document such as a *yrkesbevis* or a certificate.
6. **Complementary education** for what is missing, and only that.

## Where to start

Search for validation near you under **Find validation** on Valnav, or contact Komvux or the
guidance service in your municipality.

*Sources: SFS 2022:1549; Education Act (2010:800) ch. 20; Skolverket; Swedish National Agency
for Higher Vocational Education (MYH).*
"""

INDIVIDUAL_LATTLAST = """\
## Vad är validering?

Du kan saker. Du kanske har lärt dig dem på jobbet. Eller i ett annat land.
Validering betyder att någon kontrollerar vad du kan.
Sedan får du ett papper som visar det.

## Så går det till

1. Du pratar med en vägledare i din kommun.
2. Ni går igenom vad du kan. Det kallas kartläggning.
3. En bedömare kontrollerar vad du kan. Det kallas bedömning.
4. Du får ett papper, till exempel ett intyg eller ett yrkesbevis.
5. Saknar du något? Då läser du bara det som fattas.

## Vem kan hjälpa dig?

- Komvux i din kommun.
- En studie- och yrkesvägledare.
- Arbetsförmedlingen.

Din kommun måste hjälpa dig att ta reda på vad du kan.
Det står i skollagen.
"""

INDIVIDUAL_AR = """\
## ما هو التحقق من الكفاءات؟

التحقق من الكفاءات (validering) عملية منظمة تتضمن رسماً معمقاً لمعارفك ومهاراتك
(kartläggning) ثم تقييماً لها (bedömning)، بهدف الاعتراف بما تعرفه، بغض النظر عن المكان
أو الطريقة التي تعلمته بها. هذا هو التعريف الوارد في اللائحة السويدية للتحقق (SFS 2022:1549).

## الخطوات

1. **المعلومات والإرشاد**: تحدّث مع مرشد دراسي ومهني في بلديتك.
2. **الرسم الأولي للكفاءات**: يجب على بلدية سكنك أن تقدّمه لك في تعليم الكبار (Komvux).
3. **الرسم المعمّق والتقييم**: يقارن مقيّم ما تعرفه بمعيار، مثل مقررات الدراسة أو متطلبات المهنة.
4. **الاعتراف**: تحصل على وثيقة، مثل إفادة (intyg) أو شهادة مهنية (yrkesbevis).
5. **التعليم التكميلي**: تدرس فقط ما ينقصك.

## من أين تبدأ؟

اتصل بتعليم الكبار (Komvux) في بلديتك أو بمكتب التوظيف (Arbetsförmedlingen).
"""

EMPLOYER_SV = """\
## Validering synliggör kompetensen ni redan har

Många medarbetare kan mer än deras betyg och intyg visar. Validering är en strukturerad
process, med en fördjupad kartläggning och en bedömning, som leder till ett erkännande av
kunnandet oavsett hur det har förvärvats (valideringsförordningen, SFS 2022:1549). För en
arbetsgivare betyder det att kompetens som finns i verksamheten blir dokumenterad mot en
standard som andra också känner igen.

## Vad arbetsgivaren vinner

- **Rätt utbildning, inte all utbildning.** Bedömningen visar vad som saknas, så
  kompletterande utbildning kan riktas mot just det. Medarbetaren är borta kortare tid.
- **Snabbare rekrytering.** En sökande med ett branschintyg, yrkesbevis eller certifikat är
  lättare att bedöma, också när erfarenheten kommer från ett annat land.
- **Kompetensförsörjning i bristyrken.** Validering är ett sätt att få fram den kompetens som
  saknas, särskilt i yrken där Arbetsförmedlingens prognoser visar brist.
- **Motiverade medarbetare.** Ett erkännande av det man kan är ofta början på fortsatt lärande.

## Branschvalidering

Flera branscher har egna valideringsmodeller som ägs av arbetsgivare och fack tillsammans.
Några exempel: Byggbranschens Yrkesnämnd (BYN) med yrkesbevis inom 15 yrken,
Elbranschens Centrala Yrkesnämnd (ECY) för elektriker, Svensk Industrivalidering för bland
annat svets, CNC och automation, samt Utbildningsrådet för hotell och restaurang (UHR).
Enligt Myndigheten för yrkeshögskolan betalar den enskilde sällan, och branschen ordnar ofta
den kompletterande utbildningen. År 2018 fanns ett 25-tal branschmodeller för omkring 140
yrkesroller.

## Så kommer ni i gång

1. Ta reda på vilken modell som gäller i er bransch; sök under **Hitta validering**.
2. Kontakta Komvux i kommunen om det gäller kurser inom vuxenutbildningen.
3. Prata med projektets regionala kontakt för hjälp att hitta rätt väg.

*Källor: SFS 2022:1549; Myndigheten för yrkeshögskolan (fragor.myh.se); ya-delegationen.se;
byn.se; ecy.com; teknikforetagen.se; uhr.nu.*
"""

COUNSELLOR_SV = """\
## Begreppen

Valideringsdelegationens begreppslista skiljer mellan:

- **Inledande kartläggning**: en överblick utan standard (kompetenskartläggning).
- **Fördjupad kartläggning**: kunnandet dokumenteras så att det kan bedömas mot en standard.
- **Formell bedömning**: kontroll mot en kompetensstandard som leder till ett formellt intyg
  eller beslut. En **icke-formell bedömning** ger inget formellt resultat.

Från 2023 är validering i valideringsförordningen (SFS 2022:1549) och skollagen den fördjupade
kartläggningen och bedömningen som leder till erkännande; den inledande kartläggningen ligger
före själva valideringen.

## Vägledarens roll i processen

1. **Information och vägledning**: vilka vägar finns, vad kostar de, hur lång tid tar de?
2. **Inledande kartläggning** inom Komvux: hemkommunen ska erbjuda den (skollagen 20 kap. 7 a §).
   Resultatet förs in i den individuella studieplanen.
3. **Rätt väg**: validering mot kurser i Komvux, branschvalidering mot en branschs krav eller
   validering inom yrkeshögskola och högskola.
4. **Efter bedömningen**: hjälp med kompletterande utbildning för det som saknas.

## Att tänka på

- Ett **intyg** från Komvux beskriver kunnandet mot kurs- och ämnesplaner. Ett **betyg**
  kräver prövning.
- Från den 1 juli 2025 ersätter **ämnesbetyg** kursbetyg på gymnasial nivå (Gy25). Kurser som
  redan har påbörjats kan avslutas med kursbetyg till och med den 30 juni 2030.
- Branschernas dokument heter olika: branschintyg, yrkesbevis, kompetensbevis, certifikat,
  gesällbrev.

*Källor: Valideringsdelegationen, begreppslista; SFS 2022:1549; skollagen 20 kap.; Skolverket,
"Validering och kartläggning inom komvux" och "Övergången till Gy25 inom komvux".*
"""

PROVIDER_SV = """\
## Det här gäller sedan 2023

Genom propositionen 2021/22:123 *Validering för kompetensförsörjning och livslångt lärande*
ändrades skollagen och förordningen om vuxenutbildning. Ändringarna gäller från den
1 januari 2023.

- **Inledande kartläggning**: hemkommunen ska erbjuda den till den som vill få sitt kunnande
  kartlagt inför utbildning eller prövning (skollagen 20 kap. 7 a §).
- **Validering**: huvudmannen ska se till att en elev som behöver validering erbjuds det.

## Valideringen i Komvux, steg för steg

Skolverket beskriver valideringen i Komvux i två steg: **fördjupad kartläggning** och
**bedömning**. Läraren informerar eleven om processen, tidsplanen, vilken dokumentation som
ges och om möjligheten till kompletterande utbildning.

## Dokumentationen

Resultatet dokumenteras i ett **intyg** som rektorn skriver under. Intyget beskriver
kunnandet mot kurs- och ämnesplanerna och anger vilka kurser som helt eller delvis motsvaras
(skollagen 20 kap. 43–45 §§, formatet i SKOLFS 2014:120). Ett **betyg** kräver **prövning**
(4 kap. 24 § förordningen om vuxenutbildning).

## Kompletterande utbildning och yrkesvux

Det som saknas kan läsas som kompletterande utbildning, ofta inom yrkesvux. Inom projektet
väljs under andra halvan två till fyra branscher med koppling till smart specialisering,
regionala styrkeområden eller bristyrken för fördjupat arbete.

## Gy25

Från den 1 juli 2025 ersätter ämnesbetyg kursbetyg på gymnasial nivå. Påbörjade kurser kan
avslutas med kursbetyg till och med den 30 juni 2030. Tänk på att yrkespaket påverkas.

*Källor: prop. 2021/22:123; skollagen (2010:800) 20 kap.; förordningen (2011:1108) om
vuxenutbildning; Skolverket, "Valideringsprocessen på komvux – lärarens roll" och
"Övergången till Gy25 inom komvux".*
"""

DECISION_MAKER_SV = """\
## Varför validering?

Validering gör kunnande synligt och användbart på arbetsmarknaden. Det kortar vägen till
arbete och utbildning, och det gör kompetensförsörjningen mer träffsäker: utbildning sätts in
där den behövs, inte där kunnandet redan finns.

## Ramarna

- **EU**: rådets rekommendation av den 20 december 2012 (2012/C 398/01) bad medlemsstaterna
  att senast 2018 ha ordningar för validering med fyra delar: identifiering, dokumentation,
  bedömning och certifiering. Europeiska riktlinjer finns i en tredje upplaga från 2023.
- **Sverige**: Valideringsdelegationens slutbetänkande SOU 2019:69 *Validering – för
  kompetensförsörjning och livslångt lärande*, och från 2023 valideringsförordningen
  (SFS 2022:1549) och nya bestämmelser i skollagen.

## Regionala strukturer i Östra Mellansverige

Projektet *Regionala strukturer för validering i Östra Mellansverige* är ett samverkansprojekt.
Region Västmanland är projektägare och stödmottagare; Region Sörmland, Region Uppsala, Region
Örebro län och Region Östergötland är samverkansparter. Det har fyra delmål:

1. Validering integreras i det regionala utvecklingsansvaret (RUA).
2. Likvärdig validering inom Komvux i regionens kommuner.
3. Branschvalidering och kompletterande utbildning (yrkesvux).
4. Information och kommunikation till regionens målgrupper.

## Koppling till smart specialisering

ÖMS gemensamma utmaningsområden är smart industri, morgondagens energilösningar, hållbar
livsmedelsförsörjning samt life science, välfärdsteknik och e-hälsa. Validering inom
branscher med koppling till dessa områden och till bristyrken stärker regionens
konkurrenskraft.

## Om nyttan i siffror

Det finns få svenska beräkningar av valideringens samhällsekonomiska värde. En ungersk
kostnads–nyttoanalys (2023) fann att kostnaden för validering inom IT betalade sig på omkring
tre år. Siffror som dessa bör användas med försiktighet och med källan angiven.

*Källor: 2012/C 398/01; Cedefop; SOU 2019:69; SFS 2022:1549; projektbeskrivningen
(Dnr 22RS8988); regionvastmanland.se; Budapest Institute (2023).*
"""

BRANCH_VALIDATION_SV = """\
## Branschvalidering i Östra Mellansverige

Många branscher har egna modeller för att validera yrkeskunnande: bygg, el, industri, fordon,
vård och omsorg, hotell och restaurang med flera. Modellen ägs av branschens parter, ofta i en
yrkesnämnd, och slutar i branschens eget dokument: branschintyg, yrkesbevis, certifikat eller
kvalifikationsbevis. Myndigheten för yrkeshögskolan håller en karta över modellerna.

## Det projektet vill göra tillsammans med er

Projektets tredje delmål är att branschvalideringsmodeller och strukturer ska användas mer.
Projektbeskrivningen konstaterar att arbetsgivare ofta känner till modellerna dåligt och att det
ibland saknas kompletterande utbildning efter en validering. Därför vill projektet:

- kartlägga vilka modeller som finns och var testcenter och bedömare finns i regionen,
- ordna erfarenhetsutbyte mellan branschvalideringsaktörer, regionernas utvecklingsansvariga,
  utbildningsanordnare, arbetstagarorganisationer och Arbetsförmedlingen,
- undersöka hur branschvalidering kan kopplas till kompletterande utbildning i yrkesvux.

## I Valnav

Er modell beskrivs i katalogen med steg, kriterier, dokument och källor. Testcenter och
anordnare kan lägga in erbjudanden per kommun, och dokument som utfärdas i Valnav utfärdas i
modellägarens namn.

*Källor: projektbeskrivningen (Dnr 22RS8988), delmål 3; myh.se (Branschvalideringskartan).*
"""

BRANCH_VALIDATION_EN = """\
## Branch validation in East Middle Sweden

Many branches have their own models for validating vocational skills: construction,
electrical, manufacturing, vehicles, health and social care, hotels and restaurants and more.
A model is owned by the branch's parties, often through a trade board (*yrkesnämnd*), and ends
in the branch's own document: a branch certificate, *yrkesbevis*, certificate or qualification
certificate. The Swedish National Agency for Higher Vocational Education (MYH) keeps a map of
the models.

## What the project wants to do with you

The project's third objective is that branch validation models and structures are used more.
The project description notes that employers often know little about the models and that
complementary education after a validation is sometimes missing. The project therefore wants to:

- map the models and where test centres and assessors are found in the region,
- arrange exchanges between branch validation bodies, the regions' development units,
  education providers, trade unions and the Public Employment Service,
- look into how branch validation can be linked to complementary vocational adult education.

## In Valnav

Your model is described in the catalogue with its steps, criteria, documents and sources. Test
centres and providers can add offers per municipality, and documents issued in Valnav are
issued in the model owner's name.

*Sources: the project description (Dnr 22RS8988), objective 3; myh.se.*
"""

LABOUR_MARKET_PARTIES_SV = """\
## Validering och arbetsmarknadens parter

Branschvalideringen bygger på att arbetsgivar- och arbetstagarorganisationerna tillsammans
bestämmer vad en yrkesroll kräver. Parterna står bakom de flesta branschmodeller, ofta genom en
yrkesnämnd, och avgör vilka dokument som gäller i branschen.

## Varför det spelar roll

- **För medarbetaren**: kunnande från arbetet blir synligt och går att ta med till nästa
  arbetsgivare; det som saknas kan kompletteras i stället för att hela utbildningen görs om.
- **För arbetsplatsen**: rekrytering och kompetensutveckling kan utgå från vad människor redan
  kan, och lönesättning och omställning får ett gemensamt underlag.
- **För omställningen**: omställningsorganisationerna och omställningsstudiestödet gör
  validering till en del av vägen mellan jobb.

## Projektet och parterna

Projektbeskrivningen nämner representanter för arbetsmarknadens parter som målgrupp för
branschvalideringen (delmål 3) och arbetstagar- och arbetsgivarorganisationer bland de aktörer
projektet behöver samverka med. Projektet bjuder in parterna till erfarenhetsutbyten om hur
modellerna används i regionen och var de behöver utvecklas.

*Källa: projektbeskrivningen (Dnr 22RS8988), delmål 3 och indirekta målgrupper.*
"""

LABOUR_MARKET_PARTIES_EN = """\
## Validation and the labour-market parties

Branch validation rests on employers' and employees' organisations agreeing together what an
occupational role requires. The parties stand behind most branch models, often through a trade
board, and decide which documents count in the branch.

## Why it matters

- **For employees**: skills from work become visible and can be taken to the next employer;
  what is missing can be completed instead of redoing a whole education.
- **For workplaces**: recruitment and skills development can start from what people already
  know, and pay setting and transition get a shared basis.
- **For transition**: the transition organisations and the transition study support make
  validation part of the way between jobs.

## The project and the parties

The project description names representatives of the labour-market parties as a target group of
branch validation (objective 3), and employees' and employers' organisations among the actors
the project needs to work with. The project invites the parties to exchanges about how the
models are used in the region and where they need to develop.

*Source: the project description (Dnr 22RS8988), objective 3 and indirect target groups.*
"""

RUA_SV = """\
## Validering i det regionala utvecklingsansvaret

Regionerna leder det regionala kompetensförsörjningsarbetet: de fastställer mål och prioriteringar
och samordnar aktörerna. Projektets första delmål är att validering blir en naturlig del av det
arbetet, med långsiktiga resurser och en tydlig roll för de regionalt utvecklingsansvariga (RUA).

## Vad det innebär i praktiken

- **Styrdokument**: regionens strategier och handlingsplaner för kompetensförsörjning granskas ur
  valideringsperspektivet och anger vad regionen vill uppnå med validering.
- **Underlag**: efterfrågan på arbetsmarknaden (Arbetsförmedlingens yrkesbarometer), utbudet av
  valideringar per kommun och bransch, och var det saknas.
- **Samverkan**: regionen sammankallar kommunernas Komvux, branschernas valideringsaktörer,
  Arbetsförmedlingen och parterna.

## I Valnav

Regionstrategen ser utbud och efterfrågan per kommun, var valideringar saknas för bristyrken och
hur utvecklingen ser ut över tid, med siffror som går att ladda ned och källor angivna.

## Projektets parter

Region Västmanland är projektägare och stödmottagare; Region Sörmland, Region Uppsala, Region
Örebro län och Region Östergötland är samverkansparter med var sin delprojektledare.

*Källa: projektbeskrivningen (Dnr 22RS8988), delmål 1 och organisation.*
"""

RUA_EN = """\
## Validation in the regional development responsibility

The regions lead regional skills-supply work: they set goals and priorities and coordinate the
actors. The project's first objective is that validation becomes a natural part of that work,
with long-term resources and a clear role for the regional development units (RUA).

## What it means in practice

- **Policy documents**: the region's skills-supply strategies and action plans are reviewed from
  a validation perspective and say what the region wants validation to achieve.
- **Evidence**: labour-market demand (the Public Employment Service's occupational barometer),
  the supply of validation per municipality and branch, and where it is missing.
- **Cooperation**: the region convenes the municipalities' adult education, the branches'
  validation bodies, the Public Employment Service and the labour-market parties.

## In Valnav

The regional strategist sees supply and demand per municipality, where validation is missing for
shortage occupations and how things develop over time, with figures to download and sources
given.

## The project's parties

Region Västmanland is the project owner and grant recipient; Region Sörmland, Region Uppsala,
Region Örebro län and Region Östergötland are partners (*samverkansparter*), each with a
sub-project manager.

*Source: the project description (Dnr 22RS8988), objective 1 and organisation.*
"""

SUCCESS_STORY_SV = """\
*Exemplet är påhittat för att visa hur ett kommunicerbart exempel kan se ut.*

Samir arbetade i tolv år som svetsare i ett annat land men hade inga papper som svenska
arbetsgivare kände igen. Via Komvux i Västerås fick han en inledande kartläggning och
vägleddes vidare till branschvalidering.

## Vägen

1. **Kartläggning**: Samir och en vägledare gick igenom hans erfarenhet och vilka
   svetsmetoder han använt.
2. **Bedömning**: vid ett testcenter inom Svensk Industrivalidering provsvetsade han under
   två dagar.
3. **Erkännande**: han fick ett intyg över vad han klarade och vilka moment som återstod.
4. **Kompletterande utbildning**: fyra veckors kurs i rörsvetsning i stället för en hel
   utbildning.

## Resultatet

I dag arbetar Samir på ett verkstadsföretag i Västmanland. "Jag behövde inte börja om från
början", säger han. Arbetsgivaren fick en medarbetare vars kompetens var dokumenterad mot
branschens standard.
"""

TEXTS: tuple[DemoText, ...] = (
    DemoText(
        slug="validering-fa-det-du-kan-erkant",
        kind=MaterialKind.GUIDE,
        title="Validering – få det du kan erkänt",
        summary=(
            "Vad validering är, stegen från kartläggning till erkännande och kompletterande "
            "utbildning, och var du börjar."
        ),
        body=INDIVIDUAL_SV,
        target_groups=(TargetGroup.INDIVIDUAL,),
        variants=(
            DemoVariant(
                "en",
                "validation-get-what-you-know-recognised",
                "Validation – get what you know recognised",
                "What validation is, the steps from mapping to recognition and complementary "
                "education, and where to start.",
                INDIVIDUAL_EN,
            ),
            DemoVariant(
                LATTLAST,
                "validering-latt-att-lasa",
                "Validering – visa vad du kan",
                "Validering betyder att någon kontrollerar vad du kan. Sedan får du ett papper.",
                INDIVIDUAL_LATTLAST,
            ),
            DemoVariant(
                "ar",
                "validering-arabiska",
                "التحقق من الكفاءات: احصل على الاعتراف بما تعرفه",
                "التحقق يعني تقييم معارفك ومهاراتك والاعتراف بها، بغض النظر عن المكان أو "
                "الطريقة التي تعلمتها بها.",
                INDIVIDUAL_AR,
            ),
        ),
    ),
    DemoText(
        slug="validering-for-arbetsgivare",
        kind=MaterialKind.GUIDE,
        title="Validering för arbetsgivare",
        summary=(
            "Vad arbetsgivaren vinner på validering, hur branschvalidering fungerar och hur ni "
            "kommer i gång."
        ),
        body=EMPLOYER_SV,
        target_groups=(TargetGroup.EMPLOYER,),
    ),
    DemoText(
        slug="vagledning-till-validering",
        kind=MaterialKind.GUIDE,
        title="Vägledning till validering",
        summary="Begreppen, vägledarens roll i processen och vad som gäller i Komvux.",
        body=COUNSELLOR_SV,
        target_groups=(TargetGroup.GUIDANCE_COUNSELLOR,),
    ),
    DemoText(
        slug="validering-i-komvux",
        kind=MaterialKind.GUIDE,
        title="Validering i Komvux – huvudmannens ansvar",
        summary=(
            "Skyldigheterna sedan 2023, stegen fördjupad kartläggning och bedömning, intyg och "
            "betyg, kompletterande utbildning och Gy25."
        ),
        body=PROVIDER_SV,
        target_groups=(TargetGroup.EDUCATION_PROVIDER,),
    ),
    DemoText(
        slug="validering-for-regional-kompetensforsorjning",
        kind=MaterialKind.GUIDE,
        title="Validering för regional kompetensförsörjning",
        summary=(
            "Varför validering, EU:s och Sveriges ramar, projektets fyra delmål och kopplingen "
            "till smart specialisering."
        ),
        body=DECISION_MAKER_SV,
        target_groups=(TargetGroup.DECISION_MAKER,),
    ),
    DemoText(
        slug="branschvalidering-i-regionen",
        kind=MaterialKind.GUIDE,
        title="Branschvalidering i regionen",
        summary=(
            "För branschvalideringsaktörer: projektets delmål 3, erfarenhetsutbyte och "
            "kompletterande utbildning."
        ),
        body=BRANCH_VALIDATION_SV,
        target_groups=(TargetGroup.BRANCH_VALIDATION,),
        variants=(
            DemoVariant(
                "en",
                "branch-validation-in-the-region",
                "Branch validation in the region",
                "For branch validation bodies: the project's objective 3, exchanges and "
                "complementary education.",
                BRANCH_VALIDATION_EN,
            ),
        ),
    ),
    DemoText(
        slug="validering-och-arbetsmarknadens-parter",
        kind=MaterialKind.GUIDE,
        title="Validering och arbetsmarknadens parter",
        summary=(
            "Parternas roll i branschmodellerna och vad validering ger medarbetare och "
            "arbetsplatser."
        ),
        body=LABOUR_MARKET_PARTIES_SV,
        target_groups=(TargetGroup.LABOUR_MARKET_PARTIES,),
        variants=(
            DemoVariant(
                "en",
                "validation-and-the-labour-market-parties",
                "Validation and the labour-market parties",
                "The parties' role in the branch models and what validation gives employees and "
                "workplaces.",
                LABOUR_MARKET_PARTIES_EN,
            ),
        ),
    ),
    DemoText(
        slug="validering-i-regional-kompetensforsorjning-rua",
        kind=MaterialKind.GUIDE,
        title="Validering i det regionala utvecklingsansvaret",
        summary="För regionalt utvecklingsansvariga (RUA): styrdokument, underlag och samverkan.",
        body=RUA_SV,
        target_groups=(TargetGroup.REGIONAL_SKILLS_SUPPLY,),
        variants=(
            DemoVariant(
                "en",
                "validation-in-regional-skills-supply",
                "Validation in the regional development responsibility",
                "For the regional development units (RUA): policy documents, evidence and "
                "cooperation.",
                RUA_EN,
            ),
        ),
    ),
    DemoText(
        slug="fran-erfaren-svetsare-till-intyg",
        kind=MaterialKind.SUCCESS_STORY,
        title="Från erfaren svetsare till dokumenterad kompetens",
        summary=(
            "Samir hade tolv års erfarenhet men inga svenska papper. Med branschvalidering "
            "behövde han bara fyra veckors komplettering."
        ),
        body=SUCCESS_STORY_SV,
        target_groups=(TargetGroup.INDIVIDUAL, TargetGroup.EMPLOYER),
        branch="industri",
    ),
)


def demo_outreach_seed() -> int:
    """Create and publish the demo material that does not exist yet; the number created."""
    writer = User.objects.filter(email=WRITER).first()
    organisation = Organisation.objects.filter(
        org_number=DEMO_ORGANISATIONS_BY_KEY[PUBLISHER_ORGANISATION].org_number, is_demo=True
    ).first()
    if writer is None or organisation is None:
        return 0
    review_by = timezone.localdate() + datetime.timedelta(days=180)
    created = 0
    with transaction.atomic():
        for index, text in enumerate(TEXTS):
            written = _published_day(index)
            original = Material.objects.filter(slug=text.slug).first()
            if original is None:
                original = material_create(
                    actor=writer,
                    organisation=organisation,
                    data=MaterialData(
                        kind=text.kind,
                        title=text.title,
                        slug=text.slug,
                        summary=text.summary,
                        body=text.body,
                        language="sv",
                        target_groups=list(text.target_groups),
                        branch=Branch.objects.filter(key=text.branch).first()
                        if text.branch
                        else None,
                        review_by=review_by,
                    ),
                    is_demo=True,
                )
                material_publish(material=original, actor=writer)
                _date_publication(original, written)
                created += 1
            for variant in text.variants:
                if Material.objects.filter(slug=variant.slug).exists():
                    continue
                translated = material_translate(
                    material=original,
                    actor=writer,
                    language=variant.language,
                    title=variant.title,
                    summary=variant.summary,
                    body=variant.body,
                    slug=variant.slug,
                )
                material_publish(material=translated, actor=writer)
                _date_publication(translated, written + datetime.timedelta(weeks=3))
                created += 1
    return created


# The texts were written over the seed project's period and after it: one about every seventh
# week from February 2023, each translation three weeks after its original, on working days,
# never later than a week ago ("Information material published" counts them in the period).
FIRST_PUBLISHED = datetime.date(2023, 2, 1)


def _published_day(index: int) -> datetime.date:
    day = FIRST_PUBLISHED + datetime.timedelta(weeks=7 * index)
    return min(day, timezone.localdate() - datetime.timedelta(weeks=5))


def _date_publication(material: Material, day: datetime.date) -> None:
    """Date the demo material's publication `day` (a working day), 10 o'clock."""
    moment = datetime.datetime.combine(working_day_from(day), datetime.time(10, 0))
    Material.objects.filter(pk=material.pk).update(published_at=timezone.make_aware(moment))
