"""Computed figures (insights' gaps, equity, focus scoring) kept in Django's cache until the
data under them changes.

A figure is stored under the current token of its data (`DataVersion`, one small read per
request) with the language it was worked out in and its arguments. Whatever changes the data
changes the token (`figures_data_changed`): the model signals of the apps the figures are
made from call it on every save and delete, and the bulk writers that send no signals (the
imports, the case facts, the demo data) call it themselves. The cache's timeout bounds the
age of a figure should a bulk writer ever be missed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from valnav.core.models import DataVersion

STATISTICS = "statistics"
# The apps whose data the figures are computed from; a save or delete in any of them counts.
SOURCE_APPS = frozenset({"accounts", "atlas", "casework", "insights", "places", "taxonomy"})


def figures_data_changed(key: str = STATISTICS) -> None:
    """Give `key` a new token: every figure cached under the old one is never read again."""
    token = secrets.token_hex(16)
    if DataVersion.objects.filter(key=key).update(token=token):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(key=key, token=token)
    except IntegrityError:  # created at the same moment by another request
        DataVersion.objects.filter(key=key).update(token=token)


def figures_data_token(key: str = STATISTICS) -> str:
    # Read on every cached page and figure, so without the ORM's query building: one primary-key
    # look-up in plain SQL (the table and column names come from the model, not from input).
    quote = connection.ops.quote_name
    table, column = quote(DataVersion._meta.db_table), quote("key")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE {column} = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    return str(row[0]) if row else "-"


def cached_figures[T](name: str, arguments: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or its result from the cache while the data is unchanged. `arguments` are
    everything the result depends on besides the data and the language."""
    seconds = getattr(settings, "VALNAV_FIGURES_CACHE_SECONDS", 900)
    if seconds <= 0:
        return compute()
    language = translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(repr((language, arguments)).encode()).hexdigest()[:32]
    key = f"valnav:figures:{name}:{figures_data_token()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=seconds)
    return found  # type: ignore[no-any-return]  # what compute() returned before


# Logs of who read what, what is itself derived, and people's own saved scenarios: not what
# figures count.
IGNORED_MODELS = frozenset(
    {"accesslogentry", "casefactrow", "user", "dataversion", "focusscenario", "valuescenario"}
)


def _model_changed(sender: type[Any], **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        figures_data_changed()


def connect() -> None:
    """Listen to the models of SOURCE_APPS only: a model with a delete listener loses Django's
    fast delete, which the other apps' logs and sessions keep."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in SOURCE_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.model_name in IGNORED_MODELS:
                continue
            uid = f"figures-{model._meta.label_lower}"
            post_save.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-delete")
            if model._meta.auto_created:
                m2m_changed.connect(_model_changed, sender=model, dispatch_uid=f"{uid}-m2m")
