"""Check a credential offline: signature, Open Badges 3.0 schema and revocation."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import Resolver404, resolve

from valnav.casework.credentials import credential_verify_jws, jws_from_document
from valnav.casework.models import Credential

# URL names whose `public_id` names a credential of this platform.
CREDENTIAL_URL_NAMES = {"casework:credential-verify", "api-v1:credential-detail"}


def _jws_from_url(url: str) -> str:
    """A link to this platform (the QR code's verification page or the API) is resolved
    against its own records, without a network request."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404 as error:
        raise CommandError(f"Not a credential link of this platform: {url}") from error
    if match.view_name not in CREDENTIAL_URL_NAMES:
        raise CommandError(f"Not a credential link of this platform: {url}")
    credential = Credential.objects.filter(public_id=match.kwargs["public_id"]).first()
    if credential is None:
        raise CommandError("No credential of this platform has that id.", returncode=1)
    return credential.jws


class Command(BaseCommand):
    help = "Verify a credential (file or link): signature, schema, revocation. Exit 0 if valid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path_or_url", help="a .json or .jwt file, or a verification link")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["path_or_url"]
        if source.startswith(("http://", "https://")):
            jws = _jws_from_url(source)
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"No such file: {source}", returncode=2)
            try:
                jws = jws_from_document(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                raise CommandError(str(error), returncode=1) from error
        result = credential_verify_jws(jws)

        def line(label: str, ok: bool | None) -> None:
            mark = "OK" if ok else ("–" if ok is None else "FAIL")
            self.stdout.write(f"{mark:>4}  {label}")

        line("signature (EdDSA, Ed25519)", result.signature)
        line("Open Badges 3.0 schema", result.schema if result.signature else None)
        line("issued by this platform", result.known_issuer if result.signature else None)
        line("not revoked", None if result.revoked is None else not result.revoked)
        for problem in result.problems:
            self.stdout.write(f"      {problem}")
        if not result.valid:
            raise CommandError("The credential is NOT valid.", returncode=1)
        claims = result.claims or {}
        self.stdout.write(
            self.style.SUCCESS(f"OK: valid – {claims.get('name', '')} ({claims.get('id', '')})")
        )
