import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from valnav.places.models import MunicipalityPopulation
from valnav.places.population_io import population_import

pytestmark = pytest.mark.django_db


def _write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "folkmangd.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_reads_swedish_headers_scb_region_names_and_spaced_counts(reference_data):
    source = "kommunkod;år;antal 20–64 år\n1980 Västerås;2024;90 123\n1880;2024;91000\n"
    report = population_import(source=source.encode("cp1252"))
    assert report.errors == []
    assert report.created == 2
    vasteras = MunicipalityPopulation.objects.get(municipality__code="1980")
    assert (vasteras.year, vasteras.age_band, vasteras.count) == (2024, "20-64", 90123)
    assert "SCB" in vasteras.source
    assert vasteras.source_url.startswith("https://")


def test_import_reads_english_headers_and_is_idempotent(reference_data):
    source = b"municipality_code,year,population_20_64\n1980,2024,90123\n"
    population_import(source=source)
    again = population_import(source=source)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = population_import(source=source.replace(b"90123", b"90200"))
    assert changed.updated == 1
    assert MunicipalityPopulation.objects.get().count == 90200


def test_import_reports_every_error_by_row_and_column_and_writes_nothing(reference_data):
    source = (
        "kommunkod,år,antal 20–64 år\n"
        "1980,2024,90123\n"
        "9999,2024,100\n"
        "1980,tjugo,100\n"
        "1880,2024,många\n"
        "1980,2024,5\n"
    )
    report = population_import(source=source.encode())
    assert [(error.row, error.column) for error in report.errors] == [
        (3, "kommunkod"),
        (4, "år"),
        (5, "antal 20–64 år"),
        (6, "kommunkod"),
    ]
    assert not MunicipalityPopulation.objects.exists()


def test_import_names_missing_columns(reference_data):
    report = population_import(source=b"kommunkod,antal\n1980,5\n")
    assert len(report.errors) == 1
    assert report.errors[0].row == 1
    assert report.errors[0].column == "år"


def test_command_dry_run_writes_nothing(reference_data, tmp_path, capsys):
    path = _write(tmp_path, "kommunkod,år,antal 20–64 år\n1980,2024,90123\n")
    call_command("import_population", str(path), "--dry-run")
    assert not MunicipalityPopulation.objects.exists()
    call_command("import_population", str(path))
    assert MunicipalityPopulation.objects.get().count == 90123


def test_command_fails_on_errors_and_lists_them(reference_data, tmp_path, capsys):
    path = _write(tmp_path, "kommunkod,år,antal 20–64 år\n12,2024,5\n")
    with pytest.raises(CommandError):
        call_command("import_population", str(path))
    assert "kommunkod" in capsys.readouterr().err
    assert not MunicipalityPopulation.objects.exists()


# --- SCB's PxWebApi 2 (JSON-stat 2.0) ---------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "scb_tab638.json"


def test_a_jsonstat_table_is_summed_over_ages_20_64_and_both_sexes(reference_data):
    report = population_import(source=FIXTURE.read_bytes())
    assert report.errors == []
    figures = {
        p.municipality.code: (p.year, p.count)
        for p in MunicipalityPopulation.objects.select_related("municipality")
    }
    # The county (19) is not a municipality; ages 18, 19, 65 and 66 are left out.
    assert figures == {"1980": (2024, 108855), "1880": (2024, 110025)}


def test_the_table_and_its_year_are_stored_with_each_figure(reference_data):
    population_import(source=FIXTURE.read_bytes())
    figure = MunicipalityPopulation.objects.get(municipality__code="1980")
    assert "TAB638" in figure.source
    assert "Folkmängden" in figure.source
    assert figure.year == 2024
    assert figure.source_url.startswith("https://api.scb.se/")


def test_a_jsonstat_table_imports_once(reference_data):
    population_import(source=FIXTURE.read_bytes())
    again = population_import(source=FIXTURE.read_bytes())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_jsonstat_table_missing_an_age_is_refused(reference_data):
    document = json.loads(FIXTURE.read_text(encoding="utf-8"))
    ages = document["dimension"]["Alder"]["category"]
    del ages["index"]["40"]
    ages["index"] = {code: position for position, code in enumerate(ages["index"])}
    document["size"][1] -= 1
    document["value"] = document["value"][: len(document["value"]) - 2 * 3]
    report = population_import(source=json.dumps(document).encode())
    assert report.errors
    assert not MunicipalityPopulation.objects.exists()


def test_a_file_that_is_not_jsonstat_is_refused_with_a_reason(reference_data):
    with translation.override("en"):
        report = population_import(source=b'{"class": "collection", "version": "2.0"}')
        assert "JSON-stat 2.0" in str(report.errors[0])


def test_the_equity_rates_read_the_imported_population(reference_data):
    from valnav.insights.equity import _latest_populations

    population_import(source=FIXTURE.read_bytes())
    assert _latest_populations(None)["1980"] == (2024, 108855)


def test_command_imports_a_jsonstat_file(reference_data, capsys):
    call_command("import_population", str(FIXTURE), "--language", "en")
    assert "2 new" in capsys.readouterr().out
    assert MunicipalityPopulation.objects.count() == 2


def test_scb_csv_by_age_is_summed(reference_data):
    rows = ["region;ålder;kön;år;Folkmängd"]
    for age in range(18, 67):
        for sex in ("män", "kvinnor"):
            rows.append(f"1980 Västerås;{age} år;{sex};2024;100")
    rows.append("1980 Västerås;totalt ålder;män;2024;99999")
    report = population_import(source="\n".join(rows).encode("cp1252"))
    assert report.errors == []
    assert MunicipalityPopulation.objects.get().count == 45 * 2 * 100
