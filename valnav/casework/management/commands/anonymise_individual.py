"""Anonymise one individual: remove what identifies them, keep what statistics need."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from valnav.accounts.models import User
from valnav.casework.models import Individual
from valnav.casework.privacy import individual_anonymise


class Command(BaseCommand):
    help = "Anonymise an individual by pseudonym (GDPR erasure; see docs/privacy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pseudonym", help="the individual's pseudonym, e.g. P-7K3M9Q2X")
        parser.add_argument("--reason", required=True, help="why, for the access log")
        parser.add_argument(
            "--actor", default="", help="e-mail of the staff user who asked for it (logged)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pseudonym = options["pseudonym"].strip().upper()
        individual = Individual.objects.filter(pseudonym=pseudonym).first()
        if individual is None:
            raise CommandError(f"No individual with the pseudonym {pseudonym}.")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user with the e-mail {options['actor']}.")
        try:
            individual_anonymise(individual=individual, actor=actor, reason=options["reason"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Anonymised {pseudonym}.")
