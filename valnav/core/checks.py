"""Deploy checks of Valnav's own promises (run by `manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


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
