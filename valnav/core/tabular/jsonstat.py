"""A reader of JSON-stat 2.0 datasets, the format of SCB's PxWebApi 2 (and Eurostat, SSB …).

A dataset names its dimensions in `id` with their sizes in `size`; each dimension's `category`
gives the categories' positions (`index`, an object or a list) and names (`label`). `value` holds
the cube's cells in row-major order, the last dimension varying fastest (or, sparse, as an
object of position → value); a missing cell is null.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

from django.utils.translation import gettext as _

from valnav.core.tabular.errors import UnreadableFileError


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    codes: list[str]  # in index order
    labels: dict[str, str]


@dataclass(frozen=True)
class Dataset:
    label: str
    source: str
    updated: str
    href: str
    table: str  # PxWebApi's table id (extension.px.tableid), when given
    dimensions: list[Dimension]
    values: dict[int, float | int | None]

    def cells(self) -> Iterator[tuple[dict[str, str], float | int | None]]:
        """Every cell: its category code in each dimension, and its value."""
        codes = [dimension.codes for dimension in self.dimensions]
        ids = [dimension.id for dimension in self.dimensions]
        for position, combination in enumerate(product(*codes)):
            yield dict(zip(ids, combination, strict=True)), self.values.get(position)

    def dimension(self, *names: str) -> Dimension | None:
        """The first dimension whose id or label is one of `names` (case does not matter)."""
        wanted = {name.casefold() for name in names}
        for dimension in self.dimensions:
            if dimension.id.casefold() in wanted or dimension.label.casefold() in wanted:
                return dimension
        return None


def _refused(reason: str) -> UnreadableFileError:
    return UnreadableFileError(
        _("The file is not a JSON-stat 2.0 dataset: %(reason)s") % {"reason": reason}
    )


def read_jsonstat(document: object) -> Dataset:
    """A parsed JSON document as a dataset, or UnreadableFileError saying what is wrong."""
    if not isinstance(document, dict):
        raise _refused(_("it is not a JSON object."))
    if document.get("class") != "dataset":
        raise _refused(_("its class is not “dataset”."))
    if str(document.get("version", "")) != "2.0":
        raise _refused(_("its version is not 2.0."))
    ids, sizes, dimensions_data = (
        document.get("id"),
        document.get("size"),
        document.get("dimension"),
    )
    if (
        not isinstance(ids, list)
        or not isinstance(sizes, list)
        or not isinstance(dimensions_data, dict)
        or len(ids) != len(sizes)
    ):
        raise _refused(_("“id”, “size” and “dimension” do not match."))
    dimensions: list[Dimension] = []
    for name, size in zip(ids, sizes, strict=True):
        data = dimensions_data.get(name)
        category = data.get("category") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(category, dict):
            raise _refused(_("the dimension %(name)s has no categories.") % {"name": name})
        index = category.get("index")
        labels = category.get("label") or {}
        if isinstance(index, list):
            codes = [str(code) for code in index]
        elif isinstance(index, dict) and all(isinstance(at, int) for at in index.values()):
            codes = [str(code) for code, _at in sorted(index.items(), key=lambda item: item[1])]
        elif isinstance(labels, dict) and len(labels) == 1:
            codes = [str(code) for code in labels]  # a single category may omit its index
        else:
            raise _refused(_("the dimension %(name)s has no index.") % {"name": name})
        if len(codes) != size:
            raise _refused(
                _("the dimension %(name)s has %(count)s categories, not %(size)s.")
                % {"name": name, "count": len(codes), "size": size}
            )
        dimensions.append(
            Dimension(
                id=str(name),
                label=str(data.get("label", name)),
                codes=codes,
                labels={str(k): str(v) for k, v in labels.items()}
                if isinstance(labels, dict)
                else {},
            )
        )
    cells = math.prod(sizes)
    raw = document.get("value")
    values: dict[int, float | int | None] = {}
    if isinstance(raw, list):
        if len(raw) != cells:
            raise _refused(
                _("it has %(count)s values for %(cells)s cells.")
                % {"count": len(raw), "cells": cells}
            )
        values = {position: _number(value) for position, value in enumerate(raw)}
    elif isinstance(raw, dict):
        values = {int(position): _number(value) for position, value in raw.items()}
    else:
        raise _refused(_("it has no values."))
    extension = document.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    return Dataset(
        label=str(document.get("label", "")),
        source=str(document.get("source", "")),
        updated=str(document.get("updated", "")),
        href=str(document.get("href", "")),
        table=str(px.get("tableid", "")) if isinstance(px, dict) else "",
        dimensions=dimensions,
        values=values,
    )


def _number(value: object) -> float | int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    try:
        return float(str(value))
    except ValueError as error:
        raise _refused(_("the value %(value)s is not a number.") % {"value": value}) from error
