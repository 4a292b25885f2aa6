"""The import framework's reader, column specification and runner (valnav.core.tabular)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.utils import translation

from valnav.core.tabular import CellError, Column, Columns, UnreadableFileError, parsers, read_sheet
from valnav.core.tabular.reader import decode

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OPENXML = "application/vnd.openxmlformats"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_OPENXML}-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    f'ContentType="{_OPENXML}-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_OPENXML}-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOCUMENT_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOCUMENT_RELS}">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOCUMENT_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def bomb(rows: int, *, dimension: bool) -> bytes:
    """A workbook of `rows` rows of one number each, without the row and cell references a
    spreadsheet program writes (they are optional), so that it compresses as far as zip goes:
    some 140 KB for a million rows."""
    body = "<row><c><v>1</v></c></row>" * rows
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'
        + (f'<dimension ref="A1:A{rows}"/>' if dimension else "")
        + f"<sheetData>{body}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


@pytest.mark.parametrize("dimension", [True, False])
def test_a_small_workbook_that_expands_to_a_million_rows_is_refused_quickly(dimension):
    source = bomb(1_000_000, dimension=dimension)
    assert len(source) < 400 * 1024
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(UnreadableFileError) as refused:
        read_sheet(source=source, filename="bomb.xlsx")
    assert time.perf_counter() - started < 5
    assert "expands" in refused.value.message or "more than" in refused.value.message


def test_a_workbook_over_the_row_limit_is_refused_by_its_rows(settings):
    settings.VALNAV_IMPORT_MAX_ROWS = 50
    with translation.override("en"), pytest.raises(UnreadableFileError) as refused:
        read_sheet(source=bomb(200, dimension=False), filename="big.xlsx")
    assert "more than 50 rows" in refused.value.message


def test_a_workbook_within_the_limits_is_read():
    sheet = read_sheet(source=bomb(20, dimension=True), filename="small.xlsx")
    assert sheet.headers == ["1"]
    assert [number for number, _cells in sheet.rows] == list(range(2, 21))


def test_a_csv_over_the_row_limit_is_refused(settings):
    settings.VALNAV_IMPORT_MAX_ROWS = 3
    source = "a;b\n" + "".join(f"{n};x\n" for n in range(4))
    with pytest.raises(UnreadableFileError):
        read_sheet(source=source.encode(), filename="f.csv")


@pytest.mark.parametrize(
    ("source", "encoding"),
    [
        ("kommun;år\nVästerås;2024\n".encode(), None),
        ("kommun;år\nVästerås;2024\n".encode("utf-8-sig"), None),
        ("kommun;år\nVästerås;2024\n".encode("cp1252"), None),
        ("kommun;år\nVästerås;2024\n".encode("cp437"), "cp437"),
    ],
)
def test_csv_in_each_encoding_a_source_uses_reads_the_same(source, encoding):
    sheet = read_sheet(source=source, encoding=encoding)
    assert sheet.headers == ["kommun", "år"]
    assert sheet.rows == [(2, ["Västerås", "2024"])]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_the_delimiter_is_found_from_the_known_columns(delimiter):
    columns = Columns([Column("code", "kommunkod", "municipality_code"), Column("n", "antal", "n")])
    source = f"kommunkod{delimiter}antal\n1980{delimiter}1,5\n".encode()
    sheet = read_sheet(source=source, known=columns.knows)
    assert sheet.headers == ["kommunkod", "antal"]
    assert sheet.rows[0][1][0] == "1980"


def test_utf16_is_refused_with_advice():
    with translation.override("en"), pytest.raises(UnreadableFileError) as refused:
        decode("a;b".encode("utf-16"))
    assert "UTF-16" in refused.value.message


def test_a_remembered_column_refuses_a_bad_value_on_every_row_it_stands_on():
    parse = parsers.from_cell(
        lambda text: parsers.parse_whole_number(text, maximum=100), remember=True
    )
    assert [parse(" 12 "), parse(" 12 "), parse("12")] == [12, 12, 12]
    for _row in range(2):
        with pytest.raises(CellError):
            parse("tolv")
