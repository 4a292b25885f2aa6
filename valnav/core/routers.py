"""Database routing: the insights' large aggregates read from a read replica when one is
configured (DATABASE_REPLICA_URL), so that a strategist's heavy page does not slow the writes
of case work on the primary. Everything else, and every write, uses the primary.

Replication lags by moments: the figures read there may trail the primary by as much, and a
figure cached just after a change keeps that lag until the next change (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db.models import Model

REPLICA = "replica"
# The derived, read-only tables the insights aggregate; never read back by their writers.
REPLICA_READ_MODELS = frozenset({"casework.casefactrow"})


class ReplicaRouter:
    def __init__(self, databases: Collection[str] | None = None) -> None:
        # Django makes routers without arguments: the configured databases are the settings'.
        self._databases = databases

    def _has_replica(self) -> bool:
        return REPLICA in (settings.DATABASES if self._databases is None else self._databases)

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if self._has_replica() and model._meta.label_lower in REPLICA_READ_MODELS:
            return REPLICA
        return None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary's schema through replication, never by migrate.
        return False if db == REPLICA else None
