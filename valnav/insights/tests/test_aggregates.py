import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from valnav.insights.aggregates import aggregate_import, reported_statistics
from valnav.insights.equity import HIDDEN
from valnav.insights.equity_trend import equity_trend
from valnav.insights.models import AggregateStatistic
from valnav.insights.tests.test_equity import (  # noqa: F401  # fixtures
    _case,
    cases,
    organisation,
)

pytestmark = pytest.mark.django_db

GOOD = (
    "kommunkod;år;påbörjade;avslutade;helt;delvis;ej\n"
    "1980;2024;20;12;8;2;1\n"
    "1983 Köping;2024;3;0;0;0;0\n"
)


def test_import_creates_and_is_idempotent(personas, tmp_path):
    report = aggregate_import(source=GOOD.encode())
    assert (report.errors, report.created) == ([], 2)
    statistic = AggregateStatistic.objects.get(municipality__code="1980", year=2024)
    assert (statistic.started, statistic.completed, statistic.not_met) == (20, 12, 1)
    again = aggregate_import(source=GOOD.encode())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    english = (
        "municipality_code,year,started,completed,full,partial,not_met\n1980,2024,21,12,8,2,1\n"
    )
    assert aggregate_import(source=english.encode()).updated == 1
    assert AggregateStatistic.objects.get(municipality__code="1980").started == 21


def test_import_is_all_or_nothing_with_row_and_column(personas):
    source = (
        "kommunkod;år;påbörjade;avslutade;helt;delvis;ej\n"
        "1980;2024;20;12;8;2;1\n"
        "9999;2024;5;5;5;0;0\n"
        "1983;24;5;6;0;0;0\n"
        "1981;2024;10;5;3;2;1\n"
        "1980;2024;20;12;8;2;1\n"
        "1884;2024;x;0;0;0;0\n"
    )
    with translation.override("en"):
        report = aggregate_import(source=source.encode())
        errors = [str(error) for error in report.errors]
    assert AggregateStatistic.objects.count() == 0
    assert errors[0] == "row 3, kommunkod: No municipality has the code 9999."
    assert "row 4, år" in errors[1]
    assert errors[2].startswith("row 4, avslutade: More completed")
    assert errors[3].startswith("row 5, helt:")
    assert errors[4].startswith("row 6, kommunkod: Row 2 already")
    assert errors[5].startswith("row 7, påbörjade:")
    missing = aggregate_import(source=b"kommunkod,ar,paborjade\n1980,2024,3\n")
    assert "avslutade" in str(missing.errors[0])


def test_command_dry_run_writes_nothing(personas, tmp_path, capsys):
    path = tmp_path / "aggregat.csv"
    path.write_text(GOOD, encoding="cp1252")
    call_command("import_aggregates", str(path), "--dry-run", "--language", "en")
    assert "2 new" in capsys.readouterr().out
    assert AggregateStatistic.objects.count() == 0
    call_command("import_aggregates", str(path))
    assert AggregateStatistic.objects.count() == 2
    path.write_text(GOOD.replace(";12;8", ";30;8"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_aggregates", str(path))
    assert AggregateStatistic.objects.get(municipality__code="1980").completed == 12


def test_reported_figures_are_suppressed(personas):
    source = GOOD + "1981;2023;10;10;8;2;0\n1982;2023;10;10;2;2;6\n"
    aggregate_import(source=source.encode())
    rows = {(row.municipality_code, row.year): row for row in reported_statistics()}
    vasteras = rows[("1980", 2024)]
    assert (vasteras.started, vasteras.completed, vasteras.full, vasteras.partial) == (
        20,
        12,
        8,
        "<5",
    )
    assert vasteras.not_met == "<5"  # 8 + 2 + 1 < 12: nothing can be subtracted out
    assert rows[("1983", 2024)].started == "<5"
    # 8 + 2 + 0 = 10: the partly met could be subtracted out, so the fully met is held back.
    sala = rows[("1981", 2023)]
    assert (sala.completed, sala.full, sala.partial, sala.not_met) == (10, HIDDEN, "<5", 0)
    # Two small decisions and one of five or more: that one is held back.
    assert rows[("1982", 2023)].not_met == HIDDEN
    assert reported_statistics(county_code="03") == []


def test_reported_rows_say_when_the_municipality_has_cases_too(organisation):  # noqa: F811
    aggregate_import(source=GOOD.replace("2024", "2025").encode())
    _case(organisation, "1980")
    rows = {row.municipality_code: row for row in reported_statistics()}
    assert rows["1980"].has_casework
    assert not rows["1983"].has_casework


def test_trend_per_year_is_suppressed_as_published(organisation):  # noqa: F811
    for _ in range(6):
        _case(organisation, "1980", decision="full")
    _case(organisation, "1983")
    trend = equity_trend(municipality_code="1983")
    assert [year.year for year in trend.years] == [2025]
    year = trend.years[0]
    assert year.municipality_started == "<5"
    assert year.county_started == 7
    assert year.oms_started == 7
    assert trend.county_name
    assert equity_trend(municipality_code="1980").years[0].municipality_started in {6, HIDDEN}


def test_trend_without_cases_is_empty(personas):
    assert equity_trend(municipality_code="1980").years == ()


def test_page_shows_reported_statistics_and_over_time(client, personas, cases):  # noqa: F811
    aggregate_import(source=GOOD.encode())
    client.force_login(personas["rua_vastmanland"])
    with translation.override("en"):
        body = client.get(
            reverse("insights:equity"), {"county": "19", "municipality": "1983"}
        ).content.decode()
    assert "Yearly totals reported by municipalities" in body
    assert "import_aggregates" not in body
    assert 'id="over-time"' in body
    assert "2025" in body
    assert "2024" in body
