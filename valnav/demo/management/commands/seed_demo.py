"""Create demo organisations, personas and (as the platform grows) demo content; idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS
from valnav.demo.atlas import demo_atlas_seed
from valnav.demo.casework import seed_cases
from valnav.demo.credentials import OUT_DIR, seed_credentials
from valnav.demo.demand import seed_demand
from valnav.demo.events import seed_events
from valnav.demo.governance import seed_governance
from valnav.demo.networks import seed_networks
from valnav.demo.outreach import demo_outreach_seed
from valnav.demo.services import demo_accounts_seed
from valnav.places.models import Municipality


class Command(BaseCommand):
    help = "Load demo data (marked as demo) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Municipality.objects.exists():
            raise CommandError("Run `manage.py import_reference` first: demo data needs places.")
        counts = demo_accounts_seed()
        offers, educations = demo_atlas_seed()
        cases = seed_cases()
        documents = seed_credentials()
        self.stdout.write(f"Demo demand observations: {seed_demand()} created.")
        self.stdout.write(f"Demo information material: {demo_outreach_seed()} texts created.")
        self.stdout.write(f"Demo cases: {cases} created.")
        self.stdout.write(f"Demo events: {seed_events()} created.")
        self.stdout.write(f"Demo networks and efforts: {seed_networks()} created.")
        self.stdout.write(f"Demo governance projects: {seed_governance()} created.")
        self.stdout.write(
            f"Demo documents: {documents} issued; as their holders have them in {OUT_DIR} "
            "(try manage.py credential_verify on one; the one named …-revoked.json fails)."
        )
        self.stdout.write(
            f"Demo data: {counts.organisations} organisations, {counts.users} users, "
            f"{offers} offers and {educations} complementary educations created."
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:<42} {persona.description}")
