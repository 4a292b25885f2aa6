"""Full-text search over offers and complementary education, on SQLite and PostgreSQL alike.

Each searchable row keeps `search_stems`: Snowball stems of its texts (valnav.lib.stemming).
SQLite indexes that column in an FTS5 table kept in sync by triggers; PostgreSQL in a GIN index
over a stored generated column `search_vector = to_tsvector('simple', search_stems)`. Query
words are stemmed the same way and matched as prefixes, so "svetsare" finds "svetsning" and
"undersköterska" finds "undersköterskor".
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler

from valnav.core.figures_cache import figures_data_token
from valnav.core.reference import REFERENCE_DIR
from valnav.lib.matcher import Matcher, QueryMatch, Term, fold_words
from valnav.lib.stemming import stems

SEARCHABLE_TABLES = ("atlas_offer", "atlas_complementaryeducation")
# SQLite: the offers' columns a count of full-text matches reads, by id (`install_match_index`).
MATCH_INDEX = "offer_match_pairs"


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


def restore_search_triggers(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """SQLite: put back the full-text triggers of the searchable tables and rebuild their
    index. SQLite alters a column by rebuilding the table, which drops the table's triggers:
    after migration 0008 rebuilt atlas_offer, new and changed offers stayed out of the index
    and no word read by full text found them. PostgreSQL keeps its generated column."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in SEARCHABLE_TABLES:
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        for statement in _sqlite_sql(table)[1:]:  # the triggers and a rebuild, not the table
            schema_editor.execute(statement)


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


def install_covering_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """PostgreSQL: the offers of some models, with the dates and place the search reads, from
    the index alone (an index-only scan) instead of one heap page per matching offer; at
    100 000 offers that took the ranked query for "undersköterska" from 26 ms to 8.
    SQLite has no INCLUDE and reads its small table fast enough."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS offer_model_search ON atlas_offer "
        "(model_id, status) INCLUDE (valid_from, valid_to, municipality_id, id)"
    )


def remove_covering_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS offer_model_search")


def install_match_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """SQLite: each offer's publication, model and municipality by id, so that counting the
    full-text matches (`place_counts`) looks each match up in this small index instead of in
    the table's rows, which hold the offer's texts: at 100 000 offers, counting the 9 275
    published matches of "branschintyg" took 11 ms instead of 17. PostgreSQL reads its
    covering index (`offer_model_search`).

    Like the FTS5 triggers (`restore_search_triggers`), SQLite loses this index when a
    migration rebuilds the offer table; a test checks the migrated schema."""
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {MATCH_INDEX} ON atlas_offer "
        "(id, status, valid_from, valid_to, model_id, municipality_id)"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed = cursor.fetchone() is not None
    if analysed:
        # SQLite weighs indexes by their statistics and passes over one that has none.
        schema_editor.execute(f"ANALYZE {MATCH_INDEX}")


def remove_match_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {MATCH_INDEX}")


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


def stem_condition(table: str, forms: list[str], *, text_first: bool = True) -> Q:
    """A filter for rows of `table` with a stem starting with any of `forms`.

    PostgreSQL tests the row's own stored vector (its GIN index answers it); SQLite asks the FTS5
    table for the matching rowids, and without `text_first` only tests them
    when the word is common: for a query that narrows the rows by other means first.
    """
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(
                f"{table}.search_vector @@ to_tsquery('simple', %s)",
                [" | ".join(f"{form}:*" for form in forms)],
                output_field=BooleanField(),
            )
        )
    match = _match_text(forms)
    rowids = RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [match])
    if text_first:
        return Q(pk__in=rowids)
    return Q(In(TestedOnly(F("pk"), word=_Frequency(table, match)), rowids))


def _match_text(forms: list[str]) -> str:
    expression = " OR ".join(f'"{form}" *' for form in forms)
    return f"search_stems : ({expression})"


# A word in this many rows' text is common ("branschintyg" is in the models' own summaries, so
# in every offer of theirs). SQLite reads an `id IN (subquery)` by looking up every id the
# subquery returns, which for thousands of offers costs more than the rest of a page: the
# offers of a few (model, municipality) pairs are then found by their index and only tested
# against the matches (`TestedOnly`).
COMMON_MATCHES = 2000

_FULL_TEXT_FIRST: ContextVar[bool] = ContextVar("full_text_first", default=False)


class _Frequency:
    """Whether a full-text match is common, read when a query with it is first written out:
    a query the ORM knows to be empty (no model answers the other words) never is."""

    def __init__(self, table: str, match: str) -> None:
        self.table = table
        self.match = match

    @cached_property
    def common(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT rowid FROM {self.table}_fts "
                f"WHERE {self.table}_fts MATCH %s LIMIT %s)",
                [self.match, COMMON_MATCHES],
            )
            (found,) = cursor.fetchone()
        return bool(found >= COMMON_MATCHES)


class TestedOnly(Func):
    """SQLite: a column written `+column` when `word` is common, which SQLite tests but never
    looks rows up by.

    SQLite takes a condition `id IN (subquery)` as the way in: it reads the subquery and looks
    up each id. That suits a word in few rows, and a list of every match. For a common word in
    a query narrowed by other means the id is written `+id`, so that a query that names its
    (model, municipality) pairs reads those offers by their index and tests each against the
    matches, instead of looking up every match; counting the matches (`place_counts`) still
    starts from the full-text index, inside `full_text_first()`."""

    def __init__(self, expression: F, *, word: _Frequency) -> None:
        self.word = word
        super().__init__(expression)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: object,
    ) -> tuple[str, tuple[str | int, ...]]:
        plain = _FULL_TEXT_FIRST.get() or not self.word.common
        return super().as_sql(
            compiler, connection, template="%(expressions)s" if plain else "+%(expressions)s"
        )


@contextmanager
def full_text_first() -> Iterator[None]:
    """SQLite: queries compiled inside start from the full-text matches even for a common word
    (`TestedOnly`): for counting every match, where there are no pairs to start from."""
    token = _FULL_TEXT_FIRST.set(True)
    try:
        yield
    finally:
        _FULL_TEXT_FIRST.reset(token)


# The lexicon -------------------------------------------------------------------------------
# Built from the shipped reference files, not the database, so it is prepared once per process
# and is the same in every worker; the database only says which models answer which SSYK group.


def _read_csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def lexicon_terms(language: str) -> list[Term]:
    """Every name the matcher knows for `language` ("sv", or "en", which also knows Swedish:
    visitors on English pages type the Swedish word they use at work)."""
    english = language == "en"
    terms: list[Term] = []
    for row in _read_csv("ssyk2012.csv"):
        if row["level"] != "4":
            continue
        key = frozenset({f"ssyk:{row['code']}"})
        terms.append(Term(row["name_sv"], key, "ssyk2012"))
        if english and row["name_en"]:
            terms.append(Term(row["name_en"], key, "ssyk2012-en"))
    for row in _read_csv("jobtech_occupation_names.csv"):
        codes = [code for code in row["ssyk_code"].split(";") if code]
        if not codes:
            continue
        keys = frozenset(f"ssyk:{code}" for code in codes)
        # "Lagerarbetare/Terminalarbetare" names two things people say.
        for label in row["preferred_label"].split("/"):
            terms.append(Term(label, keys, "jobtech-occupation-name"))
    for row in _read_csv("search_terms.csv"):
        if row["lang"] == "en" and not english:
            continue
        named = {f"ssyk:{code}" for code in row["ssyk"].split(";") if code}
        if row["branch"]:
            named.add(f"branch:{row['branch']}")
        terms.append(Term(row["term"], frozenset(named), row["source"]))
    for kind, label, source in _kind_terms(language):
        terms.append(Term(label, frozenset({f"kind:{kind}"}), source))
    for row in _read_csv("branches.csv"):
        keys = frozenset({f"branch:{row['key']}"})
        terms.append(Term(row["name_sv"], keys, "branches"))
        if english:
            terms.append(Term(row["name_en"], keys, "branches"))
    for row in _read_csv("counties_municipalities.csv"):
        terms.append(Term(row["kommun_name"], frozenset({f"place:{row['kommun_code']}"}), "scb"))
    return terms


def _language_key(language: str) -> str:
    return "en" if language.startswith("en") else "sv"


@cache
def _kind_terms(language: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, term, source) of the words that name a kind of validation ("komvux",
    "branschvalidering"), from `kind_terms.csv`; English ones only where English is read."""
    english = _language_key(language) == "en"
    return tuple(
        (row["kind"], row["term"], row["source"])
        for row in _read_csv("kind_terms.csv")
        if english or row["lang"] != "en"
    )


_MATCHERS: dict[str, Matcher] = {}


def matcher_for(language: str) -> Matcher:
    """The prepared matcher of a language ("sv" or "en"); built on first use (a server builds
    both when a worker starts, `prepare_matchers`)."""
    key = _language_key(language)
    if key not in _MATCHERS:
        _MATCHERS[key] = Matcher(lexicon_terms(key))
    return _MATCHERS[key]


def prepare_matchers() -> None:
    """Build every language's matcher now: a worker calls this as it starts (config/wsgi.py),
    so that no visitor's request waits the second or so it takes."""
    for language in ("sv", "en"):
        matcher_for(language)


# What a query means for the atlas ----------------------------------------------------------

# Codes this far below the best one are other readings, not answers: "buss" means bus drivers
# (1.0), not the vehicle mechanics of "bussmekaniker" (0.85).
CLOSE_TO_BEST = 0.1
# A branch named this surely ("bygg", "vård") limits the answer to that branch's models; the
# words of a kind of validation must each be read this surely too ("komvux").
BRANCH_NAMED = 0.95


@dataclass(frozen=True)
class CatalogueModel:
    """What the search needs to know of one active validation model."""

    pk: int
    branch: str
    codes: tuple[str, ...]
    kind: str


@dataclass
class SearchIntent:
    """A query read by the matcher: the models it asks for with their relevance, the
    municipalities it names, the kinds of validation it names, and the words left for
    full-text search."""

    query: str
    models: dict[int, float] = field(default_factory=dict)
    understood: bool = False  # some word named an occupation, a branch or a kind
    places: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # ValidationModel.kind values
    text_words: list[str] = field(default_factory=list)
    codes: list[tuple[str, float]] = field(default_factory=list)
    corrected: bool = False
    # The data token the catalogue was read under, for the distance table of the same request.
    data_token: str = ""

    @property
    def empty(self) -> bool:
        return not (self.understood or self.places or self.text_words)


_CATALOGUE: dict[str, list[CatalogueModel]] = {}


def catalogue_models(token: str | None = None) -> list[CatalogueModel]:
    """Active models with their branch and SSYK codes, kept in the process while the data
    token (`figures_data_token`, replaced on every change to the atlas) stays the same: a
    primary-key read instead of two queries per search. Pass `token` when the request has
    read it already."""
    token = token or figures_data_token()
    found = _CATALOGUE.get(token)
    if found is None:
        found = _read_catalogue()
        _CATALOGUE.clear()
        _CATALOGUE[token] = found
    return found


def _read_catalogue() -> list[CatalogueModel]:
    from valnav.atlas.models import ValidationModel

    codes: dict[int, list[str]] = {}
    for model_id, code in ValidationModel.occupations.through.objects.filter(
        validationmodel__is_active=True
    ).values_list("validationmodel_id", "occupation__code"):
        codes.setdefault(model_id, []).append(code)
    return [
        CatalogueModel(pk=pk, branch=branch or "", codes=tuple(codes.get(pk, ())), kind=kind)
        for pk, branch, kind in ValidationModel.objects.filter(is_active=True).values_list(
            "pk", "branch__key", "kind"
        )
    ]


def model_relevance(
    match: QueryMatch, models: list[CatalogueModel], *, kinds: Collection[str] = ()
) -> tuple[dict[int, float], list[tuple[str, float]]]:
    """Relevance per model from a match, and the SSYK codes it counted (best first); only
    models of `kinds` when the query named a kind of validation."""
    ranked = match.ranked("ssyk:")
    best = ranked[0][1] if ranked else 0.0
    wanted = {code: score for code, score in ranked if score >= best - CLOSE_TO_BEST}
    branches = dict(match.ranked("branch:"))
    named = {key for key, s in branches.items() if s >= BRANCH_NAMED}
    relevance: dict[int, float] = {}
    for model in models:
        if named and model.branch not in named:
            continue
        if kinds and model.kind not in kinds:
            continue
        score = branches.get(model.branch, 0.0) if model.branch in branches else 0.0
        for code in model.codes:
            for key in (code, code[:3], code[:2]):
                if key in wanted:
                    score = max(score, wanted[key])
        if score > 0:
            relevance[model.pk] = round(score, 4)
    return relevance, list(wanted.items())


def named_kinds(match: QueryMatch, *, language: str = "sv") -> tuple[list[str], set[str]]:
    """The kinds of validation a query names (`ValidationModel.kind` values) and the typed
    words that name them. A kind is named when every word of one of its terms is read from a
    typed word at least as surely as a named branch (`BRANCH_NAMED`: exactly or as another
    form, "branschmodeller" for "branschmodell"): "komvux", "adult education", "industry
    validation". The matcher's own score of a kind is no guide here: it is shared among all
    the words that reach some kind, so "komvux validering" would score komvux below it."""
    matcher = matcher_for(language)
    readings = {
        word: {hit.known for hit in matcher.word_hits(word) if hit.quality >= BRANCH_NAMED}
        for word, keys in match.word_keys.items()
        if any(key.startswith("kind:") for key in keys)
    }
    if not readings:  # no word reaches a kind: nearly every query
        return [], set()
    kinds: list[str] = []
    words: set[str] = set()
    for kind, label, _source in _kind_terms(language):
        typed = [
            {word for word, known in readings.items() if part in known}
            for part in fold_words(label)
        ]
        if typed and all(typed):
            if kind not in kinds:
                kinds.append(kind)
            words.update(*typed)
    return kinds, words


def search_intent(query: str, *, language: str = "sv", token: str | None = None) -> SearchIntent:
    """What `query` asks of the atlas, read by the shared matcher. `token` is the data token
    when the request has read it already (one read per request, not one per table).

    A kind of validation named alone ("komvux", "branschvalidering") asks for every active
    model of that kind; beside an occupation or branch ("komvux svetsare") it limits that
    word's models to the kind, as a named branch does."""
    intent = SearchIntent(query=query, data_token=token or figures_data_token())
    if not query.strip():
        return intent
    matcher = matcher_for(language)
    match = matcher.match(query)
    place_words = {
        word
        for word, keys in match.word_keys.items()
        if keys and all(key.startswith("place:") for key in keys)
    }
    intent.places = [code for code, _s in match.ranked("place:") if _s >= BRANCH_NAMED]
    if not intent.places:
        place_words = set()
    intent.kinds, kind_words = named_kinds(match, language=language)
    # A word that reaches only kinds but names none surely ("bransch", "validation" alone) is
    # no answer from the models: it is left to full text, like a word nobody knows.
    loose_words = {
        word
        for word, keys in match.word_keys.items()
        if word not in kind_words and keys and all(key.startswith("kind:") for key in keys)
    }
    occupation_words = [
        word for word in match.word_keys if word not in place_words | kind_words | loose_words
    ]
    intent.text_words = [
        word for word in fold_words(query) if word in match.unmatched or word in loose_words
    ]
    if not (occupation_words or intent.kinds):
        return intent
    models = catalogue_models(intent.data_token)
    intent.understood = True
    intent.corrected = any(hit.how == "typo" and hit.word not in loose_words for hit in match.hits)
    if occupation_words:
        # Read the occupation words without the kind's: "adult education" would otherwise
        # count as school managers ("adult education managers") beside "welder".
        occupations = matcher.match(" ".join(occupation_words)) if kind_words else match
        intent.models, intent.codes = model_relevance(occupations, models, kinds=intent.kinds)
    else:
        intent.models = {model.pk: 1.0 for model in models if model.kind in intent.kinds}
    return intent


# Recall against the committed evaluation list ---------------------------------------------


@dataclass(frozen=True)
class RecallReport:
    found: int
    total: int
    misses: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 0.0


def evaluation_recall(*, k: int = 5) -> RecallReport:
    """Share of the queries in `search_evaluation.csv` with an acceptable SSYK group among the
    matcher's first `k`, or the acceptable branch as its first branch."""
    found = 0
    misses: list[str] = []
    rows = _read_csv("search_evaluation.csv")
    for row in rows:
        match = matcher_for(row["lang"]).match(row["query"])
        top = {code for code, _score in match.ranked("ssyk:")[:k]}
        branch = {key for key, _score in match.ranked("branch:")[:1]}
        acceptable = row["acceptable"].split(";")
        if any(a in top or a.removeprefix("branch:") in branch for a in acceptable):
            found += 1
        else:
            misses.append(f"{row['query']} ({row['lang']})")
    return RecallReport(found=found, total=len(rows), misses=misses)
