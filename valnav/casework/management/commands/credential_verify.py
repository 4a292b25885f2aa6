"""Check a credential offline: signature, Open Badges 3.0 schema and revocation, and say whose
it is, who issued it and on which host its link is."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import Resolver404, resolve

from valnav.casework.credentials import credential_verify_jws, jws_from_document, signed_outcome
from valnav.casework.models import Credential

# URL names whose `public_id` names a credential of this platform.
CREDENTIAL_URL_NAMES = {"casework:credential-verify", "api-v1:credential-detail"}


def _host(url: str) -> str:
    """host[:port] of an address, lower-cased, with the scheme's default port left out."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def public_host() -> str:
    return _host(settings.VALNAV_PUBLIC_URL)


def _jws_from_url(url: str, *, trusted_hosts: set[str]) -> str:
    """A link to this platform (the QR code's verification page or the API) is resolved
    against its own records, without a network request. A link on another host is refused:
    a forged paper intyg may carry a QR code to a lookalike site that shows a real credential
    of someone else."""
    host = _host(url)
    if host != public_host() and host not in trusted_hosts:
        raise CommandError(
            f"The link is on {host}, not on this platform's address {public_host()} "
            "(VALNAV_PUBLIC_URL). A QR code to another site is a sign of a forged document. "
            f"If {host} really is this platform, run again with --trust-host {host}.",
            returncode=1,
        )
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
    help = (
        "Verify a credential (file or link): signature, schema, revocation; name its holder, "
        "issuer and host. Exit 0 if valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path_or_url", help="a .json or .jwt file, or a verification link")
        parser.add_argument(
            "--trust-host",
            action="append",
            default=[],
            metavar="HOST",
            help="accept links on HOST (host or host:port) besides VALNAV_PUBLIC_URL's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["path_or_url"]
        trusted = {_host(f"http://{host}") for host in options["trust_host"]}
        if source.startswith(("http://", "https://")):
            jws = _jws_from_url(source, trusted_hosts=trusted)
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
        claims = result.claims or {}
        if result.signature:
            # What the reader compares with the paper and an ID document: who and by whom.
            issuer = claims.get("issuer", {})
            org_numbers = [
                str(entry.get("identifier", ""))
                for entry in (issuer.get("otherIdentifier", []) if isinstance(issuer, dict) else [])
            ]
            issuer_name = issuer.get("name", "") if isinstance(issuer, dict) else str(issuer)
            self.stdout.write(f"      holder: {signed_outcome(claims).holder or '(no name)'}")
            if birth_date := signed_outcome(claims).birth_date:
                self.stdout.write(f"      born: {birth_date}")
            self.stdout.write(
                f"      issuer: {issuer_name}"
                + (f" ({', '.join(org_numbers)})" if org_numbers else "")
            )
            self.stdout.write(
                f"      host: {_host(str(claims.get('id', '')))} (this platform: {public_host()})"
            )
        if not result.valid:
            raise CommandError("The credential is NOT valid.", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: valid – {claims.get('name', '')} ({claims.get('id', '')}). Compare the "
                "holder's name and date of birth with an ID document."
            )
        )
