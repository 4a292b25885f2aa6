"""Computed figures are cached until the data under them changes, and never read after."""

from __future__ import annotations

import pytest
from django.db import transaction

from valnav.core.figures_cache import cached_figures, figures_data_changed, figures_data_token
from valnav.places.models import County

pytestmark = pytest.mark.django_db


def test_a_figure_is_computed_once_while_the_data_is_unchanged():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached_figures("count", (), compute) == 1
    assert cached_figures("count", (), compute) == 1
    assert cached_figures("count", ("other arguments",), compute) == 2
    figures_data_changed()
    assert cached_figures("count", (), compute) == 3


def test_saving_a_source_model_changes_the_token(reference_data):
    before = figures_data_token()
    county = County.objects.first()
    county.save()
    assert figures_data_token() != before


def test_a_rolled_back_change_never_brings_an_old_token_back():
    figures_data_changed()
    kept = figures_data_token()

    def change_then_fail() -> None:
        with transaction.atomic():
            figures_data_changed()
            assert figures_data_token() != kept
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert figures_data_token() == kept
    figures_data_changed()
    assert figures_data_token() != kept


def test_the_cache_can_be_turned_off(settings):
    settings.VALNAV_FIGURES_CACHE_SECONDS = 0
    calls: list[int] = []
    cached_figures("off", (), lambda: calls.append(1))
    cached_figures("off", (), lambda: calls.append(1))
    assert len(calls) == 2
