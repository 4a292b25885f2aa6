"""Deploy checks of Valnav's own promises (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from valnav.lib.fieldcrypto import is_valid_fernet_key


@register(Tags.security, deploy=True)
def demo_logins_off(app_configs: Any, **kwargs: Any) -> list[Error]:
    if not settings.DEBUG and settings.VALNAV_DEMO_LOGINS:
        return [
            Error(
                "Demo logins are enabled while DEBUG is off.",
                hint="Unset VALNAV_DEMO_LOGINS in production.",
                id="valnav.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def csp_without_inline_scripts(app_configs: Any, **kwargs: Any) -> list[Error]:
    policy: dict[str, object] = settings.SECURE_CSP
    sources = policy.get("script-src", [])
    script_src = [str(value) for value in sources] if isinstance(sources, list | tuple) else []
    if not script_src or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        return [
            Error(
                "The Content-Security-Policy must restrict scripts without 'unsafe-inline'.",
                id="valnav.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def field_encryption_keys_set(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Production keys for personnummer encryption and look-up (valnav.lib.fieldcrypto)."""
    if settings.DEBUG:
        return []
    # Messages name a key by its position, never by its value: check output reaches logs.
    problems: list[str] = []
    keys = settings.VALNAV_FIELD_ENCRYPTION_KEYS
    if not keys or isinstance(keys, str):
        problems.append("VALNAV_FIELD_ENCRYPTION_KEYS is not set.")
    else:
        problems.extend(
            f"Key {position} in VALNAV_FIELD_ENCRYPTION_KEYS is not a valid Fernet key."
            for position, key in enumerate(keys, start=1)
            if not is_valid_fernet_key(key)
        )
    if len(settings.VALNAV_LOOKUP_HASH_KEY) < 32:
        problems.append("VALNAV_LOOKUP_HASH_KEY is not set or shorter than 32 characters.")
    return [
        Error(
            problem,
            hint="Generate the keys as docs/deploy.md describes.",
            id="valnav.E003",
        )
        for problem in problems
    ]


@register(Tags.security, deploy=True)
def credential_signing_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Credentials are signed with a key of the deployment's own and name its public address
    (valnav.casework.credentials); neither may fall back to the development defaults."""
    if settings.DEBUG:
        return []
    problems: list[str] = []
    if not settings.VALNAV_CREDENTIAL_SIGNING_KEY.strip():
        problems.append("VALNAV_CREDENTIAL_SIGNING_KEY is not set.")
    elif "PRIVATE KEY" not in settings.VALNAV_CREDENTIAL_SIGNING_KEY:
        problems.append("VALNAV_CREDENTIAL_SIGNING_KEY is not a PEM private key.")
    if not settings.VALNAV_PUBLIC_URL.startswith("https://"):
        problems.append("VALNAV_PUBLIC_URL is not set to the site's https:// address.")
    return [
        Error(problem, hint="See docs/deploy.md, Credentials.", id="valnav.E004")
        for problem in problems
    ]


@register(Tags.security, deploy=True)
def second_factor_required(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Administrators and assessors must pass a second factor in production
    (valnav.accounts.middleware.SecondFactorMiddleware)."""
    if not settings.DEBUG and not settings.VALNAV_REQUIRE_SECOND_FACTOR:
        return [
            Error(
                "Two-step verification is off while DEBUG is off.",
                hint="Unset VALNAV_REQUIRE_SECOND_FACTOR (or set it to 1) in production.",
                id="valnav.E006",
            )
        ]
    return []
