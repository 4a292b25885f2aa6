import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from valnav.core.models import ReferenceDataset
from valnav.core.reference import REFERENCE_DIR
from valnav.places.models import County, Municipality
from valnav.taxonomy.models import Industry, Occupation, OccupationName, S3Area


def run_import(*args):
    out = StringIO()
    call_command("import_reference", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "counties": County.objects.count(),
        "municipalities": Municipality.objects.count(),
        "ssyk": Occupation.objects.count(),
        "names": OccupationName.objects.count(),
        "links": OccupationName.occupations.through.objects.count(),
        "sni": Industry.objects.count(),
        "s3": S3Area.objects.count(),
        "updated": sorted(Occupation.objects.values_list("updated_at", flat=True))[-1],
    }


@pytest.mark.django_db
def test_import_loads_the_region_and_ssyk_on_all_levels():
    run_import()
    assert County.objects.count() == 5
    assert Municipality.objects.count() == 52
    assert Occupation.objects.count() == 633
    levels = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert levels == {1: 10, 2: 46, 3: 148, 4: 429}
    assert Industry.objects.filter(level="section").count() == 21
    assert Industry.objects.filter(level="division").count() == 88
    named = dict(Municipality.objects.values_list("code", "name"))
    assert named["1980"] == "Västerås"
    assert named["0380"] == "Uppsala"
    assert named["1880"] == "Örebro"
    assert named["0580"] == "Linköping"
    assert named["0484"] == "Eskilstuna"
    vasteras = Municipality.objects.get(code="1980")
    assert vasteras.county.code == "19"
    assert vasteras.county.region_name == "Region Västmanland"
    assert vasteras.boundary["type"] in {"Polygon", "MultiPolygon"}
    assert S3Area.objects.filter(county=None).count() == 4  # ÖMS joint areas


@pytest.mark.django_db
def test_a_second_import_changes_nothing():
    run_import()
    before = snapshot()
    output = run_import()
    assert snapshot() == before
    assert "0 created, 0 updated" in output


@pytest.mark.django_db
def test_every_row_knows_its_source_and_version():
    run_import()
    municipality = Municipality.objects.select_related("dataset").get(code="1980")
    assert municipality.dataset.key == "municipalities"
    assert municipality.dataset.version == "SCB 2024-05-17"
    assert len(municipality.dataset.sha256) == 64
    occupation = Occupation.objects.select_related("dataset").get(code="5321")
    assert occupation.dataset.licence == "CC0-1.0"
    assert ReferenceDataset.objects.get(key="ssyk2012").row_count == 633


@pytest.mark.django_db
def test_a_changed_file_updates_rows_instead_of_duplicating_them(tmp_path):
    run_import()
    changed = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, changed)
    ssyk = changed / "ssyk2012.csv"
    ssyk.write_text(
        ssyk.read_text(encoding="utf-8").replace("Barnsköterskor", "Barnsköterskor (ny text)"),
        encoding="utf-8",
    )
    old_sha = ReferenceDataset.objects.get(key="ssyk2012").sha256

    run_import("--dir", str(changed))

    assert Occupation.objects.count() == 633
    assert Occupation.objects.get(code="5325").name_sv == "Barnsköterskor (ny text)"
    assert "barnsköterskor (ny text)" in Occupation.objects.get(code="5325").search_text
    assert ReferenceDataset.objects.get(key="ssyk2012").sha256 != old_sha


@pytest.mark.django_db
def test_a_broken_file_is_refused_whole_with_file_and_line(tmp_path):
    broken = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, broken)
    ssyk = broken / "ssyk2012.csv"
    lines = ssyk.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",4,", ",3,", 1) if ",4," in lines[5] else lines[5] + "x"
    lines.append("99999,4,Fel,,999")
    ssyk.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"ssyk2012\.csv line \d+"):
        run_import("--dir", str(broken))

    assert County.objects.count() == 0
    assert Occupation.objects.count() == 0
