from datetime import date

import pytest
from django.utils import translation

from valnav.governance import reports
from valnav.governance.live import LiveValue
from valnav.governance.reports import steering_report
from valnav.governance.selectors import project_scope

pytestmark = pytest.mark.django_db


def test_participation_by_gender_comes_from_the_live_breakdown_suppressed(
    personas, project, monkeypatch
):
    asked: dict[str, object] = {}

    def fake(key, *, since, until):
        asked.update(key=key, since=since, until=until)
        return LiveValue(
            value=20,
            breakdown={"gender:woman": 14, "gender:man": 3, "gender:other": "<5", "county:19": 9},
        )

    monkeypatch.setattr(reports, "live_value", fake)
    scope = project_scope(user=personas["project_manager"], pk=project.pk)
    with translation.override("en"):
        report = steering_report(scope, final=True, today=date(2023, 6, 1))
    assert asked == {
        "key": "event_participants",
        "since": date(2022, 11, 1),
        "until": date(2024, 11, 30),
    }
    assert report.participation == [("Woman", 14), ("Man", "<5"), ("Other", "<5")]


def test_the_report_follows_the_period_so_far(personas, project):
    scope = project_scope(user=personas["project_manager"], pk=project.pk)
    report = steering_report(scope, today=date(2024, 1, 1))
    assert report.until == date(2024, 1, 1)
    assert report.budget.cost_total == 13_960_000
    assert len(report.goals) == 4
    assert sum(count for _label, count in report.status_counts) == 6
    assert len(report.risks) == 2
    manual = next(s for s in report.indicators if not s.indicator.is_live)
    assert manual.current == 2  # 2023-06-30; the 2024-06-30 measurement (4) is after the date
    assert manual.share_of_target == 25


def test_a_partner_report_has_its_regions_activities_only(project, uppsala):
    report = steering_report(project_scope(user=uppsala, pk=project.pk))
    activities = [a.title for section in report.goals for a in section.activities]
    assert activities == ["Analys av fokusområden kopplade till bristyrken inom Komvux"]
