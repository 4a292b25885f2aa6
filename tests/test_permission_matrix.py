"""Every URL pattern, requested by every persona, answers as documented here: once with GET,
once with POST.

A new URL pattern fails `test_every_url_pattern_is_in_the_matrix` until it joins EXPECTED, and a
URL that takes only POST until it joins an area's POST_EXPECTED too.

The POSTs carry an empty body, so no form is ever valid: what they test is that a persona who
may not use a URL is refused before anything is read or written — 401, 403, 404, 405 or, for
someone not signed in, the login page — and that the database is left as it was. Where a
persona may use the URL, the POST must answer without a server error. Each POST runs in a
savepoint that is rolled back, so none changes what the next one finds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Model
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
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
    insights_index,
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
    insights_index,
    insights_value,
    networks,
    outreach,
]

EXPECTED: dict[str, dict[str, int]] = {}
for area in AREAS:
    overlap = set(EXPECTED) & set(area.EXPECTED)
    assert not overlap, f"URL names listed twice: {overlap}"
    EXPECTED |= area.EXPECTED

POST_EXPECTED: dict[str, dict[str, int]] = {}
for area in AREAS:
    POST_EXPECTED |= getattr(area, "POST_EXPECTED", {})

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


# What no reader should meet on a page: a command to run, a file of the source tree, the
# domain notes written for developers. Scripts and styles are left out (a reader sees neither).
DEVELOPER_TEXT = re.compile(r"manage\.py|\.md\b|DOMAIN")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def _developer_text(body: str) -> list[str]:
    """The developer references in a page, each with a little of the text around it."""
    shown = html.unescape(_SCRIPT_OR_STYLE.sub(" ", body))
    return sorted(
        {
            " ".join(shown[max(0, m.start() - 50) : m.end() + 30].split())
            for m in DEVELOPER_TEXT.finditer(shown)
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_each_persona_gets_the_documented_answer_everywhere(persona, personas):
    """Every URL answers each persona as documented, and every page a persona may open, the
    admin included, reads without a `manage.py` command, a `.md` file or a reference to the
    domain notes (issue #17). One pass over the pages serves both: CI's time is bounded."""
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    wrong = []
    developer_text = []
    for name, pattern in all_url_names():
        if name.startswith("admin:"):
            expected = _admin_expectation(name, persona)
            url = reverse(name, kwargs=_admin_kwargs(name, pattern) or None)
        else:
            expected = EXPECTED[name][persona]
            url = reverse(name, kwargs=_kwargs(name, pattern) or None)
        response = client.get(url)
        if response.status_code != expected:
            wrong.append(f"{name} {url}: {response.status_code}, expected {expected}")
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith(("text/", "application/json")):
            developer_text += [
                f"{name} {url}: …{found}…" for found in _developer_text(response.text)
            ]
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
    assert not developer_text, f"{persona} reads developer text:\n" + "\n".join(developer_text)


# What a refused request may still write: its session (a message for the next page).
QUIET_TABLES = {"django_session"}
DENIED = {401, 403, 404, 405}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _writes(queries: list[dict[str, Any]]) -> list[str]:
    """The tables the statements wrote to, but for QUIET_TABLES."""
    tables = (_WRITE.match(query["sql"]) for query in queries)
    return sorted({m.group(1) for m in tables if m and m.group(1) not in QUIET_TABLES})


def _post_expectation(name: str, persona: str, get_expected: int) -> int | str:
    """The documented status of an empty POST; "denied" where any refusal will do (the GET is
    refused); "answers" where the persona may use the page and only a server error is wrong."""
    if name in POST_EXPECTED:
        return POST_EXPECTED[name][persona]
    if get_expected in {401, 403, 404}:  # 405: the URL takes POST only (admin:logout)
        return "denied"
    if get_expected == 302 and persona == "anonymous" and _signed_in_may_get(name):
        return "denied"  # the login page
    return "answers"


def _signed_in_may_get(name: str) -> bool:
    if name.startswith("admin:"):
        return _admin_expectation(name, "admin") == 200
    return 200 in EXPECTED[name].values()


def _login_url(name: str) -> str:
    return reverse("admin:login") if name.startswith("admin:") else resolve_url(settings.LOGIN_URL)


def test_every_post_only_url_is_documented_for_post():
    post_only = [name for name, statuses in EXPECTED.items() if set(statuses.values()) == {405}]
    missing = [name for name in post_only if name not in POST_EXPECTED]
    assert not missing, f"Add these URL names to an area's POST_EXPECTED: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONA_KEYS)
def test_each_persona_is_refused_the_posts_it_may_not_send(persona, personas):
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    wrong = []
    for name, pattern in all_url_names():
        if name.startswith("admin:"):
            get_expected = _admin_expectation(name, persona)
            url = reverse(name, kwargs=_admin_kwargs(name, pattern) or None)
        else:
            get_expected = EXPECTED[name][persona]
            url = reverse(name, kwargs=_kwargs(name, pattern) or None)
        expected = _post_expectation(name, persona, get_expected)
        # The session as it was: a POST may end it (logging out) and the rollback restores
        # its row, not the client's cookie.
        cookies = SimpleCookie(client.cookies)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            response = client.post(url)
            transaction.set_rollback(True)
        client.cookies = cookies
        status = response.status_code
        refused = status in DENIED or (
            status == 302 and response["Location"].startswith(_login_url(name))
        )
        if expected == "answers":
            if status >= 500:
                wrong.append(f"{name} {url}: {status}, a server error")
            continue
        if expected == "denied" and not refused:
            wrong.append(f"{name} {url}: {status}, expected a refusal")
        elif isinstance(expected, int) and status != expected:
            wrong.append(f"{name} {url}: {status}, expected {expected}")
        elif refused and _writes(queries.captured_queries):
            wrong.append(f"{name} {url}: {status} but wrote {_writes(queries.captured_queries)}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
