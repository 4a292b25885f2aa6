from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from valnav.governance import indicators
from valnav.governance.indicators import indicator_status, month_ends
from valnav.governance.live import LiveValue
from valnav.governance.models import Indicator

pytestmark = pytest.mark.django_db


def test_month_ends_end_on_the_last_day():
    assert month_ends(date(2022, 11, 1), date(2023, 2, 14)) == [
        date(2022, 11, 30),
        date(2022, 12, 31),
        date(2023, 1, 31),
        date(2023, 2, 14),
    ]


def test_a_live_indicator_is_computed_for_each_month_end_of_the_period(project, monkeypatch):
    calls = []

    def fake(key, *, since, until):
        calls.append((key, since, until))
        return LiveValue(value=until.month, breakdown={})

    monkeypatch.setattr(indicators, "live_value", fake)
    indicator = Indicator.objects.get(live_key="offers_published")
    status = indicator_status(indicator, today=date(2023, 2, 10))
    assert [(p.on, p.value) for p in status.points] == [
        (date(2022, 11, 30), Decimal(11)),
        (date(2022, 12, 31), Decimal(12)),
        (date(2023, 1, 31), Decimal(1)),
        (date(2023, 2, 10), Decimal(2)),
    ]
    assert {since for _key, since, _until in calls} == {date(2022, 11, 1)}
    calls.clear()
    status = indicator_status(indicator, today=date(2023, 2, 10), trend=False)
    assert calls == [("offers_published", date(2022, 11, 1), date(2023, 2, 10))]
    assert status.current == 2


def test_the_results_page_costs_a_bounded_number_of_queries(
    client, personas, project, django_assert_max_num_queries
):
    client.force_login(personas["project_manager"])
    with django_assert_max_num_queries(80):
        assert (
            client.get(reverse("governance:results", kwargs={"pk": project.pk})).status_code == 200
        )
