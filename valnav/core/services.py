"""Writes that belong to no single app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from valnav.core.models import AccessAction, AccessLogEntry

if TYPE_CHECKING:
    from valnav.accounts.models import User


def access_log_record(
    *,
    actor: User | None,
    action: AccessAction,
    record_type: str,
    record_ref: str,
    purpose: str,
) -> AccessLogEntry:
    """Append one entry to the access log; `record_ref` is a pseudonymous reference."""
    return AccessLogEntry.objects.create(
        actor=actor,
        action=action,
        record_type=record_type,
        record_ref=record_ref,
        purpose=purpose[:200],
    )
