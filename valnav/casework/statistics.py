"""Aggregates of casework for those who see no cases: regional strategists and project
management. Every count passes through `facts.suppress`: one to four people show as "<5"."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from valnav.casework.facts import suppress
from valnav.casework.models import ValidationCase
from valnav.casework.states import Decision
from valnav.places.models import Municipality


@dataclass(frozen=True)
class MunicipalityCounts:
    municipality: Municipality
    started: int | str
    full: int | str
    partial: int | str
    not_met: int | str
    documented: int | str


def case_counts_by_municipality(*, county_code: str = "") -> list[MunicipalityCounts]:
    """Cases started, decisions and documents issued per municipality (of the person's home
    when the case opened), every municipality listed so that an absence shows as 0."""
    municipalities = Municipality.objects.select_related("county").order_by("county__code", "name")
    if county_code:
        municipalities = municipalities.filter(county__code=county_code)
    counts: dict[int, dict[str, int]] = {
        row["municipality"]: row  # type: ignore[misc]  # values() rows are plain dicts
        for row in ValidationCase.objects.filter(municipality__in=municipalities)
        .values("municipality")
        .annotate(
            started=Count("pk", distinct=True),
            full=Count("pk", filter=Q(decision=Decision.FULL), distinct=True),
            partial=Count("pk", filter=Q(decision=Decision.PARTIAL), distinct=True),
            not_met=Count("pk", filter=Q(decision=Decision.NOT_MET), distinct=True),
            documented=Count(
                "pk",
                filter=Q(credentials__revoked_at__isnull=True, credentials__isnull=False),
                distinct=True,
            ),
        )
        .order_by()
    }
    rows = []
    for municipality in municipalities:
        row = counts.get(municipality.pk)

        def count(key: str, row: dict[str, int] | None = row) -> int | str:
            return suppress(int(row[key])) if row else 0

        rows.append(
            MunicipalityCounts(
                municipality=municipality,
                started=count("started"),
                full=count("full"),
                partial=count("partial"),
                not_met=count("not_met"),
                documented=count("documented"),
            )
        )
    return rows
