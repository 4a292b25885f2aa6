"""Demo data, idempotent and marked as demo everywhere it appears."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from valnav.accounts.models import Organisation, User
from valnav.accounts.personas import DEMO_ORGANISATIONS, DEMO_PASSWORD, PERSONAS
from valnav.accounts.services import membership_grant, organisation_create, user_create
from valnav.places.models import Municipality


@dataclass
class SeedCounts:
    organisations: int = 0
    users: int = 0


def demo_accounts_seed() -> SeedCounts:
    """Create the demo organisations and personas that do not exist yet."""
    counts = SeedCounts()
    with transaction.atomic():
        municipalities = {m.code: m for m in Municipality.objects.all()}
        organisations: dict[str, Organisation] = {}
        for spec in DEMO_ORGANISATIONS:
            existing = Organisation.objects.filter(org_number=spec.org_number, is_demo=True).first()
            if existing is None:
                existing = organisation_create(
                    name=spec.name,
                    kind=spec.kind,
                    org_number=spec.org_number,
                    municipality=municipalities.get(spec.municipality_code),
                    is_demo=True,
                )
                counts.organisations += 1
            organisations[spec.key] = existing
        for persona in PERSONAS:
            user = User.objects.filter(email=persona.email).first()
            if user is None:
                user = user_create(
                    email=persona.email,
                    full_name=persona.full_name,
                    password=DEMO_PASSWORD,
                    is_demo=True,
                )
                counts.users += 1
            if persona.organisation and persona.role:
                membership_grant(
                    user=user, organisation=organisations[persona.organisation], role=persona.role
                )
    return counts
