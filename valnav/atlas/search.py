"""Full-text search over offers and complementary education, on SQLite and PostgreSQL alike.

Each searchable row keeps `search_stems`: Snowball stems of its texts (valnav.lib.stemming).
SQLite indexes that column in an FTS5 table kept in sync by triggers; PostgreSQL in a GIN index
over a stored generated column `search_vector = to_tsvector('simple', search_stems)`. Query
words are stemmed the same way and matched as prefixes, so "svetsare" finds "svetsning" and
"undersköterska" finds "undersköterskor".
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from valnav.lib.stemming import stems

SEARCHABLE_TABLES = ("atlas_offer", "atlas_complementaryeducation")


def _sqlite_sql(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_stems, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, search_stems) VALUES (new.id, new.search_stems); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_stems) "
        "VALUES ('delete', old.id, old.search_stems); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_stems ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_stems) "
        "VALUES ('delete', old.id, old.search_stems); "
        f"INSERT INTO {fts}(rowid, search_stems) VALUES (new.id, new.search_stems); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def install_search_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for table in SEARCHABLE_TABLES:
        if vendor == "sqlite":
            for statement in _sqlite_sql(table):
                schema_editor.execute(statement)
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX {table}_stems_gin ON {table} "
                "USING gin (to_tsvector('simple', search_stems))"
            )


def install_stored_vectors(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """PostgreSQL: keep the tsvector in a stored generated column, so a match is read from the
    index and the row instead of being computed again for every candidate."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHABLE_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_stems_gin")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_stems)) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_vector_gin ON {table} USING gin (search_vector)"
        )


def remove_stored_vectors(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHABLE_TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(
            f"CREATE INDEX {table}_stems_gin ON {table} "
            "USING gin (to_tsvector('simple', search_stems))"
        )


def remove_search_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for table in SEARCHABLE_TABLES:
        if vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_stems_gin")


# Derivational endings the Snowball stemmer keeps ("svetsning", "svetsare" → "svets").
_DERIVATIONS = ("ning", "are", "ande", "else", "eri")


def query_stems(text: str) -> list[list[str]]:
    """Per distinct query stem, the stems any of which may match (the stem and its root)."""
    alternatives: list[list[str]] = []
    for value in dict.fromkeys(stems(text)):
        forms = [value]
        for ending in _DERIVATIONS:
            if value.endswith(ending) and len(value) - len(ending) >= 4:
                forms.append(value.removesuffix(ending))
        alternatives.append(forms)
    return alternatives


def stem_condition(table: str, forms: list[str]) -> Q:
    """A filter for rows of `table` with a stem starting with any of `forms`.

    PostgreSQL tests the row's own stored vector (its GIN index answers it); SQLite asks the FTS5
    table for the matching rowids.
    """
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(
                f"{table}.search_vector @@ to_tsquery('simple', %s)",
                [" | ".join(f"{form}:*" for form in forms)],
                output_field=BooleanField(),
            )
        )
    return Q(pk__in=ids_matching_stem(table, forms))


def ids_matching_stem(table: str, forms: list[str]) -> RawSQL:
    """SQLite: a subquery of the FTS5 rowids of `table` with a stem starting with any of
    `forms` (PostgreSQL tests the row's own vector instead, see `stem_condition`)."""
    expression = " OR ".join(f'"{form}" *' for form in forms)
    return RawSQL(
        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",
        [f"search_stems : ({expression})"],
    )
