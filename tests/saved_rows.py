"""The database's known states for the tests that commit (transactional and browser tests),
kept as rows and written back instead of built again.

Django empties the database after each transactional test (`flush`, which then creates the
content types and permissions again), and each of those tests imported the reference data and
seeded the personas anew: seconds per test, most of it the same work each time. Here each
state is built once per test process, the way it always was, and its rows are kept; reaching
it again empties the tables as `flush` does and writes the kept rows back, so that every test
starts from the same rows as before, ids included.

The states, each built on the one before: "empty" (what `flush` leaves), "reference" (the
reference data imported) and "personas" (the demo personas seeded).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

LEVELS = ("empty", "reference", "personas")


@dataclass(frozen=True)
class _Table:
    name: str
    rows: bytes  # PostgreSQL: the table's COPY text; SQLite: unused, the rows are in `kept`
    kept: str = ""  # SQLite: the temporary table that holds the rows


# The kept rows of each level: on PostgreSQL in this process (COPY text, written back as read);
# on SQLite in temporary tables of the test database's one connection (never closed while in
# memory), which Django's introspection, `flush` and the backups do not see.
_kept: dict[str, list[_Table]] = {}


def _tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def _empty_tables() -> None:
    """Every model's table emptied, by the statements `flush` runs (without its signal)."""
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), _tables()))


def _keep(level: str) -> None:
    quote = connection.ops.quote_name
    kept = []
    with connection.cursor() as cursor:
        for name in _tables():
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {quote(name)} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    kept.append(_Table(name, data))
                continue
            cursor.execute(f"SELECT 1 FROM {quote(name)} LIMIT 1")  # noqa: S608  (our tables)
            if cursor.fetchone():
                temporary = f"kept_{level}_{name}"
                cursor.execute(f"DROP TABLE IF EXISTS temp.{quote(temporary)}")
                cursor.execute(
                    f"CREATE TEMP TABLE {quote(temporary)} AS SELECT * FROM main.{quote(name)}"  # noqa: S608
                )
                kept.append(_Table(name, b"", temporary))
    _kept[level] = kept


def _still_kept(level: str) -> bool:
    """Whether the level's rows are still there (SQLite's temporary tables end with their
    connection, which only a database in a file closes)."""
    temporary = {table.kept for table in _kept[level] if table.kept}
    if not temporary:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
        return temporary <= {row[0] for row in cursor.fetchall()}


def _write_back(level: str) -> None:
    quote = connection.ops.quote_name
    # One transaction: the foreign keys are checked at its end, whatever the tables' order.
    with transaction.atomic(), connection.cursor() as cursor:
        _empty_tables()
        for table in _kept[level]:
            if table.kept:
                cursor.execute(
                    f"INSERT INTO main.{quote(table.name)} SELECT * FROM temp.{quote(table.kept)}"  # noqa: S608
                )
            else:
                with cursor.copy(f"COPY {quote(table.name)} FROM STDIN") as copy:
                    copy.write(table.rows)


def _build(level: str) -> None:
    if level == "empty":
        call_command("flush", interactive=False, verbosity=0)
        return
    reach(LEVELS[LEVELS.index(level) - 1])
    if level == "reference":
        call_command("import_reference", stdout=io.StringIO())
    else:
        from valnav.demo.services import demo_accounts_seed

        demo_accounts_seed()


def reach(level: str) -> None:
    """Bring the database to `level`, committed: from its kept rows, else built and kept."""
    if level in _kept and _still_kept(level):
        _write_back(level)
    else:
        _build(level)
        _keep(level)
