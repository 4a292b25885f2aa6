import pytest
from django.core.management import CommandError, call_command

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
    assert "år" in report.errors[0].message


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
