"""Reads over the atlas: the public search, offer pages, nearest education and coverage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from valnav.atlas.models import ComplementaryEducation, Offer, ValidationModel
from valnav.atlas.search import ids_matching_stem, query_stems
from valnav.lib.geo import haversine_km
from valnav.lib.stemming import stems, words
from valnav.places.models import Municipality
from valnav.places.selectors import MapData, map_center, municipality_geojson
from valnav.taxonomy.models import Occupation, fold


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


@dataclass
class Origin:
    """The municipality distances are measured from, with the distance to every other."""

    municipality: Municipality
    distances: dict[int, float] = field(default_factory=dict)


def municipality_origin(code: str) -> Origin | None:
    """Distances in km between municipality centroids, from the one with `code`."""
    if not code:
        return None
    municipalities = list(Municipality.objects.all())
    origin = next((m for m in municipalities if m.code == code), None)
    if origin is None:
        return None
    return Origin(
        municipality=origin,
        distances={
            m.pk: round(
                haversine_km(
                    origin.centroid_lat, origin.centroid_lon, m.centroid_lat, m.centroid_lon
                ),
                1,
            )
            for m in municipalities
        },
    )


def _distance_expression(origin: Origin) -> Case:
    return Case(
        *[When(municipality_id=pk, then=Value(km)) for pk, km in origin.distances.items()],
        default=Value(None),
        output_field=FloatField(),
    )


def occupation_model_ids(query_words: list[str]) -> dict[str, set[int]]:
    """For each word, the models whose occupations (with JobTech synonyms) have a word starting
    with it: "undersköterska" finds Komvux vård och omsorg although its text says otherwise."""
    pairs = ValidationModel.occupations.through.objects.filter(
        validationmodel__is_active=True
    ).values_list("validationmodel_id", "occupation__search_text")
    # Long words may sit inside Swedish compounds ("serviceelektriker"); short ones must start
    # a word, or "el" would match "hotell".
    wanted = {
        word: re.compile(
            re.escape(fold(word)) if len(word) >= 6 else rf"(?<!\w){re.escape(fold(word))}"
        )
        for word in query_words
    }
    found: dict[str, set[int]] = {word: set() for word in query_words}
    for model_id, text in pairs:
        for word, pattern in wanted.items():
            if pattern.search(text):
                found[word].add(model_id)
    return found


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


def _text_conditions(
    table: str, filters: SearchFilters, *, model_field: str | None
) -> tuple[list[Q], list[Any]]:
    """One condition per query word (all must hold) and one relevance term per word."""
    query_words = [word for word in words(filters.query) if stems(word)]
    by_word = occupation_model_ids(query_words) if model_field else {}
    conditions: list[Q] = []
    relevance: list[Any] = []
    for word in query_words:
        word_stems = query_stems(word)
        text = Q()
        for stem in word_stems:
            text &= Q(pk__in=ids_matching_stem(table, stem))
        condition = text
        if model_field and by_word.get(word):
            condition = text | Q(**{f"{model_field}__in": sorted(by_word[word])})
            relevance.append(
                Case(
                    When(**{f"{model_field}__in": sorted(by_word[word])}, then=Value(2)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        conditions.append(condition)
        relevance.append(
            Case(When(text, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    return conditions, relevance


def offer_search(
    *, filters: SearchFilters, base: QuerySet[Offer] | None = None
) -> tuple[QuerySet[Offer], Origin | None]:
    """Published offers matching `filters`, most relevant first, then nearest.

    Each offer carries `relevance` and, when a municipality is given, `distance_km`.
    """
    origin = municipality_origin(filters.municipality)
    queryset = (base if base is not None else Offer.objects.published()).select_related(
        "model", "model__branch", "provider", "municipality__county"
    )
    queryset = _apply_common(queryset, filters, origin)
    if filters.occupation:
        queryset = queryset.filter(
            model_id__in=ValidationModel.objects.filter(
                occupations__in=occupation_codes(filters.occupation)
            ).values("pk")
        )
    if filters.branch:
        queryset = queryset.filter(model__branch__key=filters.branch)
    if filters.kind:
        queryset = queryset.filter(model__kind=filters.kind)
    if filters.language:
        queryset = queryset.filter(languages__contains=f",{filters.language.lower()},")
    conditions, relevance = _text_conditions("atlas_offer", filters, model_field="model_id")
    for condition in conditions:
        queryset = queryset.filter(condition)
    score: Any = Value(0, output_field=IntegerField())
    for term in relevance:
        score = score + term
    queryset = queryset.annotate(relevance=score)
    ordering: list[Any] = ["-relevance"]
    if origin is not None:
        queryset = queryset.annotate(distance_km=_distance_expression(origin))
        ordering.append(F("distance_km").asc(nulls_last=True))
    ordering += ["model__name", "municipality__name", "pk"]
    return queryset.order_by(*ordering), origin


def education_search(
    *, filters: SearchFilters, base: QuerySet[ComplementaryEducation] | None = None
) -> tuple[QuerySet[ComplementaryEducation], Origin | None]:
    """Published complementary education matching `filters`, most relevant first, then nearest."""
    origin = municipality_origin(filters.municipality)
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
    conditions, relevance = _text_conditions(
        "atlas_complementaryeducation", filters, model_field=None
    )
    if filters.query:
        # Occupation synonyms reach education through the models whose gaps it closes.
        by_word = occupation_model_ids([w for w in words(filters.query) if stems(w)])
        conditions = [
            condition
            | Q(
                pk__in=ComplementaryEducation.objects.filter(
                    closes_gaps_of__in=sorted(by_word.get(word, set()))
                ).values("pk")
            )
            if by_word.get(word)
            else condition
            for word, condition in zip(
                [w for w in words(filters.query) if stems(w)], conditions, strict=True
            )
        ]
    for condition in conditions:
        queryset = queryset.filter(condition)
    score: Any = Value(0, output_field=IntegerField())
    for term in relevance:
        score = score + term
    queryset = queryset.annotate(relevance=score)
    ordering: list[Any] = ["-relevance"]
    if origin is not None:
        queryset = queryset.annotate(distance_km=_distance_expression(origin))
        ordering.append(F("distance_km").asc(nulls_last=True))
    ordering += ["title", "pk"]
    return queryset.order_by(*ordering), origin


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
        queryset = queryset.annotate(distance_km=_distance_expression(origin)).order_by(
            F("distance_km").asc(nulls_last=True), "title"
        )
    return list(queryset[:limit])


@dataclass
class CoverageRow:
    municipality: Municipality
    offers: int
    capacity: int


def coverage_by_municipality(*, occupation: str = "", branch: str = "") -> list[CoverageRow]:
    """Published offers and yearly capacity per municipality; zero rows are the white spots."""
    offers = Offer.objects.published()
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


def coverage_map_data(rows: list[CoverageRow], *, label: str) -> MapData:
    """Offers per municipality on the map; municipalities without any stay white."""
    municipalities = [row.municipality for row in rows]
    top = max((row.offers for row in rows), default=0)
    return {
        "geojson": municipality_geojson(municipalities),
        "locations": [m.code for m in municipalities],
        "z": [row.offers for row in rows],
        "text": [f"{row.municipality.name}: {row.offers}" for row in rows],
        "customdata": [row.municipality.county.name for row in rows],
        "hovertemplate": "%{text}<br>%{customdata}<extra></extra>",
        # Zero is white (a white spot); one offer or more runs from light to dark blue.
        "colorscale": [(0.0, "#ffffff"), (0.0001, "#c6dbef"), (1.0, "#08306b")],
        "zmin": 0,
        "zmax": max(top, 1),
        "center": map_center(municipalities),
        "showscale": True,
        "colorbar_title": label,
    }
