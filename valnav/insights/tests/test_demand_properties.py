"""Property tests of the Yrkesbarometer import (hypothesis): any CSV, XLSX or JSON file in or near
Arbetsförmedlingen's shape is
imported whole or refused with errors that say where, and a refused file writes nothing.

The strategies and checks are the importers' shared ones (valnav.core.tests.importing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from valnav.accounts.models import User
from valnav.core.tabular import ImportReport
from valnav.core.tests import importing as shared
from valnav.insights.demand import demand_import
from valnav.insights.models import DemandObservation

pytestmark = pytest.mark.django_db

# Rows in the columns of Arbetsförmedlingen's file, in its order, every one read.
FIELDS: list[object] = list(
    json.loads((Path(__file__).parent / "fixtures" / "yrkesbarometer.json").read_bytes())[0]
)
VALID: shared.Table = [
    FIELDS,
    [
        "Hälso- och sjukvård",
        "Undersköterskor",
        "Tj7m_Uc2_8Pk",
        "19",
        "5321, 5323",
        "Undersköterskor, hemtjänst, hemsjukvård och äldreboende, Undersköterskor, vård- och "
        "specialavdelning",
        "",
        "stora",
        "brist",
        "",
        "öka",
        "I Västmanlands län bedöms möjligheterna till arbete som undersköterska vara stora.",
        "I Västmanlands län bedöms rekryteringssituationen kännetecknas av brist.",
        "regionalt",
        "helt",
        "2026-1",
        "25",
    ],
    [
        "Hotell, restaurang, storhushåll",
        "Kockar",
        "i5zY_AwC_RGf",
        "00",
        "5120",
        "Kockar och kallskänkor",
        "",
        "stora",
        "paradox",
        "Arbetsgivarna efterfrågar yrkeserfarenhet; Arbetstiderna är obekväma",
        "vara oförändrad",
        "",
        "",
        "nationellt",
        "delvis",
        "2026-1",
        "25",
    ],
    [
        "Transport, distribution, lager",
        "Lastbilsförare",
        "c6Kd_Rm9_Wt0",
        "19",
        "8332",
        "Lastbilsförare m.fl.",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "2026-1",
        "25",
    ],
]
WRITTEN = (DemandObservation,)


def json_value() -> st.SearchStrategy[object]:
    """What a JSON field may hold: text, numbers, null, booleans, lists and objects."""
    scalars = st.one_of(
        shared.cell_texts(), st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False)
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=5,
    )


@st.composite
def json_uploads(draw: st.DrawFn) -> shared.Upload:
    """The valid rows as a JSON list of objects, with some fields replaced, removed or added;
    or a JSON document of another shape."""
    header, *rows = VALID
    names = [str(name) for name in header]
    objects: list[dict[str, object]] = [dict(zip(names, row, strict=True)) for row in rows]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        item = draw(st.sampled_from(objects))
        name = draw(st.one_of(st.sampled_from(names), st.text(max_size=8)))
        if draw(st.booleans()):
            item[name] = draw(json_value())
        else:
            item.pop(name, None)
    document = draw(
        st.one_of(
            st.just(objects),
            st.just(objects),
            json_value(),
            st.sampled_from(["[" * 100_000, '[{"ssyk": ' + "1" * 5000 + "}]", "[{}]", "[]"]),
        )
    )
    text = document if isinstance(document, str) else json.dumps(document)
    return shared.Upload(text.encode("utf-8"), "yb.json")


def json_rows(source: bytes) -> set[int] | None:
    """The numbers of a JSON file's objects (and 1 for its names), None if it is no list of
    objects; a CSV or XLSX file's rows as for the other importers."""
    stripped = source.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not stripped.startswith((b"[", b"{")):
        return shared.sheet_rows(source)
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list) or not data or not all(isinstance(i, dict) for i in data):
        return None
    return set(range(1, len(data) + 1))


ANY_UPLOAD = st.one_of(shared.uploads(VALID), json_uploads())


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_the_valid_file_imports_as_csv_xlsx_and_json(reference_data: None) -> None:
    header, *rows = VALID
    as_json = json.dumps([dict(zip(header, row, strict=True)) for row in rows]).encode()
    for source in (shared.csv_source(VALID), shared.xlsx_source(VALID), as_json):
        with shared.rolled_back():
            report = demand_import(source=source, filename="yb", dry_run=False)
            assert report.errors == []
            assert DemandObservation.objects.count() == 4  # 5321 and 5323 from one row


@shared.PROPERTY_SETTINGS
@given(upload=ANY_UPLOAD)
def test_any_file_imports_whole_or_reports_located_errors_and_writes_nothing(
    reference_data: None, upload: shared.Upload
) -> None:
    def imported(before: Mapping[str, int], report: ImportReport) -> None:
        created = DemandObservation.objects.count() - before["insights.DemandObservation"]
        assert created == report.created

    shared.assert_whole_or_nothing(
        upload,
        lambda upload: demand_import(source=upload.source, filename=upload.filename, dry_run=False),
        WRITTEN,
        rows=json_rows,
        imported=imported,
    )


@settings(shared.PROPERTY_SETTINGS, max_examples=25)
@given(upload=ANY_UPLOAD)
def test_the_import_page_never_fails_and_shows_the_errors(
    personas: dict[str, User], upload: shared.Upload
) -> None:
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    shared.assert_upload_page_refuses_or_imports(
        client, reverse("insights:demand-import"), upload, WRITTEN
    )


def test_a_nul_character_in_a_json_field_is_an_error_at_its_row_and_column(
    reference_data: None,
) -> None:
    header, *rows = VALID
    objects = [dict(zip(header, row, strict=True)) for row in rows]
    objects[2]["text_rekryteringssituation"] = "Brist\x00"
    report = demand_import(source=json.dumps(objects).encode(), filename="yb.json", dry_run=False)
    assert [(error.row, error.column) for error in report.errors] == [
        (3, "text_rekryteringssituation")
    ]
    assert not DemandObservation.objects.exists()


def test_json_too_deep_or_with_a_too_long_number_is_an_unreadable_file(
    reference_data: None,
) -> None:
    for text in ("[" * 100_000, '[{"ssyk": ' + "1" * 5000 + "}]"):
        report = demand_import(source=text.encode(), filename="yb.json", dry_run=False)
        assert [error.row for error in report.errors] == [0]
        assert "not valid JSON" in report.errors[0].message
