"""PostgreSQL statements prepared once per database connection.

The public search runs a handful of fixed statements on nearly every request. Planning one
took PostgreSQL as long as running it (0,4–0,9 ms against 0,3–0,6 ms at 100 000 offers), and
a plan does not change between requests: only the arrays and numbers given to it do. So each
statement is written once with `$1 … $n` (arrays where a request names a varying number of
things), sent as SQL `PREPARE` the first time a connection runs it, and after that as
`EXECUTE name(…)` through Django's own cursor: the statement is counted and logged like any
other query, and its arguments are quoted by the driver as everywhere else.

PostgreSQL keeps a prepared statement for the life of the session whatever happens to
transactions, so the names prepared are remembered per connection object; a new connection
prepares again. The settings ask PostgreSQL for the generic plan of a prepared statement
(`plan_cache_mode`, config/settings.py): without it a statement is planned again on every
execution. A connection pooler in transaction mode (pgbouncer) would need its own support for
prepared statements; docs/deploy.md says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.db import connection

_PREPARED: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()


@dataclass(frozen=True)
class Prepared:
    """A statement `text` with `$1 … $n` (cast where PostgreSQL cannot infer the type),
    prepared under `name` (letters, digits and _ only)."""

    name: str
    text: str

    def __post_init__(self) -> None:
        if not self.name.replace("_", "").isalnum() or not self.name.isascii():
            raise ValueError(f"Not a statement name: {self.name!r}")

    def rows(self, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The statement's rows for `params` (PostgreSQL only)."""
        with connection.cursor() as cursor:
            raw = connection.connection
            prepared = _PREPARED.get(raw)
            if prepared is None:
                prepared = _PREPARED[raw] = set()
            if self.name not in prepared:
                cursor.execute(f"PREPARE {self.name} AS {self.text}")
                prepared.add(self.name)
            marks = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXECUTE {self.name}({marks})", list(params))
            return list(cursor.fetchall())
