"""Re-encrypt every personnummer under the first key of VALNAV_FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from valnav.casework.privacy import field_keys_rotate
from valnav.lib.fieldcrypto import FieldDecryptionError


class Command(BaseCommand):
    help = "Re-encrypt stored personnummer under the first configured field key."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = field_keys_rotate()
        except FieldDecryptionError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        self.stdout.write(f"Re-encrypted {count} personnummer under the first key.")
