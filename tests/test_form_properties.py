"""Every HTML form that takes free text, given hostile text in one field (control characters,
NUL, 10 000 characters, right-to-left script and emoji, markup, only whitespace): never a server
error, never a partial write, and either the text is stored as sent (after the form's own
documented normalisation: Django's CharField strips surrounding whitespace) or the form comes
back with the error on that field, named in the error summary, and nothing written.

The forms, their valid data and the models they write are in tests/form_specs.py. Each example
posts inside a savepoint that is rolled back, so that examples are independent; the cache is
emptied before each, so that the rate limits of the public forms do not answer instead.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.utils.html import escape
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from tests.form_specs import SPECS, FormSpec, Target, bound_form

pytestmark = pytest.mark.django_db

HOSTILE_SAMPLES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }} {% debug %} ${7*7}",
    "'; DROP TABLE casework_individual; --",
    "مرحبا بالعالم \u202eabc\u202c",
    "👩🏽‍⚕️ Vård 🏥 och omsorg",
    "\u200b\u200d\ufeff",
    '=HYPERLINK("http://example.com")',
    "Zoë Ångström-Öberg",
]

hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1),
    st.text(alphabet=" \t\r\n\u00a0\u2028\u3000", min_size=1),
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=5), st.text(max_size=5)),
    st.builds(lambda s: s * 2000, st.text(min_size=1, max_size=5)),
    st.sampled_from(HOSTILE_SAMPLES),
)


def _counts(models: tuple[type[Model], ...]) -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in models}


def _post(
    client: Client, spec: FormSpec, url: str, data: dict[str, Any], headers: dict[str, str]
) -> Any:  # the test client's response, with .context
    if spec.method == "get":
        return client.get(url, data, headers=headers)
    return client.post(url, data, headers=headers)


def _check(spec: FormSpec, target: Target, client: Client, name: str, text: str) -> None:
    """Post `text` in the field `name` and check what the visitor would notice."""
    html_name = f"{target.prefix}-{name}" if target.prefix else name
    cache.clear()
    note(f"{spec.id}: {name} = {text!r}")
    with transaction.atomic():
        before = _counts(target.counted)
        response = _post(client, spec, target.url, {**target.data, html_name: text}, target.headers)
        assert response.status_code < 500
        form = bound_form(response, spec)
        asked = form is not None and form.non_field_errors().as_data()
        if asked and {error.code for error in asked} <= spec.follow_up and len(form.errors) == 1:
            # A follow-up question (choose among several matches): nothing is taken yet.
            assert response.status_code == 200
            assert target.stored(client, name) is None
        elif form is not None and form.errors:
            # Refused: the error is on this field, the page points to it, nothing is written.
            blamed = set(form.errors)
            if text.strip() or not blamed & spec.when_blank.get(name, frozenset()):
                assert blamed == {name}, form.errors
            page = response.content.decode()
            for field_name in blamed:
                # The field is on the page, marked, with its own message beside it.
                assert f'id="id_{form.add_prefix(field_name)}"' in page
                for message in form.errors[field_name]:
                    assert escape(message) in page, message
            assert 'aria-invalid="true"' in page or "errorlist" in page
            assert _counts(target.counted) == before
        elif spec.method == "post":
            # Accepted: stored exactly as sent, surrounding whitespace stripped.
            assert response.status_code in (200, 302, 303)
            assert target.stored(client, name) == text.strip()
        else:
            assert response.status_code == 200
        transaction.set_rollback(True)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.id for spec in SPECS])
def test_free_text_is_stored_as_sent_or_refused_on_its_field(spec: FormSpec, personas):
    target = spec.setup(personas)
    client = Client()
    if spec.persona:
        client.force_login(personas[spec.persona])
    for name in spec.fields:

        @settings(max_examples=8)
        @given(text=hostile_text)
        @example(text="a\x00b")
        @example(text="x" * 10_000)
        @example(text="   \t\n ")
        @example(text="  Åsa <b>Öst</b> \u05e9\u05dc\u05d5\u05dd 🎉  ")
        def check(text: str) -> None:
            _check(spec, target, client, name, text)  # noqa: B023 - run before the next name

        check()
