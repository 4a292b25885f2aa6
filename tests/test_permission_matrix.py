"""Every URL pattern, requested by every persona, answers as documented here.

A new URL pattern fails `test_every_url_pattern_is_in_the_matrix` until it joins EXPECTED.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.url_access import (
    PERSONA_KEYS,
    api_atlas,
    atlas,
    atlas_import,
    casework_cases,
    casework_credentials,
    casework_import,
    casework_privacy,
    casework_statistics,
    events,
    foundation,
    governance,
    insights_dashboards,
    insights_demand,
    insights_equity,
    insights_focus,
    insights_gaps,
    insights_value,
    networks,
    outreach,
)

AREAS = [
    foundation,
    atlas,
    atlas_import,
    api_atlas,
    casework_cases,
    casework_credentials,
    casework_privacy,
    casework_import,
    casework_statistics,
    events,
    governance,
    insights_dashboards,
    insights_demand,
    insights_equity,
    insights_focus,
    insights_gaps,
    insights_value,
    networks,
    outreach,
]

EXPECTED: dict[str, dict[str, int]] = {}
for area in AREAS:
    overlap = set(EXPECTED) & set(area.EXPECTED)
    assert not overlap, f"URL names listed twice: {overlap}"
    EXPECTED |= area.EXPECTED

READ_ONLY_ADMIN_APPS = {"places", "taxonomy", "core", "django_tasks_database"}

SAMPLE_KWARGS = {"uidb64": "MQ", "token": "invalid-token"}


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def all_url_names() -> list[tuple[str, URLPattern]]:
    return sorted(dict(_walk(get_resolver().url_patterns)).items())


def _admin_model(name: str) -> tuple[type[Model], str] | None:
    """The model an admin URL name belongs to and the rest of the name (add, change, …)."""
    if name == "admin:auth_user_password_change":  # Django's UserAdmin names it so
        return get_user_model(), "password_change"
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model, name.removeprefix(prefix)
    return None


def _admin_expectation(name: str, user_key: str) -> int:
    """The admin site is for administrators; everyone else is sent to the login page."""
    if name == "admin:login":
        return 302
    if name == "admin:logout":
        return 302 if user_key != "admin" else 405
    if user_key != "admin":
        return 302
    found = _admin_model(name)
    if found:
        model, action = found
        # Reference data changes only by import; logs and task results only by the system.
        read_only = model._meta.app_label in READ_ONLY_ADMIN_APPS
        if read_only and action in {"add", "delete"}:
            return 403
        if model._meta.app_label == "axes" and action == "add":
            return 403  # lockouts are only recorded or deleted (deleting one unlocks)
        if model._meta.app_label == "otp_totp" and action == "add":
            return 403  # second-factor devices are set up by their owner, only deleted here
        if not model._default_manager.exists() and action not in {"add", "changelist"}:
            return 302  # "no such object": back to the admin index
        return 200
    return {"admin:autocomplete": 403, "admin:view_on_site": 404}.get(name, 200)


def _admin_kwargs(name: str, pattern: URLPattern) -> dict[str, str]:
    if name == "admin:view_on_site":
        return {"content_type_id": "999999", "object_id": "1"}
    kwargs: dict[str, str] = {}
    found = _admin_model(name)
    if found and "object_id" in pattern.pattern.regex.groupindex:
        model, _action = found
        first = model._default_manager.order_by("pk").first()
        kwargs["object_id"] = str(first.pk) if first else "0"
    if found and "id" in pattern.pattern.regex.groupindex:
        kwargs["id"] = str(found[0]._default_manager.order_by("pk").first().pk)
    if "app_label" in pattern.pattern.regex.groupindex:
        kwargs["app_label"] = "places"
    return kwargs


def _kwargs(name: str, pattern: URLPattern) -> dict[str, str]:
    """URL arguments: from the area module that knows the objects, else SAMPLE_KWARGS."""
    for area in AREAS:
        sample = getattr(area, "sample_kwargs", None)
        if sample and name in area.EXPECTED:
            found = sample(name)
            if found is not None:
                return dict(found)
    return {key: SAMPLE_KWARGS[key] for key in pattern.pattern.converters}


def test_every_url_pattern_is_in_the_matrix():
    missing = [name for name, _ in all_url_names() if not name.startswith("admin:")]
    missing = [name for name in missing if name not in EXPECTED]
    assert not missing, f"Add these URL names to EXPECTED: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_each_persona_gets_the_documented_answer_everywhere(persona, personas):
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    wrong = []
    for name, pattern in all_url_names():
        if name.startswith("admin:"):
            expected = _admin_expectation(name, persona)
            url = reverse(name, kwargs=_admin_kwargs(name, pattern) or None)
        else:
            expected = EXPECTED[name][persona]
            url = reverse(name, kwargs=_kwargs(name, pattern) or None)
        status = client.get(url).status_code
        if status != expected:
            wrong.append(f"{name} {url}: {status}, expected {expected}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
