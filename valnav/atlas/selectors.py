"""Reads over the atlas: the public search, offer pages, nearest education and coverage."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Count,
    F,
    Field,
    FloatField,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from valnav.accounts.models import Organisation
from valnav.accounts.selectors import guidance_organisations
from valnav.atlas.models import (
    ComplementaryEducation,
    EducationForm,
    Offer,
    PublicationStatus,
    ValidationModel,
    cost_text,
)
from valnav.atlas.search import (
    SearchIntent,
    catalogue_models,
    full_text_first,
    query_stems,
    search_intent,
    stem_condition,
)
from valnav.core.figures_cache import figures_data_token
from valnav.core.numbers import number_text
from valnav.core.prepared import Prepared
from valnav.lib.geo import haversine_km
from valnav.places.models import Municipality
from valnav.places.selectors import (
    WHITE_SPOT_FILL,
    WHITE_SPOT_OUTLINE,
    MapData,
    MapStyle,
    category_map_data,
    outline_for,
)
from valnav.taxonomy.models import Occupation


@dataclass(frozen=True)
class SearchFilters:
    """What a visitor can ask the search; the same for the page, the API and exports."""

    query: str = ""
    county: str = ""
    municipality: str = ""
    within_km: int | None = None
    occupation: str = ""
    branch: str = ""
    kind: str = ""
    language: str = ""
    remote: bool | None = None
    modified_after: datetime | None = None
    model: str = ""  # one validation model's key: all its offers ("fler orter")
    # The language the words are read in: "en" also knows English labels (the API, /en/).
    words_language: str = "sv"


@dataclass
class Origin:
    """The municipality distances are measured from, with the distance to every other."""

    municipality: Municipality
    distances: dict[int, float] = field(default_factory=dict)


# Distances between every pair of municipality centroids, worked out once per data token.
_DISTANCES: dict[str, tuple[dict[str, Municipality], dict[int, dict[int, float]]]] = {}


def _km(a: Municipality, b: Municipality) -> float:
    return round(haversine_km(a.centroid_lat, a.centroid_lon, b.centroid_lat, b.centroid_lon), 1)


def _distance_table(
    token: str | None = None,
) -> tuple[dict[str, Municipality], dict[int, dict[int, float]]]:
    token = token or figures_data_token()
    table = _DISTANCES.get(token)
    if table is None:
        municipalities = list(
            Municipality.objects.select_related("county").defer("boundary", "county__boundary")
        )
        table = (
            {m.code: m for m in municipalities},
            {a.pk: {b.pk: _km(a, b) for b in municipalities} for a in municipalities},
        )
        _DISTANCES.clear()
        _DISTANCES[token] = table
    return table


def municipality_origin(code: str, *, token: str | None = None) -> Origin | None:
    """Distances in km between municipality centroids, from the one with `code` (from a table
    kept per data token, so a search reads no municipality rows)."""
    if not code:
        return None
    by_code, distances = _distance_table(token)
    origin = by_code.get(code)
    if origin is None:
        return None
    return Origin(municipality=origin, distances=distances[origin.pk])


def _case_text(column: str, values: dict[int, float], default: str) -> tuple[str, list[float]]:
    """`CASE column WHEN id THEN value … ELSE default END` and its parameters, for the queries
    written out here and (as `_case_sql`) for the ORM's."""
    whens = " ".join("WHEN %s THEN %s" for _ in values)
    params: list[float] = [number for pair in values.items() for number in pair]
    return f"CASE {column} {whens} ELSE {default} END", params


def _case_sql(column: str, values: dict[int, float], default: str) -> RawSQL:
    """`_case_text` as one raw expression: the ORM's Case with a When per municipality cost
    more to build in Python than the database takes to run it."""
    if not values:
        return RawSQL(default, [], output_field=FloatField())  # noqa: S611  (a constant)
    sql, params = _case_text(column, values, default)
    return RawSQL(sql, params, output_field=FloatField())  # noqa: S611  (numbers as parameters)


def _published_sql(alias: str) -> tuple[str, list[Any]]:
    """`PublishableQuerySet.published()` written out for the table aliased `alias`: published
    and valid today, for the queries written out here."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    return (
        f"{alias}.status = %s AND ({alias}.valid_from IS NULL OR {alias}.valid_from <= %s) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %s)",
        [PublicationStatus.PUBLISHED, today, today],
    )


def _published_prepared(alias: str, today: str) -> str:
    """`_published_sql` for a prepared statement (valnav.core.prepared): the status written in
    (so PostgreSQL can use the partial indexes of published offers in a generic plan) and
    today's date from the statement's parameter `today` ("$1")."""
    return (
        f"{alias}.status = '{PublicationStatus.PUBLISHED}' "
        f"AND ({alias}.valid_from IS NULL OR {alias}.valid_from <= {today}) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= {today})"
    )


def _distance_expression(origin: Origin, table: str = "atlas_offer") -> RawSQL:
    return _case_sql(f'"{table}"."municipality_id"', origin.distances, "NULL")


def occupation_codes(code: str) -> QuerySet[Occupation]:
    """The four-digit groups at or under an SSYK code of any level."""
    return Occupation.objects.filter(level=4, code__startswith=code)


def _apply_common(
    queryset: QuerySet[Any], filters: SearchFilters, origin: Origin | None
) -> QuerySet[Any]:
    if filters.county:
        queryset = queryset.filter(municipality__county__code=filters.county)
    if origin is not None and filters.within_km is not None:
        near = [pk for pk, km in origin.distances.items() if km <= filters.within_km]
        queryset = queryset.filter(municipality_id__in=near)
    elif filters.municipality and origin is None:
        queryset = queryset.none()  # an unknown municipality finds nothing
    if filters.remote is not None:
        queryset = queryset.filter(remote=filters.remote)
    if filters.modified_after is not None:
        queryset = queryset.filter(updated_at__gt=filters.modified_after)
    return queryset


def _text_conditions(table: str, words: list[str], *, text_first: bool = True) -> list[Q]:
    """One full-text condition per word the matcher did not know (a provider, a model's own
    name, "gesällbrev"): each must be in the row's own text (`stem_condition`)."""
    conditions = []
    for word in words:
        text = Q()
        for forms in query_stems(word):
            text &= stem_condition(table, forms, text_first=text_first)
        conditions.append(text)
    return conditions


def _apply_intent(
    queryset: QuerySet[Any],
    intent: SearchIntent,
    *,
    table: str,
    model_field: str,
    text_first: bool = True,
) -> QuerySet[Any]:
    """Narrow `queryset` to what the words ask: the models they name, the places they name,
    and the rest in the row's own text."""
    if intent.understood:
        queryset = queryset.filter(**{f"{model_field}__in": sorted(intent.models)})
    if intent.places:
        queryset = queryset.filter(municipality__code__in=intent.places)
    for condition in _text_conditions(table, intent.text_words, text_first=text_first):
        queryset = queryset.filter(condition)
    return queryset


def _relevance(scores: dict[int, float]) -> RawSQL:
    return _case_sql('"atlas_offer"."model_id"', scores, "0.0")


def offer_matches(
    *,
    filters: SearchFilters,
    base: QuerySet[Offer] | None = None,
    intent: SearchIntent | None = None,
    text_first: bool = False,
) -> tuple[QuerySet[Offer], Origin | None, SearchIntent]:
    """Published offers matching `filters`, unordered and without annotations, with the
    origin of distances and the words' intent.

    Without `text_first` a word in thousands of offers is only tested (`stem_condition`), for
    the callers that read the offers of a few (model, municipality) pairs from the counts
    (`place_counts` counts from the full-text index anyway); a list of every match asks for
    `text_first`."""
    if intent is None:
        intent = search_intent(filters.query, language=filters.words_language)
    origin = municipality_origin(filters.municipality, token=intent.data_token or None)
    queryset = base if base is not None else Offer.objects.published()
    queryset = _apply_common(queryset, filters, origin)
    if filters.occupation:
        # Resolved to ids first: a short literal list lets the database start from the model
        # index instead of scanning every offer of the chosen municipalities.
        model_ids = set(
            ValidationModel.objects.filter(
                occupations__in=occupation_codes(filters.occupation)
            ).values_list("pk", flat=True)
        )
        queryset = queryset.filter(model_id__in=sorted(model_ids))
    if filters.model:
        queryset = queryset.filter(model__key=filters.model)
    if filters.branch:
        queryset = queryset.filter(model__branch__key=filters.branch)
    if filters.kind:
        queryset = queryset.filter(model__kind=filters.kind)
    if filters.language:
        queryset = queryset.filter(languages__contains=f",{filters.language.lower()},")
    queryset = _apply_intent(
        queryset, intent, table="atlas_offer", model_field="model_id", text_first=text_first
    )
    return queryset, origin, intent


def offer_search(
    *,
    filters: SearchFilters,
    base: QuerySet[Offer] | None = None,
    intent: SearchIntent | None = None,
) -> tuple[QuerySet[Offer], Origin | None]:
    """Published offers matching `filters`, most relevant first, then nearest.

    Each offer carries `relevance` and, when a municipality is given, `distance_km`.
    """
    queryset, origin, intent = offer_matches(
        filters=filters, base=base, intent=intent, text_first=True
    )
    queryset = queryset.select_related("model", "model__branch", "provider", "municipality__county")
    ordering: list[Any] = []
    if intent.models:
        queryset = queryset.annotate(relevance=_relevance(intent.models))
        # Without scores the relevance is the constant 0, which PostgreSQL would read
        # in ORDER BY as a (missing) column position.
        ordering.append("-relevance")
    if origin is not None:
        queryset = queryset.annotate(distance_km=_distance_expression(origin))
        ordering.append(F("distance_km").asc(nulls_last=True))
    # The id last keeps pages stable; sorting on joined names would cost a join per match.
    ordering.append("pk")
    return queryset.order_by(*ordering), origin


@dataclass(frozen=True)
class PlaceCount:
    """How many matching offers one model has in one municipality, and the lowest id."""

    model_id: int
    municipality_id: int
    count: int
    first: int


def place_counts(queryset: QuerySet[Offer]) -> list[PlaceCount]:
    """The matches counted per model and municipality: one grouped read of the offers' index.

    Relevance depends on the model alone and distance on the municipality alone, so these
    few hundred rows at most tell which offers a ranked page or a group needs: the ranked
    query then sorts those few instead of every match. Every match is counted, so a common
    word's matches are read from the full-text index first (`full_text_first`)."""
    grouped = (
        queryset.order_by()
        .values("model_id", "municipality_id")
        .annotate(n=Count("pk"), first=Min("pk"))
        .values_list("model_id", "municipality_id", "n", "first")
    )
    with full_text_first():
        return [PlaceCount(*row) for row in grouped]


# The published offers counted per model and municipality, per data token and day (what is
# published depends on the date): the few thousand pairs a search's counts are read from.
_PUBLISHED_COUNTS: dict[tuple[str, date], list[PlaceCount]] = {}


def published_place_counts(token: str | None = None) -> list[PlaceCount]:
    """`place_counts` of every published offer, kept in the process while the data token (new
    on every change to the atlas) and the day stay the same."""
    key = (token or figures_data_token(), timezone.localdate())
    found = _PUBLISHED_COUNTS.get(key)
    if found is None:
        found = place_counts(Offer.objects.published())
        _PUBLISHED_COUNTS.clear()
        _PUBLISHED_COUNTS[key] = found
    return found


def _model_level(
    *,
    filters: SearchFilters,
    base: QuerySet[Offer] | None,
    origin: Origin | None,
    intent: SearchIntent,
) -> bool:
    """Whether the filters choose only models and places (the words, a county, a distance:
    what nearly every search asks), so that the published counts answer them."""
    return not (
        base is not None
        or filters.remote is not None
        or filters.modified_after is not None
        or filters.occupation
        or filters.model
        or filters.branch
        or filters.kind
        or filters.language
        or intent.text_words
        or (filters.municipality and origin is None)
    )


def _counts_for(
    queryset: QuerySet[Offer],
    *,
    filters: SearchFilters,
    base: QuerySet[Offer] | None,
    origin: Origin | None,
    intent: SearchIntent,
) -> list[PlaceCount]:
    """The matches of `queryset` counted per model and municipality. When the filters choose
    only models and places (`_model_level`), the counts are picked from
    `published_place_counts` instead of counting the matches in the database; other filters
    (a language, remote, free text, a member's drafts) count."""
    if not _model_level(filters=filters, base=base, origin=origin, intent=intent):
        return place_counts(queryset)
    return _published_counts_for(filters=filters, origin=origin, intent=intent)[0]


def _published_counts_for(
    *, filters: SearchFilters, origin: Origin | None, intent: SearchIntent
) -> tuple[list[PlaceCount], bool]:
    """The published counts of the models and places the filters choose, and whether the
    places are limited at all (a county, a distance or a place named in the words)."""
    by_code, _distances = _distance_table(intent.data_token or None)
    places: set[int] | None = None

    def narrow(allowed: set[int]) -> None:
        nonlocal places
        places = allowed if places is None else places & allowed

    if filters.county:
        narrow({m.pk for m in by_code.values() if m.county.code == filters.county})
    if origin is not None and filters.within_km is not None:
        narrow({pk for pk, km in origin.distances.items() if km <= filters.within_km})
    if intent.places:
        narrow({by_code[code].pk for code in intent.places if code in by_code})
    models = set(intent.models) if intent.understood else None
    counts = [
        place
        for place in published_place_counts(intent.data_token or None)
        if (models is None or place.model_id in models)
        and (places is None or place.municipality_id in places)
    ]
    return counts, places is not None


def _wanted_places(places: list[PlaceCount]) -> dict[int, set[int]]:
    """The municipalities of `places` per model."""
    wanted: dict[int, set[int]] = {}
    for place in places:
        wanted.setdefault(place.model_id, set()).add(place.municipality_id)
    return wanted


def _whole_models(places: list[PlaceCount], among: list[PlaceCount]) -> set[int]:
    """The models of which `places` takes every pair `among` holds: a query can name such a
    model alone instead of its places."""
    held: dict[int, int] = {}
    for place in among:
        held[place.model_id] = held.get(place.model_id, 0) + 1
    return {pk for pk, taken in _wanted_places(places).items() if len(taken) == held[pk]}


def _places_q(places: list[PlaceCount], among: list[PlaceCount]) -> Q:
    """Offers of exactly the (model, municipality) pairs `places`, of all the pairs `among`
    that match: a model with all its pairs taken is named alone."""
    whole = _whole_models(places, among)
    condition = Q(model_id__in=sorted(whole)) if whole else Q(pk__in=[])
    for model_id, municipalities in sorted(_wanted_places(places).items()):
        if model_id not in whole:
            condition |= Q(model_id=model_id, municipality_id__in=sorted(municipalities))
    return condition


def _distance_key(origin: Origin | None, municipality_id: int) -> tuple[bool, float]:
    """Nearest first, unknown distances last (as NULLS LAST)."""
    distance = origin.distances.get(municipality_id) if origin else None
    return (distance is None, distance or 0.0)


# Columns a result list never shows: municipality and county boundaries (GeoJSON, decoded per
# row), the search text and the model's long texts.
HEAVY_COLUMNS = (
    "search_stems",
    "municipality__boundary",
    "municipality__county__boundary",
    "model__summary",
    "model__parties",
    "model__source_urls",
)


@dataclass
class ResultPage[T]:
    """One page of ranked results and the total, from a single pass over the matches."""

    items: list[T]
    count: int
    number: int
    size: int
    origin: Origin | None

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.size))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.count else 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _with_occupations(items: list[Offer], token: str | None) -> None:
    """Each offer's `occupation_codes` (its model's SSYK codes, sorted): from the catalogue
    for active models, from the database for the rest."""
    catalogue = {model.pk: model.codes for model in catalogue_models(token)}
    rest = [item for item in items if item.model_id not in catalogue]
    if rest:
        prefetch_related_objects(
            rest, Prefetch("model__occupations", queryset=Occupation.objects.only("pk", "code"))
        )
    for item in items:
        codes = catalogue.get(item.model_id)
        item.occupation_codes = sorted(  # type: ignore[attr-defined]  # read by the API
            codes if codes is not None else (o.code for o in item.model.occupations.all())
        )


def _with_distance(items: list[Any], origin: Origin | None) -> None:
    for item in items:
        item.distance_km = origin.distances.get(item.municipality_id) if origin else None


@dataclass
class _PagePlan:
    """Where one page of ranked offers lies: the matches, their total, and the query that
    reads just the page (ordered and sliced), from `offer_search_page`'s counts."""

    ranked: QuerySet[Offer] | None
    total: int
    number: int
    origin: Origin | None
    intent: SearchIntent


type Rank = tuple[float, bool, float]


def _ranker(intent: SearchIntent, origin: Origin | None) -> Callable[[PlaceCount], Rank]:
    """The rank of a (model, municipality) pair: most relevant, then nearest."""

    def rank(place: PlaceCount) -> Rank:
        return (
            -intent.models.get(place.model_id, 0.0),
            *_distance_key(origin, place.municipality_id),
        )

    return rank


def _page_pairs(
    counts: list[PlaceCount], rank: Callable[[PlaceCount], Rank], start: int, size: int
) -> tuple[list[PlaceCount], int]:
    """The pairs that hold the matches `start` to `start + size` in rank order, and how many
    matches rank before the first of them."""
    tiers: dict[Rank, list[PlaceCount]] = {}
    for place in counts:
        tiers.setdefault(rank(place), []).append(place)
    before = 0
    needed: list[PlaceCount] = []
    first_start = 0
    for key in sorted(tiers):
        size_of = sum(place.count for place in tiers[key])
        if not needed and before + size_of <= start:
            before += size_of
            continue
        if not needed:
            first_start = before
        needed.extend(tiers[key])
        before += size_of
        if before >= start + size:
            break
    return needed, first_start


def _page_plan(
    *,
    filters: SearchFilters,
    page: int,
    size: int,
    offset: int | None,
    base: QuerySet[Offer] | None,
    intent: SearchIntent | None,
) -> _PagePlan:
    queryset, origin, intent = offer_matches(filters=filters, base=base, intent=intent)
    start = offset if offset is not None else (max(page, 1) - 1) * size
    counts = _counts_for(queryset, filters=filters, base=base, origin=origin, intent=intent)
    total = sum(place.count for place in counts)

    rank = _ranker(intent, origin)
    needed, first_start = _page_pairs(counts, rank, start, size)
    ranked: QuerySet[Offer] | None = None
    if needed and size > 0:
        if intent.text_words and 2 * sum(place.count for place in needed) > total:
            # The page's pairs hold most of the matches (nothing ranks them apart): they are
            # read from the full-text index, as a list of every match is.
            queryset = offer_matches(filters=filters, base=base, intent=intent, text_first=True)[0]
        ranked = queryset.filter(_places_q(needed, counts))
        ordering: list[Any] = []
        if len({rank(place) for place in needed}) > 1:
            # Only the pairs read are ranked, so the CASE lists name only their models and
            # municipalities.
            models = {place.model_id for place in needed}
            ranked = ranked.annotate(
                relevance=_relevance({pk: intent.models.get(pk, 0.0) for pk in models})
            )
            ordering.append("-relevance")
            if origin is not None:
                places = {place.municipality_id for place in needed}
                ranked = ranked.annotate(
                    distance_km=_case_sql(
                        '"atlas_offer"."municipality_id"',
                        {pk: origin.distances[pk] for pk in places if pk in origin.distances},
                        "NULL",
                    )
                )
                ordering.append(F("distance_km").asc(nulls_last=True))
        ordering.append("pk")
        local = start - first_start
        ranked = ranked.order_by(*ordering)[local : local + size]
    return _PagePlan(
        ranked=ranked, total=total, number=start // size + 1, origin=origin, intent=intent
    )


def offer_search_page(
    *,
    filters: SearchFilters,
    page: int = 1,
    size: int = 20,
    offset: int | None = None,
    base: QuerySet[Offer] | None = None,
    intent: SearchIntent | None = None,
) -> ResultPage[Offer]:
    """A page of `offer_search` (most relevant first, then nearest, then by id), with model,
    provider, place and occupations loaded.

    The matches are counted per model and municipality first (`place_counts`); as relevance
    and distance follow from those two, the counts say which (model, municipality) pairs
    hold the page and how many matches rank before them. The ranked query then reads only
    those pairs: a page costs about the same whether 50 or 50 000 offers match."""
    plan = _page_plan(
        filters=filters, page=page, size=size, offset=offset, base=base, intent=intent
    )
    items: list[Offer] = []
    if plan.ranked is not None:
        items = list(
            plan.ranked.select_related("model", "provider", "municipality__county").defer(
                *HEAVY_COLUMNS
            )
        )
        _with_distance(items, plan.origin)
        _with_occupations(items, plan.intent.data_token or None)
    return ResultPage(
        items=items, count=plan.total, number=plan.number, size=size, origin=plan.origin
    )


# The offer's own columns an API row reads, after the names of its relations.
_OWN_COLUMNS = (
    "external_id",
    "status",
    "address",
    "latitude",
    "longitude",
    "description",
    "on_site",
    "remote",
    "at_workplace",
    "languages",
    "capacity_per_year",
    "lead_time_weeks",
    "cost_to_individual",
    "eligibility",
    "contact_name",
    "contact_email",
    "contact_phone",
    "url",
    "valid_from",
    "valid_to",
    "last_reviewed",
    "updated_at",
)

# What an API list row holds: the names of the offer's relations, then its own columns.
OFFER_ROW_FIELDS = (
    "id",
    "model_id",
    "model__name",
    "model__kind",
    "provider_id",
    "provider__name",
    "municipality_id",
    "municipality__code",
    "municipality__name",
    "municipality__county__code",
    *_OWN_COLUMNS,
)


def offer_search_rows(
    *,
    filters: SearchFilters,
    size: int = 20,
    offset: int = 0,
    base: QuerySet[Offer] | None = None,
) -> ResultPage[dict[str, Any]]:
    """`offer_search_page` as plain rows (`OFFER_ROW_FIELDS`, with `occupation_codes` and
    `distance_km`), for the API: the same ranking, read as tuples instead of five model
    instances per offer, which took most of an API request's time.

    When the filters choose only models and places (`_model_level`, nearly every request),
    the page's pairs come from the published counts and the page is read with one query
    written out here: building and compiling it through the ORM took more time than the
    database takes to answer it."""
    intent = search_intent(filters.query, language=filters.words_language)
    origin = municipality_origin(filters.municipality, token=intent.data_token or None)
    if _model_level(filters=filters, base=base, origin=origin, intent=intent):
        counts, limited = _published_counts_for(filters=filters, origin=origin, intent=intent)
        rows = _published_page_rows(
            counts, limited=limited, intent=intent, origin=origin, start=offset, size=size
        )
        total = sum(place.count for place in counts)
    else:
        plan = _page_plan(
            filters=filters, page=1, size=size, offset=offset, base=base, intent=intent
        )
        rows = []
        if plan.ranked is not None:
            rows = [
                dict(zip(OFFER_ROW_FIELDS, values, strict=True))
                for values in plan.ranked.values_list(*OFFER_ROW_FIELDS)
            ]
        total = plan.total
    _with_row_codes(rows, intent.data_token)
    distances = origin.distances if origin else None
    for row in rows:
        row["distance_km"] = (
            distances.get(row["municipality_id"]) if distances is not None else None
        )
    return ResultPage(
        items=rows, count=total, number=offset // size + 1 if size else 1, size=size, origin=origin
    )


def _with_row_codes(rows: list[dict[str, Any]], token: str) -> None:
    """Each row's `occupation_codes`: from the catalogue for active models, else read."""
    catalogue = {model.pk: model.codes for model in catalogue_models(token or None)}
    rest = {row["model_id"] for row in rows if row["model_id"] not in catalogue}
    other: dict[int, list[str]] = {}
    if rest:
        for model_id, code in ValidationModel.occupations.through.objects.filter(
            validationmodel_id__in=sorted(rest)
        ).values_list("validationmodel_id", "occupation__code"):
            other.setdefault(model_id, []).append(code)
    for row in rows:
        codes = catalogue.get(row["model_id"])
        row["occupation_codes"] = sorted(
            codes if codes is not None else other.get(row["model_id"], ())
        )


def _published_page_rows(
    counts: list[PlaceCount],
    *,
    limited: bool,
    intent: SearchIntent,
    origin: Origin | None,
    start: int,
    size: int,
) -> list[dict[str, Any]]:
    """Rows of the published offers ranked `start` to `start + size` among the pairs
    `counts` (which `limited` says are only some places of their models): the same order
    as `offer_search_page` (relevance, distance with unknown last, id)."""
    rank = _ranker(intent, origin)
    needed, first_start = _page_pairs(counts, rank, start, size)
    if not needed or size <= 0:
        return []
    if connection.vendor == "postgresql":
        found = _page_rows_prepared(
            needed,
            counts,
            limited=limited,
            intent=intent,
            origin=origin,
            local=start - first_start,
            size=size,
        )
    else:
        found = _page_rows_written(
            needed,
            counts,
            limited=limited,
            intent=intent,
            origin=origin,
            rank=rank,
            local=start - first_start,
            size=size,
        )
    return _page_row_dicts(found, intent)


def _page_rows_written(
    needed: list[PlaceCount],
    counts: list[PlaceCount],
    *,
    limited: bool,
    intent: SearchIntent,
    origin: Origin | None,
    rank: Callable[[PlaceCount], Rank],
    local: int,
    size: int,
) -> list[tuple[Any, ...]]:
    """The page's rows in one query written out for these pairs (SQLite)."""
    params: list[Any] = []
    # The pairs: a model with all its places wanted (and no place limit) is named alone.
    wanted = _wanted_places(needed)
    pairs: list[str] = []
    whole = [] if limited else sorted(_whole_models(needed, counts))
    if whole:
        pairs.append(f"o.model_id IN ({', '.join(['%s'] * len(whole))})")
        params += whole
    for model_id, places in sorted(wanted.items()):
        if model_id in whole:
            continue
        pairs.append(
            f"(o.model_id = %s AND o.municipality_id IN ({', '.join(['%s'] * len(places))}))"
        )
        params += [model_id, *sorted(places)]
    ordering = ""
    params_order: list[Any] = []
    if len({rank(place) for place in needed}) > 1:
        relevance = {place.model_id: intent.models.get(place.model_id, 0.0) for place in needed}
        case, params_order = _case_text("o.model_id", relevance, "0.0")
        ordering += f"{case} DESC, "
        if origin is not None:
            near = {
                place.municipality_id: origin.distances[place.municipality_id]
                for place in needed
                if place.municipality_id in origin.distances
            }
            if near:  # without any known distance the order does not change
                case, near_params = _case_text("o.municipality_id", near, "NULL")
                ordering += f"{case} ASC NULLS LAST, "
                params_order += near_params
    published, published_params = _published_sql("o")
    columns = ", ".join(f"o.{column}" for column in _OWN_COLUMNS)
    sql = (
        f"SELECT o.id, o.model_id, o.provider_id, o.municipality_id, p.name, {columns} "  # noqa: S608
        "FROM atlas_offer o INNER JOIN accounts_organisation p ON p.id = o.provider_id "
        f"WHERE {published} AND ({' OR '.join(pairs)}) "
        f"ORDER BY {ordering}o.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*published_params, *params, *params_order, size, local])
        return list(cursor.fetchall())


# The page of the public search on PostgreSQL, prepared once per connection: each pair (or,
# without an origin, each whole model) gives its first offers by id from the partial indexes
# of published offers (`offer_published_place`, `offer_published_model`), as many as the page
# can need of one pair; those few are then ranked. Within a pair relevance and distance are
# the same for every offer, so its offers on the page are always its first by id.
_PAGE_COLUMNS = ", ".join(f"o.{column}" for column in _OWN_COLUMNS)
_PAGE_STATEMENT = Prepared(
    "valnav_offer_page",
    f"SELECT o.id, o.model_id, o.provider_id, o.municipality_id, "  # noqa: S608 (constants)
    f"(SELECT p.name FROM accounts_organisation p WHERE p.id = o.provider_id), {_PAGE_COLUMNS} "
    "FROM (SELECT w.relevance, w.distance, x.* FROM unnest($1::bigint[], $2::bigint[], "
    "$3::float8[], $4::float8[]) AS w(model_id, municipality_id, relevance, distance) "
    "CROSS JOIN LATERAL (SELECT * FROM atlas_offer o WHERE o.model_id = w.model_id "
    f"AND o.municipality_id = w.municipality_id AND {_published_prepared('o', '$8')} "
    "ORDER BY o.id LIMIT $7) x "
    "UNION ALL SELECT w.relevance, NULL, x.* FROM unnest($5::bigint[], $6::float8[]) "
    "AS w(model_id, relevance) CROSS JOIN LATERAL (SELECT * FROM atlas_offer o "
    f"WHERE o.model_id = w.model_id AND {_published_prepared('o', '$8')} "
    "ORDER BY o.id LIMIT $7) x) o "
    "ORDER BY o.relevance DESC, o.distance ASC NULLS LAST, o.id LIMIT $9::int OFFSET $10::int",
)


def _page_rows_prepared(
    needed: list[PlaceCount],
    counts: list[PlaceCount],
    *,
    limited: bool,
    intent: SearchIntent,
    origin: Origin | None,
    local: int,
    size: int,
) -> list[tuple[Any, ...]]:
    """The page's rows from `_PAGE_STATEMENT` (PostgreSQL)."""
    # Without an origin every place of a model ranks alike: a model with all its places
    # wanted is read alone, from its own index, rather than place by place.
    whole = _whole_models(needed, counts) if origin is None and not limited else set()
    distances = origin.distances if origin is not None else {}
    pairs = [place for place in needed if place.model_id not in whole]
    return _PAGE_STATEMENT.rows(
        [
            [place.model_id for place in pairs],
            [place.municipality_id for place in pairs],
            [intent.models.get(place.model_id, 0.0) for place in pairs],
            [distances.get(place.municipality_id) for place in pairs],
            sorted(whole),
            [intent.models.get(pk, 0.0) for pk in sorted(whole)],
            local + size,
            timezone.localdate(),
            size,
            local,
        ]
    )


def _page_row_dicts(found: list[tuple[Any, ...]], intent: SearchIntent) -> list[dict[str, Any]]:
    """API rows (`OFFER_ROW_FIELDS`) of the page's offers: names from the catalogue and the
    distance table, the offer's own columns through the backend's converters."""
    converters = _own_column_converters()
    models = _group_models(intent.data_token or None)
    municipalities = _municipalities_by_pk(intent.data_token or None)
    rows: list[dict[str, Any]] = []
    for pk, model_id, provider_id, municipality_id, provider_name, *own in found:
        model = models.get(model_id) or ValidationModel.objects.get(pk=model_id)
        municipality = municipalities[municipality_id]
        row: dict[str, Any] = {
            "id": pk,
            "model_id": model_id,
            "model__name": model.name,
            "model__kind": model.kind,
            "provider_id": provider_id,
            "provider__name": provider_name,
            "municipality_id": municipality_id,
            "municipality__code": municipality.code,
            "municipality__name": municipality.name,
            "municipality__county__code": municipality.county.code,
        }
        for name, value in zip(_OWN_COLUMNS, own, strict=True):
            for convert in converters[name]:
                value = convert(value, None, connection)
            row[name] = value
        rows.append(row)
    return rows


_CONVERTERS: dict[str, dict[str, list[Any]]] = {}


def _own_column_converters() -> dict[str, list[Any]]:
    """The database backend's converters of each `_OWN_COLUMNS` field (SQLite gives dates
    and times as text; PostgreSQL needs none), worked out once per backend."""
    found = _CONVERTERS.get(connection.vendor)
    if found is None:
        found = {}
        for name in _OWN_COLUMNS:
            field = cast(Field[Any, Any], Offer._meta.get_field(name))
            column = field.get_col(Offer._meta.db_table)
            found[name] = connection.ops.get_db_converters(column) + field.get_db_converters(
                connection
            )
        _CONVERTERS[connection.vendor] = found
    return found


def _municipalities_by_pk(token: str | None) -> dict[int, Municipality]:
    by_code, _distances = _distance_table(token)
    return {municipality.pk: municipality for municipality in by_code.values()}


@dataclass(frozen=True)
class OfferSummary:
    """What a group on the search page shows of one offer."""

    pk: int
    model_id: int
    municipality_id: int
    provider_name: str
    municipality_name: str
    cost_to_individual: int | None
    lead_time_weeks: int | None
    remote: bool
    url: str
    distance_km: float | None

    @property
    def cost_text(self) -> str:
        return cost_text(self.cost_to_individual)

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_km)

    @property
    def facts(self) -> str:
        """Cost, usual start and remote, as a group lists them after the place: written here
        rather than by two {% blocktranslate %} per offer (about 40 offers on a page)."""
        parts = [self.cost_text]
        if self.lead_time_weeks:
            parts.append(
                ngettext(
                    "Usually starts within %(weeks)s week",
                    "Usually starts within %(weeks)s weeks",
                    self.lead_time_weeks,
                )
                % {"weeks": self.lead_time_weeks}
            )
        if self.remote:
            parts.append(_("Can be done remotely"))
        return " · ".join(parts)


def distance_text(km: float | None) -> str:
    """ " (12 km away)" after a place other than the chosen municipality, else nothing."""
    if km is None or km <= 0:
        return ""
    return " (" + _("%(km)s km away") % {"km": floatformat(km, 0)} + ")"


@dataclass
class ModelGroup:
    """One validation model in the results, with its nearest offers."""

    model: ValidationModel
    relevance: float
    count: int
    offers: list[OfferSummary]

    @property
    def more(self) -> int:
        return self.count - len(self.offers)


@dataclass
class GroupedResult:
    """The search page's answer: one entry per model instead of one per offer."""

    groups: list[ModelGroup]
    count: int
    origin: Origin | None
    intent: SearchIntent


# Validation models with their branch, per data token: a group shows a model's name, kind and
# branch, which a search would otherwise join on every offer it reads.
_GROUP_MODELS: dict[str, dict[int, ValidationModel]] = {}


def _group_models(token: str | None) -> dict[int, ValidationModel]:
    token = token or figures_data_token()
    found = _GROUP_MODELS.get(token)
    if found is None:
        found = {
            model.pk: model
            for model in ValidationModel.objects.select_related("branch").defer(
                "summary", "parties", "source_urls"
            )
        }
        _GROUP_MODELS.clear()
        _GROUP_MODELS[token] = found
    return found


# The columns of an OfferSummary, after its id, model and municipality ids.
_SUMMARY_FIELDS = (
    "pk",
    "model_id",
    "municipality_id",
    "provider__name",
    "municipality__name",
    "cost_to_individual",
    "lead_time_weeks",
    "remote",
)


def offer_url_pattern() -> str:
    """The offer page's address with `{}` for the id: one `reverse` per page of results
    instead of one per offer."""
    marker = 999_999_999
    return reverse("atlas:offer-detail", kwargs={"pk": marker}).replace(str(marker), "{}")


def offer_groups(
    *, filters: SearchFilters, per_model: int = 3, intent: SearchIntent | None = None
) -> GroupedResult:
    """Matching offers grouped by model: most relevant model first, then the one with the
    nearest offer; each with its `per_model` nearest offers (then by id) and how many it has.

    The matches are counted per model and municipality (`place_counts`); from those counts
    and the distances the pairs that can hold each model's nearest offers are known, and one
    query reads the first few offers of just those pairs, as rows.
    """
    if intent is None:
        intent = search_intent(filters.query, language=filters.words_language)
    origin = municipality_origin(filters.municipality, token=intent.data_token or None)
    queryset: QuerySet[Offer] | None = None
    if _model_level(filters=filters, base=None, origin=origin, intent=intent):
        counts = _published_counts_for(filters=filters, origin=origin, intent=intent)[0]
    else:
        queryset, origin, intent = offer_matches(filters=filters, intent=intent)
        counts = place_counts(queryset)
    in_model: dict[int, int] = {}
    by_model: dict[int, list[PlaceCount]] = {}
    for place in counts:
        in_model[place.model_id] = in_model.get(place.model_id, 0) + place.count
        by_model.setdefault(place.model_id, []).append(place)
    chosen: list[PlaceCount] = []
    for places in by_model.values():
        # Walk the municipalities nearest first; among equally near ones the offers with the
        # lowest ids come first, and they lie in the pairs with the lowest first ids.
        tiers: dict[tuple[bool, float], list[PlaceCount]] = {}
        for place in places:
            tiers.setdefault(_distance_key(origin, place.municipality_id), []).append(place)
        taken = 0
        for key in sorted(tiers):
            tier = sorted(tiers[key], key=lambda place: place.first)[: per_model - taken]
            chosen.extend(tier)
            taken += sum(place.count for place in tier)
            if taken >= per_model:
                break
    offers: list[OfferSummary] = []
    if chosen:
        offers = _first_offers(
            chosen, counts, queryset=queryset, origin=origin, per_model=per_model, intent=intent
        )
    models = _group_models(intent.data_token or None)
    groups_by_model: dict[int, ModelGroup] = {}
    offers.sort(key=lambda offer: (*_distance_key(origin, offer.municipality_id), offer.pk))
    for offer in offers:
        group = groups_by_model.get(offer.model_id)
        if group is None:
            group = groups_by_model[offer.model_id] = ModelGroup(
                model=models.get(offer.model_id) or ValidationModel.objects.get(pk=offer.model_id),
                relevance=intent.models.get(offer.model_id, 0.0),
                count=in_model[offer.model_id],
                offers=[],
            )
        if len(group.offers) < per_model:
            group.offers.append(offer)

    def nearest(group: ModelGroup) -> float:
        distance = group.offers[0].distance_km
        return distance if distance is not None else 0.0

    groups = sorted(
        groups_by_model.values(),
        key=lambda g: (-g.relevance, nearest(g), g.model.name, g.model.pk),
    )
    return GroupedResult(
        groups=groups, count=sum(g.count for g in groups), origin=origin, intent=intent
    )


def _first_offers(
    chosen: list[PlaceCount],
    counts: list[PlaceCount],
    *,
    queryset: QuerySet[Offer] | None,
    origin: Origin | None,
    per_model: int,
    intent: SearchIntent,
) -> list[OfferSummary]:
    """The first `per_model` offers by id of each pair in `chosen`, as summaries: a window in
    a subquery. With `queryset` (filters beyond models and places) its compiled conditions;
    without, the pairs are all that is asked of published offers, and the query is written
    out here, which costs less than building and compiling it through the ORM."""
    url = offer_url_pattern()
    distances = origin.distances if origin is not None else {}
    found: list[tuple[Any, ...]]
    if queryset is not None:
        numbered = (
            queryset.filter(_places_q(chosen, counts))
            .order_by()
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("model_id"), F("municipality_id")],
                    order_by=F("pk").asc(),
                )
            )
            .values_list(*_SUMMARY_FIELDS, "position")
        )
        sql, compiled = numbered.query.sql_with_params()
        # The ORM names each column after its lookup ("provider__name"), so they differ.
        sql = f'SELECT * FROM ({sql}) AS numbered WHERE numbered."position" <= %s'  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*compiled, per_model])
            found = [row[:-1] for row in cursor.fetchall()]
    else:
        if connection.vendor == "postgresql":
            rows = _FIRST_OFFERS_STATEMENT.rows(
                [
                    [place.model_id for place in chosen],
                    [place.municipality_id for place in chosen],
                    timezone.localdate(),
                    per_model,
                ]
            )
        else:
            rows = _first_offers_written(chosen, per_model)
        # The municipality's name from the distance table, not a join.
        names = _municipalities_by_pk(intent.data_token or None)
        found = [
            (pk, model, place, provider, names[place].name, cost, weeks, remote)
            for pk, model, place, provider, cost, weeks, remote in rows
        ]
    return [
        OfferSummary(
            pk=pk,
            model_id=model_id,
            municipality_id=municipality_id,
            provider_name=provider_name,
            municipality_name=municipality_name,
            cost_to_individual=cost,
            lead_time_weeks=weeks,
            remote=bool(remote),
            url=url.format(pk),
            distance_km=distances.get(municipality_id),
        )
        for (
            pk,
            model_id,
            municipality_id,
            provider_name,
            municipality_name,
            cost,
            weeks,
            remote,
        ) in found
    ]


def _first_offers_written(chosen: list[PlaceCount], per_model: int) -> list[tuple[Any, ...]]:
    """The first `per_model` published offers by id of each pair, numbered in a window
    (SQLite, which has no LATERAL join)."""
    pairs_sql, pair_params = _pairs_condition(chosen)
    published, published_params = _published_sql("o")
    sql = (
        "SELECT id, model_id, municipality_id, name, cost_to_individual, "  # noqa: S608
        "lead_time_weeks, remote FROM (SELECT o.id, o.model_id, o.municipality_id, p.name, "
        "o.cost_to_individual, o.lead_time_weeks, o.remote, ROW_NUMBER() OVER "
        "(PARTITION BY o.model_id, o.municipality_id ORDER BY o.id) AS position "
        "FROM atlas_offer o INNER JOIN accounts_organisation p ON p.id = o.provider_id "
        f"WHERE {published} AND ({pairs_sql})) AS numbered "
        "WHERE numbered.position <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*published_params, *pair_params, per_model])
        return list(cursor.fetchall())


# Each pair's first offers by id, from the partial index of published offers by place
# (PostgreSQL, prepared once per connection: see `_PAGE_STATEMENT`).
_FIRST_OFFERS_STATEMENT = Prepared(
    "valnav_first_offers",
    "SELECT x.id, x.model_id, x.municipality_id, "  # noqa: S608 (constants, no input)
    "(SELECT p.name FROM accounts_organisation p WHERE p.id = x.provider_id), "
    "x.cost_to_individual, x.lead_time_weeks, x.remote "
    "FROM unnest($1::bigint[], $2::bigint[]) AS w(model_id, municipality_id) "
    "CROSS JOIN LATERAL (SELECT o.id, o.model_id, o.municipality_id, o.provider_id, "
    "o.cost_to_individual, o.lead_time_weeks, o.remote FROM atlas_offer o "
    "WHERE o.model_id = w.model_id AND o.municipality_id = w.municipality_id "
    f"AND {_published_prepared('o', '$3')} ORDER BY o.id LIMIT $4::int) x",
)


def _pairs_condition(places: list[PlaceCount]) -> tuple[str, list[int]]:
    """SQL for offers (`o`) in exactly the (model, municipality) pairs of `places`."""
    parts: list[str] = []
    params: list[int] = []
    for model_id, municipalities in sorted(_wanted_places(places).items()):
        marks = ", ".join(["%s"] * len(municipalities))
        parts.append(f"(o.model_id = %s AND o.municipality_id IN ({marks}))")
        params += [model_id, *sorted(municipalities)]
    return " OR ".join(parts), params


def guidance_contact(municipality_code: str) -> Organisation | None:
    """The municipality's own organisation (its Komvux principal), where a visitor asks for
    study and career guidance (vägledning) when the search finds nothing."""
    if not municipality_code:
        return None
    return guidance_organisations().filter(municipality__code=municipality_code).first()


def _education_matches(
    *,
    filters: SearchFilters,
    base: QuerySet[ComplementaryEducation] | None = None,
    origin: Origin | None = None,
    intent: SearchIntent | None = None,
) -> tuple[QuerySet[ComplementaryEducation], Origin | None]:
    """Published complementary education matching `filters`, unordered."""
    if origin is None:
        origin = municipality_origin(
            filters.municipality, token=intent.data_token if intent is not None else None
        )
    queryset = (
        base if base is not None else ComplementaryEducation.objects.published()
    ).select_related("provider", "municipality__county")
    queryset = _apply_common(queryset, filters, origin)
    if filters.occupation:
        queryset = queryset.filter(
            pk__in=ComplementaryEducation.objects.filter(
                occupations__in=occupation_codes(filters.occupation)
            ).values("pk")
        )
    if intent is None:
        intent = search_intent(filters.query, language=filters.words_language)
    if intent.understood:
        # Occupations reach education through the models whose gaps it closes, or through
        # its own occupations.
        queryset = queryset.filter(
            pk__in=ComplementaryEducation.closes_gaps_of.through.objects.filter(
                validationmodel_id__in=sorted(intent.models)
            ).values("complementaryeducation_id")
        )
    if intent.places:
        queryset = queryset.filter(municipality__code__in=intent.places)
    for condition in _text_conditions("atlas_complementaryeducation", intent.text_words):
        queryset = queryset.filter(condition)
    return queryset, origin


def education_search(
    *,
    filters: SearchFilters,
    base: QuerySet[ComplementaryEducation] | None = None,
    origin: Origin | None = None,
    intent: SearchIntent | None = None,
) -> tuple[QuerySet[ComplementaryEducation], Origin | None]:
    """Published complementary education matching `filters`, nearest first, then by title.
    Pass `origin` when the caller has it already (the search page shares the offers' one)."""
    queryset, origin = _education_matches(filters=filters, base=base, origin=origin, intent=intent)
    ordering: list[Any] = []
    if origin is not None:
        queryset = queryset.annotate(
            distance_km=_distance_expression(origin, "atlas_complementaryeducation")
        )
        ordering.append(F("distance_km").asc(nulls_last=True))
    ordering += ["title", "pk"]
    return queryset.order_by(*ordering), origin


@dataclass(frozen=True)
class EducationSummary:
    """What the search page shows of one complementary education."""

    pk: int
    title: str
    provider_name: str
    municipality_id: int
    municipality_name: str
    form: str
    remote: bool
    url: str
    distance_km: float | None

    @property
    def distance_text(self) -> str:
        return distance_text(self.distance_km)

    @property
    def form_label(self) -> str:
        return str(dict(EducationForm.choices).get(self.form, self.form))


# What a summary reads of each row, in this order (the place's name comes from the distance
# table).
_EDUCATION_FIELDS = ("pk", "title", "provider__name", "municipality_id", "form", "remote")


def _education_summaries(
    rows: Iterable[tuple[Any, ...]], *, origin: Origin | None, token: str
) -> list[EducationSummary]:
    """Summaries of rows of `_EDUCATION_FIELDS`, with their place and distance."""
    marker = 999_999_999
    url = reverse("atlas:education-detail", kwargs={"pk": marker}).replace(str(marker), "{}")
    municipalities = _municipalities_by_pk(token or None)
    distances = origin.distances if origin is not None else {}
    return [
        EducationSummary(
            pk=pk,
            title=title,
            provider_name=provider_name,
            municipality_id=municipality_id,
            municipality_name=municipalities[municipality_id].name,
            form=form,
            remote=bool(remote),
            url=url.format(pk),
            distance_km=distances.get(municipality_id),
        )
        for pk, title, provider_name, municipality_id, form, remote in rows
    ]


def education_nearest(
    *,
    filters: SearchFilters,
    origin: Origin | None,
    intent: SearchIntent | None = None,
    limit: int = 10,
) -> list[EducationSummary]:
    """The first `limit` of `education_search` (nearest, then by title), for the search page,
    as rows."""
    if intent is None:
        intent = search_intent(filters.query, language=filters.words_language)
    if _education_by_places(filters, intent):
        return _nearest_education_rows(filters=filters, origin=origin, intent=intent, limit=limit)
    queryset, origin = _education_matches(filters=filters, origin=origin, intent=intent)
    if origin is None:
        ordered = queryset.order_by("title", "pk")
    else:
        # One query, all matches ordered by distance: the database sorts the few hundred or
        # thousand matches in about a millisecond, less than counting them per municipality
        # first and then reading the nearest (two round trips) took.
        ordered = queryset.annotate(
            distance_km=_distance_expression(origin, "atlas_complementaryeducation")
        ).order_by(F("distance_km").asc(nulls_last=True), "title", "pk")
    return _education_summaries(
        ordered.values_list(*_EDUCATION_FIELDS)[:limit], origin=origin, token=intent.data_token
    )


def _education_by_places(filters: SearchFilters, intent: SearchIntent) -> bool:
    """Whether the filters ask only for models, places and remote (what nearly every search
    page asks), which `_nearest_education_rows` answers with one query written out here."""
    return not (filters.occupation or filters.modified_after is not None or intent.text_words)


def _nearest_education_rows(
    *,
    filters: SearchFilters,
    origin: Origin | None,
    intent: SearchIntent,
    limit: int,
) -> list[EducationSummary]:
    """`education_nearest` for filters of models and places, in one query written out: the
    ORM took about 3 ms of CPU to build the same query (its CASE of 52 distances) on every
    search page, several times what the database takes to answer it. The same rows in the
    same order as `education_search` (nearest, unknown distance last, title, id)."""
    if origin is None:
        origin = municipality_origin(filters.municipality, token=intent.data_token or None)
    if filters.municipality and origin is None:
        return []  # an unknown municipality finds nothing
    if intent.understood and not intent.models:
        return []
    by_code, _distances = _distance_table(intent.data_token or None)
    if connection.vendor == "postgresql" and intent.understood:
        return _nearest_education_prepared(
            filters=filters, origin=origin, intent=intent, limit=limit, by_code=by_code
        )
    published, params = _published_sql("e")
    where = [published]
    places = _education_places(filters=filters, origin=origin, intent=intent, by_code=by_code)
    if places is not None:
        marks = ", ".join(["%s"] * len(places))
        where.append(f"e.municipality_id IN ({marks})" if places else "1 = 0")
        params.extend(places)
    if filters.remote is not None:
        where.append("e.remote = %s")
        params.append(filters.remote)
    if intent.understood:
        # Occupations reach education through the models whose gaps it closes.
        models = sorted(intent.models)
        where.append(
            "e.id IN (SELECT g.complementaryeducation_id "  # noqa: S608  (placeholders only)
            "FROM atlas_complementaryeducation_closes_gaps_of g "
            f"WHERE g.validationmodel_id IN ({', '.join(['%s'] * len(models))}))"
        )
        params.extend(models)
    ordering = ""
    if origin is not None and origin.distances:
        case, case_params = _case_text("e.municipality_id", origin.distances, "NULL")
        ordering = f"{case} ASC NULLS LAST, "
        params.extend(case_params)
    sql = (
        "SELECT e.id, e.title, p.name, e.municipality_id, e.form, e.remote "  # noqa: S608
        "FROM atlas_complementaryeducation e "
        "INNER JOIN accounts_organisation p ON p.id = e.provider_id "
        f"WHERE {' AND '.join(where)} ORDER BY {ordering}e.title, e.id LIMIT %s"
    )
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _education_summaries(cursor.fetchall(), origin=origin, token=intent.data_token)


def _education_places(
    *,
    filters: SearchFilters,
    origin: Origin | None,
    intent: SearchIntent,
    by_code: dict[str, Municipality],
) -> list[int] | None:
    """The municipalities (pks, sorted) the filters allow education in: the county, the
    distance from the origin and the places the words name, all of them; None for any."""
    places: set[int] | None = None

    def among(allowed: Iterable[int]) -> None:
        nonlocal places
        places = set(allowed) if places is None else places & set(allowed)

    if filters.county:
        among(m.pk for m in by_code.values() if m.county.code == filters.county)
    if origin is not None and filters.within_km is not None:
        among(pk for pk, km in origin.distances.items() if km <= filters.within_km)
    if intent.places:
        among(by_code[code].pk for code in intent.places if code in by_code)
    return None if places is None else sorted(places)


# `_nearest_education_rows` for words that name models, on PostgreSQL: prepared once per
# connection (see `_PAGE_STATEMENT`). The places allowed ($3, NULL for all), remote ($4, NULL
# for either) and each municipality's distance ($5 and $6: ids and kilometres) come as values.
_NEAREST_EDUCATION_STATEMENT = Prepared(
    "valnav_nearest_education",
    "SELECT e.id, e.title, (SELECT p.name FROM accounts_organisation p "  # noqa: S608 (constants)
    "WHERE p.id = e.provider_id), e.municipality_id, e.form, e.remote "
    "FROM atlas_complementaryeducation e "
    f"WHERE {_published_prepared('e', '$1')} AND e.id IN (SELECT g.complementaryeducation_id "
    "FROM atlas_complementaryeducation_closes_gaps_of g "
    "WHERE g.validationmodel_id = ANY($2::bigint[])) "
    "AND ($3::bigint[] IS NULL OR e.municipality_id = ANY($3::bigint[])) "
    "AND ($4::boolean IS NULL OR e.remote = $4::boolean) "
    "ORDER BY ($6::float8[])[array_position($5::bigint[], e.municipality_id)] ASC NULLS LAST, "
    "e.title, e.id LIMIT $7::int",
)


def _nearest_education_prepared(
    *,
    filters: SearchFilters,
    origin: Origin | None,
    intent: SearchIntent,
    limit: int,
    by_code: dict[str, Municipality],
) -> list[EducationSummary]:
    """`_nearest_education_rows` from `_NEAREST_EDUCATION_STATEMENT`, for understood words."""
    distances = origin.distances if origin is not None else {}
    rows = _NEAREST_EDUCATION_STATEMENT.rows(
        [
            timezone.localdate(),
            sorted(intent.models),
            _education_places(filters=filters, origin=origin, intent=intent, by_code=by_code),
            filters.remote,
            list(distances),
            list(distances.values()),
            limit,
        ]
    )
    return _education_summaries(rows, origin=origin, token=intent.data_token)


def offer_detail_queryset(base: QuerySet[Offer]) -> QuerySet[Offer]:
    return base.select_related(
        "model__branch", "model__owner", "provider", "municipality__county"
    ).prefetch_related(
        "model__steps",
        "model__criteria",
        Prefetch("model__occupations", queryset=Occupation.objects.order_by("code")),
    )


def education_near(
    *, model: ValidationModel, municipality: Municipality, limit: int = 5
) -> list[ComplementaryEducation]:
    """Published education that closes this model's gaps or trains for its occupations,
    nearest first."""
    origin = municipality_origin(municipality.code)
    queryset: QuerySet[Any] = (
        ComplementaryEducation.objects.published()
        .filter(
            Q(pk__in=ComplementaryEducation.objects.filter(closes_gaps_of=model).values("pk"))
            | Q(
                pk__in=ComplementaryEducation.objects.filter(
                    occupations__in=model.occupations.all()
                ).values("pk")
            )
        )
        .select_related("provider", "municipality")
    )
    if origin is not None:
        queryset = queryset.annotate(
            distance_km=_distance_expression(origin, "atlas_complementaryeducation")
        ).order_by(F("distance_km").asc(nulls_last=True), "title")
    return list(queryset[:limit])


@dataclass
class CoverageRow:
    municipality: Municipality
    offers: int
    capacity: int


def coverage_by_municipality(
    *, occupation: str = "", branch: str = "", models: list[int] | None = None
) -> list[CoverageRow]:
    """Published offers and yearly capacity per municipality; zero rows are the white spots.
    `models` (from the search's matcher) limits the count to those validation models."""
    offers = Offer.objects.published()
    if models is not None:
        offers = offers.filter(model_id__in=sorted(models))
    if occupation:
        offers = offers.filter(
            model_id__in=ValidationModel.objects.filter(
                occupations__in=occupation_codes(occupation)
            ).values("pk")
        )
    if branch:
        offers = offers.filter(model__branch__key=branch)
    totals: dict[int, tuple[int, int]] = {
        municipality_id: (count, capacity or 0)
        for municipality_id, count, capacity in offers.values("municipality_id")
        .annotate(n=Count("pk"), capacity=Sum("capacity_per_year"))
        .values_list("municipality_id", "n", "capacity")
    }
    return [
        CoverageRow(
            municipality=municipality,
            offers=totals.get(municipality.pk, (0, 0))[0],
            capacity=totals.get(municipality.pk, (0, 0))[1],
        )
        for municipality in Municipality.objects.with_county().order_by("county__code", "name")
    ]


# Bins of the coverage map: whole offers only, so the legend never speaks of half an offer.
# The first is the white spot (no offer), the last open-ended.
COVERAGE_BINS: list[tuple[int, int | None]] = [(0, 0), (1, 2), (3, 5), (6, 10), (11, None)]
COVERAGE_FILLS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]  # light to dark blue


def coverage_bin(offers: int) -> int:
    """The index in COVERAGE_BINS of the bin that holds `offers`."""
    return next(
        index
        for index, (low, high) in enumerate(COVERAGE_BINS)
        if offers >= low and (high is None or offers <= high)
    )


def _bin_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s or more") % {"low": number_text(low)}
    if low == high:
        return number_text(low)
    return f"{number_text(low)}\u2013{number_text(high)}"


def coverage_map_data(rows: list[CoverageRow]) -> MapData:
    """Offers per municipality on the map, in bins of whole offers; a municipality without any
    (a white spot) stands out from both the light bins and the white background."""
    styles = [
        MapStyle(
            label=_("0, white spot"),
            fill=WHITE_SPOT_FILL,
            outline=WHITE_SPOT_OUTLINE,
            outline_width=2.5,
        ),
        *(
            MapStyle(label=_bin_label(low, high), fill=fill, outline=outline_for(fill))
            for (low, high), fill in zip(COVERAGE_BINS[1:], COVERAGE_FILLS, strict=True)
        ),
    ]
    return category_map_data(
        municipalities=[row.municipality for row in rows],
        styles=styles,
        category=[coverage_bin(row.offers) for row in rows],
        text=[
            ngettext(
                "%(municipality)s: %(count)s published offer",
                "%(municipality)s: %(count)s published offers",
                row.offers,
            )
            % {"municipality": row.municipality.name, "count": number_text(row.offers)}
            for row in rows
        ],
        customdata=[row.municipality.county.name for row in rows],
        title=_("Published offers per municipality"),
    )
