"""The environment docs/deploy.md documents for production, with example values, for tests that
start the platform as production would (subprocesses: settings are read once per process)."""

from __future__ import annotations

import os
from pathlib import Path


def production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "valnav.example.se",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VALNAV_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "smtp.example.se",
        # Example values only (Fernet.generate_key(), secrets.token_urlsafe(48)); two keys, as
        # during a rotation.
        "VALNAV_FIELD_ENCRYPTION_KEYS": (
            "OqFtrhDb2qJFj0mP0JIGnkXqPmGVOsdlVIhTKI9p_2s=,"
            "CAkLJNDJ2DIHZmnRZoOG_6hSzeTBOYhupbeya1hYTr0="
        ),
        "VALNAV_LOOKUP_HASH_KEY": (
            "BMZyJD-PeEiQvRdXT83jc2gz2zUBUntCWO_4i319nENlMRpNvulDNNRar7Tjcm5J"
        ),
        # An example Ed25519 key (docs/deploy.md shows how to make one) and the public address.
        "VALNAV_CREDENTIAL_SIGNING_KEY": "\n".join(
            [
                "-----BEGIN PRIVATE KEY-----",
                "MC4CAQAwBQYDK2VwBCIEID7JhhAmWNwX53gu7qHWTuLKwRUeS/p7yGEga8q8hr7E",
                "-----END PRIVATE KEY-----",
            ]
        ),
        "VALNAV_PUBLIC_URL": "https://valnav.example.se",
    }
