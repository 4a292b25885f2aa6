"""The named demo personas, shared by `seed_demo`, the tests and the README.

Their password is published, so `EmailBackend` refuses them unless demo logins are enabled
(DEBUG on, or VALNAV_DEMO_LOGINS=1).
"""

from __future__ import annotations

from dataclasses import dataclass

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.core.permissions import Role

DEMO_PASSWORD = "valnav-demo-2026"  # noqa: S105  (published on purpose; see module docstring)
DEMO_EMAIL_DOMAIN = "valnav.example"


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: OrganisationKind
    municipality_code: str
    org_number: str = ""


@dataclass(frozen=True)
class Persona:
    key: str
    full_name: str
    organisation: str | None
    role: Role | None
    description: str

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_EMAIL_DOMAIN}"


# Organisationsnummer in group 4, which no organisation has (valnav.demo.identities), so the
# demo never signs in a real authority's name, and every name says "(demo)". The regions are the
# real project's parties (demo.governance) under demo names. Code finds a demo organisation by
# its key through its organisationsnummer (`demo_organisation`), never by its name.
DEMO_ORGANISATIONS = [
    DemoOrganisation(
        "region-vastmanland",
        "Region Västmanland (demo)",
        OrganisationKind.REGION,
        "1980",
        "402100-0015",
    ),
    DemoOrganisation(
        "region-sormland", "Region Sörmland (demo)", OrganisationKind.REGION, "0480", "402100-0023"
    ),
    DemoOrganisation(
        "region-uppsala", "Region Uppsala (demo)", OrganisationKind.REGION, "0380", "402100-0031"
    ),
    DemoOrganisation(
        "region-orebro", "Region Örebro län (demo)", OrganisationKind.REGION, "1880", "402100-0049"
    ),
    DemoOrganisation(
        "region-ostergotland",
        "Region Östergötland (demo)",
        OrganisationKind.REGION,
        "0580",
        "402100-0056",
    ),
    DemoOrganisation(
        "vasteras-komvux",
        "Västerås stad, Vuxenutbildningen (demo)",
        OrganisationKind.MUNICIPALITY,
        "1980",
        "402000-0024",
    ),
    DemoOrganisation(
        "orebro-vagledning",
        "Örebro kommun, Vuxenutbildning och vägledning (demo)",
        OrganisationKind.MUNICIPALITY,
        "1880",
        "402000-0032",
    ),
    DemoOrganisation(
        "af-vasteras",
        "Arbetsförmedlingen Västerås (demo)",
        OrganisationKind.PUBLIC_EMPLOYMENT_SERVICE,
        "1980",
        "402000-0040",
    ),
    DemoOrganisation(
        "bygg-linkoping",
        "Byggföretaget Östgöta Bygg AB (demo)",
        OrganisationKind.EMPLOYER,
        "0580",
        "402000-0057",
    ),
]
DEMO_ORGANISATIONS_BY_KEY = {spec.key: spec for spec in DEMO_ORGANISATIONS}

PERSONAS = [
    Persona(
        "admin",
        "Alva Administratör",
        "region-vastmanland",
        Role.ADMINISTRATOR,
        "Administrator: the admin site, accounts and reference data.",
    ),
    Persona(
        "rua_vastmanland",
        "Rasmus Regionstrateg",
        "region-vastmanland",
        Role.REGIONAL_STRATEGIST,
        "Regional strategist (RUA) at Region Västmanland.",
    ),
    Persona(
        "assessor_vasteras_komvux",
        "Bodil Bedömare",
        "vasteras-komvux",
        Role.ASSESSOR,
        "Assessor at Komvux in Västerås.",
    ),
    Persona(
        "counsellor_orebro",
        "Vera Vägledare",
        "orebro-vagledning",
        Role.GUIDANCE_COUNSELLOR,
        "Guidance counsellor in Örebro.",
    ),
    Persona(
        "communicator_vastmanland",
        "Kim Kommunikatör",
        "region-vastmanland",
        Role.COMMUNICATOR,
        "Communicator in the project.",
    ),
    Persona(
        "project_manager",
        "Pia Projektledare",
        "region-vastmanland",
        Role.PROJECT_MANAGER,
        "Main project manager (huvudprojektledare).",
    ),
    Persona(
        "employer_linkoping",
        "Erik Arbetsgivare",
        "bygg-linkoping",
        Role.EMPLOYER_REPRESENTATIVE,
        "Employer representative at a construction firm in Linköping.",
    ),
    Persona(
        "outsider",
        "Olle Utomstående",
        None,
        None,
        "Logged in, but no role in any organisation.",
    ),
]

PERSONAS_BY_KEY = {persona.key: persona for persona in PERSONAS}


def demo_organisation(key: str) -> Organisation:
    """The seeded demo organisation of `key` ("region-vastmanland", …), found by its
    organisationsnummer, which stays when a name is corrected. Raises DoesNotExist if
    demo_accounts_seed has not run."""
    return Organisation.objects.get(
        org_number=DEMO_ORGANISATIONS_BY_KEY[key].org_number, is_demo=True
    )
