"""Reads over the classifications."""

from __future__ import annotations

from django.db.models import QuerySet

from valnav.taxonomy.models import Occupation


def occupation_search(*, query: str = "", level: int | None = None) -> QuerySet[Occupation]:
    """SSYK groups matching `query` by code, Swedish or English name, or JobTech synonym."""
    queryset = Occupation.objects.select_related("parent").order_by("code")
    if level is not None:
        queryset = queryset.filter(level=level)
    if query.strip():
        queryset = queryset.matching(query)
    return queryset
