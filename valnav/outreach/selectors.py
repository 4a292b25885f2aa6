"""Reads of information material: the public search, the language variants of a text, the
staff list, and the difference between two versions."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from valnav.accounts.models import User
from valnav.accounts.selectors import organisations_with_perm
from valnav.core.permissions import Perm
from valnav.outreach.models import (
    Material,
    MaterialKind,
    MaterialState,
    MaterialTargetGroup,
    MaterialVersion,
)


@dataclass(frozen=True)
class MaterialFilters:
    target_group: str = ""
    query: str = ""
    kind: str = ""
    language: str = ""
    branch: str = ""  # Branch.key
    county: str = ""  # County.code


def _public_relations(queryset: QuerySet[Material]) -> QuerySet[Material]:
    return queryset.select_related("branch").prefetch_related(
        Prefetch("audiences", queryset=MaterialTargetGroup.objects.order_by("target_group")),
        "counties",
    )


def material_search(*, filters: MaterialFilters) -> QuerySet[Material]:
    """Published material matching every filter given. Free text matches title, summary or
    body; a county matches material for that county and material for all of ÖMS."""
    queryset = Material.objects.published()
    if filters.target_group:
        queryset = queryset.for_target_group(filters.target_group)
    for word in filters.query.split():
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.branch:
        queryset = queryset.filter(branch__key=filters.branch)
    if filters.county:
        queryset = queryset.filter(
            Q(counties__isnull=True)
            | Q(
                pk__in=Material.counties.through.objects.filter(county__code=filters.county).values(
                    "material_id"
                )
            )
        ).distinct()
    return _public_relations(queryset).order_by("-published_at", "title")


def material_public_detail(*, slug: str) -> QuerySet[Material]:
    return _public_relations(Material.objects.published().filter(slug=slug)).select_related(
        "organisation"
    )


def material_variants(*, material: Material, published_only: bool = True) -> list[Material]:
    """The other languages of the same text, in language order."""
    queryset = Material.objects.filter(translation_group=material.translation_group).exclude(
        pk=material.pk
    )
    if published_only:
        queryset = queryset.published()
    return list(queryset.order_by("language"))


def material_variants_by_group(
    *, groups: list[uuid.UUID], published_only: bool = True
) -> dict[uuid.UUID, list[Material]]:
    """Every language of each translation group, in one query (for lists and the API)."""
    queryset = Material.objects.filter(translation_group__in=groups)
    if published_only:
        queryset = queryset.published()
    found: dict[uuid.UUID, list[Material]] = {}
    for variant in queryset.order_by("language").only(
        "pk", "translation_group", "language", "slug", "title", "state"
    ):
        found.setdefault(variant.translation_group, []).append(variant)
    return found


def materials_editable_by(*, user: User) -> QuerySet[Material]:
    """The material of the organisations where the user writes material."""
    organisations = organisations_with_perm(user=user, perm=Perm.EDIT_MATERIALS)
    return Material.objects.filter(organisation__in=organisations)


def success_stories_linkable(*, user: User) -> QuerySet[Material]:
    """Published success stories a saved value calculation of the user may illustrate: those of
    the organisations where the user writes material."""
    return Material.objects.filter(
        kind=MaterialKind.SUCCESS_STORY,
        state=MaterialState.PUBLISHED,
        organisation__in=organisations_with_perm(user=user, perm=Perm.EDIT_MATERIALS).values("pk"),
    ).order_by("title")


def material_staff_list(*, user: User, state: str = "") -> QuerySet[Material]:
    queryset = materials_editable_by(user=user).select_related("owner", "organisation")
    if state in MaterialState.values:
        queryset = queryset.filter(state=state)
    return queryset.order_by("state", "review_by", "title")


# --- versions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    """One line of a side-by-side diff; `change` is "equal", "delete", "insert" or "replace"."""

    change: str
    old_number: int | None
    old: str
    new_number: int | None
    new: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    changed: bool
    lines: list[DiffLine]


def _diff_lines(old: str, new: str) -> list[DiffLine]:
    old_lines = old.splitlines()
    new_lines = new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(
                DiffLine("equal", i1 + k + 1, old_lines[i1 + k], j1 + k + 1, new_lines[j1 + k])
                for k in range(i2 - i1)
            )
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            has_old = i1 + k < i2
            has_new = j1 + k < j2
            lines.append(
                DiffLine(
                    tag if has_old and has_new else ("delete" if has_old else "insert"),
                    i1 + k + 1 if has_old else None,
                    old_lines[i1 + k] if has_old else "",
                    j1 + k + 1 if has_new else None,
                    new_lines[j1 + k] if has_new else "",
                )
            )
    return lines


def version_diff(*, old: MaterialVersion, new: MaterialVersion) -> list[FieldDiff]:
    """Title, summary and body of two versions, line by line (difflib)."""
    return [
        FieldDiff(
            name,
            str(getattr(Material._meta.get_field(name), "verbose_name", name)),
            getattr(old, name) != getattr(new, name),
            _diff_lines(getattr(old, name), getattr(new, name)),
        )
        for name in ("title", "summary", "body")
    ]
