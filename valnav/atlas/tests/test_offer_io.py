import io
import random
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from valnav.accounts.models import Organisation
from valnav.atlas.models import Offer, PublicationStatus, RegionPolicy, ValidationModel
from valnav.atlas.offer_io import COLUMNS, offers_export, offers_import
from valnav.atlas.services import offer_stems
from valnav.core.tests.importing import located, rows_csv
from valnav.places.models import County, Municipality

pytestmark = pytest.mark.django_db

VASTERAS_KOMVUX = "402000-0024"  # the assessor persona's organisation
OREBRO = "402000-0032"

HEADER = [
    "extern_id",
    "anordnare_orgnr",
    "modell",
    "kommunkod",
    "beskrivning",
    "giltig_från",
    "giltig_till",
    "språk",
    "status",
]


def good_row(external_id, **changes):
    row = {
        "extern_id": external_id,
        "anordnare_orgnr": VASTERAS_KOMVUX,
        "modell": "test-vard",
        "kommunkod": "1980",
        "beskrivning": "Validering för undersköterskor på Komvux i Västerås",
        "giltig_från": "2025-01-01",
        "giltig_till": "2026-12-31",
        "språk": "sv;ar",
        "status": "draft",
    }
    row.update(changes)
    return row


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8"):
    return rows_csv(rows, header=header, delimiter=delimiter, encoding=encoding)


def xlsx_bytes(rows, *, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(source, *, actor=None, dry_run=False, filename="erbjudanden.csv", **kwargs):
    return offers_import(actor=actor, source=source, filename=filename, dry_run=dry_run, **kwargs)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids); Swedish is tested where it exists."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def catalogue(personas):
    """Two models of our own: the shipped catalogue is not what these tests are about."""
    vard = ValidationModel.objects.create(
        key="test-vard", name="Vård och omsorg (test)", kind="komvux", payer="municipality"
    )
    el = ValidationModel.objects.create(
        key="test-el", name="Elteknik (test)", kind="komvux", payer="municipality"
    )
    return {"vard": vard, "el": el}


@pytest.fixture
def assessor(personas):
    return personas["assessor_vasteras_komvux"]


# --- The "done" criterion ---------------------------------------------------------------------


def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(assessor):
    rows = [
        good_row("A1"),
        good_row("A2"),
        good_row("A3", kommunkod="9999", modell="", **{"giltig_från": "2024-11-31"}),
        good_row("A4"),
    ]
    report = run(csv_bytes(rows), actor=assessor)

    # Row 1 is the header, so the third data row is row 4 of the spreadsheet.
    assert located(report) == {(4, "kommunkod"), (4, "modell"), (4, "giltig_från")}
    messages = {error.column: error.message for error in report.errors}
    assert "9999" in messages["kommunkod"]
    assert "2024-11-31" in messages["giltig_från"]
    assert Offer.objects.count() == 0
    assert report.created == 0


def test_fixed_the_file_imports_and_imported_again_nothing_changes(assessor):
    rows = [good_row("A1"), good_row("A2"), good_row("A3"), good_row("A4")]

    first = run(csv_bytes(rows), actor=assessor)
    assert (first.created, first.updated, first.unchanged, first.errors) == (4, 0, 0, [])
    stamps = dict(Offer.objects.values_list("external_id", "updated_at"))
    history = Offer.history.count()

    again = run(csv_bytes(rows), actor=assessor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert dict(Offer.objects.values_list("external_id", "updated_at")) == stamps
    assert Offer.history.count() == history


def test_a_changed_row_updates_its_offer_and_the_history_names_the_importer(assessor):
    run(csv_bytes([good_row("A1"), good_row("A2")]), actor=assessor)

    report = run(csv_bytes([good_row("A1"), good_row("A2", kommunkod="1884")]), actor=assessor)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert [change.columns for change in report.changes] == [["kommunkod"]]
    changed = Offer.objects.get(external_id="A2")
    assert changed.municipality.code == "1884"
    latest = changed.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == assessor
    assert Offer.objects.get(external_id="A1").history.count() == 1


def test_the_history_of_an_imported_offer_reads_like_one_saved_by_hand(assessor):
    run(csv_bytes([good_row("A1")]), actor=assessor)
    run(csv_bytes([good_row("A1", beskrivning="Ny text")]), actor=assessor)
    offer = Offer.objects.get()
    created, changed = offer.history.order_by("history_id")
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert created.instance.description == "Validering för undersköterskor på Komvux i Västerås"
    assert [change.field for change in changed.diff_against(created).changes] == ["description"]
    assert {created.history_user, changed.history_user} == {assessor}


def test_an_imported_offers_history_rows_are_the_ones_simple_history_writes(assessor):
    run(csv_bytes([good_row("A1")]), actor=assessor)
    run(csv_bytes([good_row("A1", beskrivning="Ny text")]), actor=assessor)
    offer = Offer.objects.get()
    tracked = [field.attname for field in Offer.history.model.tracked_fields]
    for row, kind in zip(offer.history.order_by("history_id"), "+~", strict=True):
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            kind,
            assessor,
            None,
        )
        assert row.history_date == (offer.updated_at if kind == "~" else offer.created_at)
    assert {name: getattr(row, name) for name in tracked} == {
        name: getattr(offer, name) for name in tracked
    }


def test_a_dry_run_reports_the_changes_but_writes_nothing(assessor):
    report = run(csv_bytes([good_row("A1")]), actor=assessor, dry_run=True)
    assert report.created == 1
    assert [(change.row, change.key, change.action) for change in report.changes] == [
        (2, "A1", "create")
    ]
    assert not Offer.objects.exists()


def test_imported_offers_are_found_by_search_like_offers_saved_by_hand(assessor, catalogue):
    run(csv_bytes([good_row("A1")]), actor=assessor)
    offer = Offer.objects.get()
    assert offer.search_stems == offer_stems(offer)
    assert "undersköt" in offer.search_stems


# --- Files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_comma_or_semicolon(assessor, delimiter):
    report = run(csv_bytes([good_row("A1"), good_row("A2")], delimiter=delimiter), actor=assessor)
    assert report.errors == []
    assert Offer.objects.get(external_id="A1").language_codes == ["sv", "ar"]


def test_utf8_with_a_byte_order_mark(assessor):
    source = csv_bytes(
        [good_row("A1", beskrivning="Svetsning på övningsgården")], encoding="utf-8-sig"
    )
    assert run(source, actor=assessor).errors == []
    assert Offer.objects.get().description == "Svetsning på övningsgården"


def test_windows_1252_from_swedish_excel_keeps_åäö(assessor):
    source = csv_bytes(
        [good_row("A1", beskrivning="Kör på, även i Örebro – ärligt")], encoding="cp1252"
    )
    assert run(source, actor=assessor).errors == []
    assert Offer.objects.get().description == "Kör på, även i Örebro – ärligt"


def test_excels_separator_hint_line_is_not_a_row(assessor):
    source = b"sep=,\r\n" + csv_bytes(
        [good_row("A1"), good_row("A2", kommunkod="9999")], delimiter=","
    )
    assert located(run(source, actor=assessor)) == {(3, "kommunkod")}


def test_xlsx_with_numbers_where_excel_put_numbers(assessor):
    rows = [good_row("A1", kommunkod=380, **{"giltig_från": date(2025, 1, 1)})]
    report = run(xlsx_bytes(rows), actor=assessor, filename="erbjudanden.xlsx")
    assert report.errors == []
    offer = Offer.objects.get()
    assert offer.municipality.code == "0380"  # Excel had made the code the number 380
    assert offer.valid_from == date(2025, 1, 1)


@pytest.mark.parametrize(
    "source",
    [
        "extern_id;modell\nA1;vård\n".encode("utf-16"),
        random.Random(7).randbytes(3000),
    ],
    ids=["utf-16", "random-bytes"],
)
def test_other_encodings_are_refused_with_a_clear_message(assessor, source):
    report = run(source, actor=assessor)
    assert len(report.errors) == 1
    assert report.errors[0].row == 0
    assert "UTF-8" in report.errors[0].message
    assert not Offer.objects.exists()


def test_english_headers_are_read_too(assessor):
    header = ["external_id", "provider_org_number", "model_key", "municipality_code"]
    rows = [
        {
            "external_id": "A1",
            "provider_org_number": VASTERAS_KOMVUX,
            "model_key": "test-vard",
            "municipality_code": "1980",
        }
    ]
    assert run(csv_bytes(rows, header=header, delimiter=","), actor=assessor).errors == []
    assert Offer.objects.get().model.key == "test-vard"


def test_unknown_and_missing_columns_are_reported_on_the_header_row(assessor):
    header = ["extern_id", "anordnare_orgnr", "modell", "kommunkd"]
    rows = [
        {
            "extern_id": "A1",
            "anordnare_orgnr": VASTERAS_KOMVUX,
            "modell": "test-vard",
            "kommunkd": "1980",
        }
    ]
    report = run(csv_bytes(rows, header=header), actor=assessor)
    assert located(report) == {(1, "kommunkd"), (1, "kommunkod")}


def test_a_column_left_out_of_the_file_is_left_alone(assessor):
    run(csv_bytes([good_row("A1", beskrivning="Kvar")]), actor=assessor)
    header = [name for name in HEADER if name != "beskrivning"]
    row = {key: value for key, value in good_row("A1").items() if key in header}
    report = run(csv_bytes([row], header=header), actor=assessor)
    assert report.unchanged == 1
    assert Offer.objects.get().description == "Kvar"


# --- Row errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("kommunkod", "0180", "0180"),  # Stockholm: not in Östra Mellansverige
        ("kommunkod", "123", "123"),
        ("modell", "ingen-sadan-modell", "ingen-sadan-modell"),
        ("anordnare_orgnr", "556677-8899", "556677-8899"),
        ("anordnare_orgnr", "123", "ten digits"),
        ("giltig_från", "2024-11-31", "2024-11-31"),
        ("giltig_från", "31/12/2024", "YYYY-MM-DD"),
        ("giltig_till", "2024-12-31", "before the start"),  # starts 2025-01-01
        ("språk", "sv;xx", "xx"),
        ("status", "klar", "klar"),
        ("extern_id", "", "required"),
    ],
)
def test_each_kind_of_bad_cell_is_reported_where_it_is(assessor, column, value, fragment):
    report = run(csv_bytes([good_row("A1"), good_row("A2", **{column: value})]), actor=assessor)
    assert located(report) == {(3, column)}
    assert fragment in report.errors[0].message
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("kontakt_epost", "vux@", "e-mail"),
        ("kapacitet_per_år", "-5", "negative"),
        ("ledtid_veckor", "tre", "whole number"),
        ("på_distans", "kanske", "ja or nej"),
        ("latitud", "95", "latitude"),
    ],
)
def test_optional_columns_are_checked_too(assessor, column, value, fragment):
    header = [*HEADER, column]
    report = run(csv_bytes([good_row("A1", **{column: value})], header=header), actor=assessor)
    assert located(report) == {(2, column)}
    assert fragment in report.errors[0].message


def test_errors_are_in_the_language_of_the_person_importing(assessor):
    source = csv_bytes([good_row("A1", anordnare_orgnr="123")])
    with translation.override("sv"):
        swedish = run(source, actor=assessor).errors[0].message
    assert "tio siffror" in swedish
    assert "ten digits" in run(source, actor=assessor).errors[0].message


def test_the_same_external_id_twice_in_a_file_is_an_error(assessor):
    report = run(csv_bytes([good_row("A1"), good_row("A2"), good_row("A1")]), actor=assessor)
    assert located(report) == {(4, "extern_id")}
    assert "row 2" in report.errors[0].message
    assert not Offer.objects.exists()


def test_an_assessor_cannot_import_for_another_organisation(assessor):
    rows = [good_row("A1"), good_row("B1", anordnare_orgnr=OREBRO)]
    report = run(csv_bytes(rows), actor=assessor)
    assert located(report) == {(3, "anordnare_orgnr")}
    assert "Örebro" in report.errors[0].message
    assert not Offer.objects.exists()


def test_a_reviewer_imports_for_every_organisation(personas):
    rows = [good_row("A1"), good_row("B1", anordnare_orgnr=OREBRO)]
    report = run(csv_bytes(rows), actor=personas["rua_vastmanland"])
    assert report.errors == []
    assert Offer.objects.count() == 2


def test_people_without_the_import_permission_are_refused(personas):
    with pytest.raises(PermissionDenied):
        run(csv_bytes([good_row("A1")]), actor=personas["counsellor_orebro"])


def test_publishing_by_import_goes_through_review_where_the_region_wants_it(assessor):
    RegionPolicy.objects.create(county=County.objects.get(code="19"), review_required=True)
    run(csv_bytes([good_row("A1", status="published")]), actor=assessor)
    assert Offer.objects.get().status == PublicationStatus.IN_REVIEW


# --- Export and round trip ------------------------------------------------------------------


@pytest.fixture
def varied_offers(personas, catalogue):
    own = Organisation.objects.get(org_number=VASTERAS_KOMVUX)
    unnumbered = Organisation.objects.get(name="Byggföretaget Östgöta Bygg AB (demo)")
    common = {"model": catalogue["vard"], "search_stems": ""}
    return [
        Offer.objects.create(
            provider=own,
            external_id="00123",
            municipality=Municipality.objects.get(code="0380"),
            address="Kungsgatan 1",
            latitude=59.858562,
            longitude=17.638927,
            description="Rad ett\nRad två; med semikolon, och komma",
            on_site=False,
            remote=True,
            languages=",sv,ar,so,",
            capacity_per_year=40,
            lead_time_weeks=6,
            cost_to_individual=1500,
            contact_phone="+46 21 39 00 00",
            contact_email="vux@vasteras.se",
            url="https://www.vasteras.se/vux",
            valid_from=date(2025, 1, 1),
            valid_to=date(2026, 6, 30),
            status=PublicationStatus.PUBLISHED,
            last_reviewed=date(2025, 5, 2),
            **common,
        ),
        Offer.objects.create(
            provider=unnumbered,
            external_id="=1+1",
            municipality=Municipality.objects.get(code="0580"),
            eligibility="-minst två års erfarenhet",
            status=PublicationStatus.IN_REVIEW,
            **common,
        ),
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(varied_offers, file_format):
    stamps = dict(Offer.objects.values_list("pk", "updated_at"))
    history = Offer.history.count()
    exported = offers_export(queryset=Offer.objects.all(), format=file_format)

    report = run(exported, filename=f"export.{file_format}")

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert dict(Offer.objects.values_list("pk", "updated_at")) == stamps
    assert Offer.history.count() == history


def test_the_csv_export_opens_in_swedish_excel(varied_offers):
    exported = offers_export(queryset=Offer.objects.all(), format="csv")
    assert exported.startswith("\ufeff".encode())
    text = exported.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";") == [column.swedish for column in COLUMNS]
    assert "59,858562" in text  # a decimal comma
    assert "'=1+1" in text  # not a formula when Excel opens it


def test_the_xlsx_export_keeps_codes_as_text(varied_offers):
    exported = offers_export(queryset=Offer.objects.order_by("pk"), format="xlsx")
    sheet = load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "00123"
    assert rows[1][4] == "0380"
    assert sheet.cell(row=3, column=1).data_type == "s"  # "=1+1" stays text


# --- Scale ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 200])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    assessor, count, django_assert_max_num_queries
):
    source = csv_bytes([good_row(f"A{n}") for n in range(count)])
    # 20: the rows' checks and writes, the one that tells cached figures the data changed, and
    # on SQLite three that enlarge the page cache while writing and restore it.
    with django_assert_max_num_queries(20):
        report = run(source, actor=assessor)
    assert report.created == count
    source = csv_bytes([good_row(f"A{n}", kommunkod="1884") for n in range(count)])
    with django_assert_max_num_queries(20):
        report = run(source, actor=assessor)
    assert report.updated == count


def test_progress_is_reported_up_to_the_total(assessor):
    calls = []
    run(
        csv_bytes([good_row(f"A{n}") for n in range(450)]),
        actor=assessor,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (900, 900)  # each row checked, then written
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)


# --- Commands -------------------------------------------------------------------------------


def test_import_command_lists_the_errors_and_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "erbjudanden.csv"
    path.write_bytes(csv_bytes([good_row("A1"), good_row("A2", kommunkod="9999")]))
    with pytest.raises(CommandError) as raised:
        call_command("import_offers", str(path))
    assert raised.value.returncode != 0
    assert "3, kommunkod:" in capsys.readouterr().err
    assert not Offer.objects.exists()


def test_import_command_dry_run_writes_nothing_and_a_real_run_imports(tmp_path, capsys):
    path = tmp_path / "erbjudanden.csv"
    path.write_bytes(csv_bytes([good_row("A1"), good_row("A2")]))
    call_command("import_offers", str(path), "--dry-run")
    assert not Offer.objects.exists()
    call_command("import_offers", str(path), "--user", "assessor_vasteras_komvux@valnav.example")
    assert Offer.objects.count() == 2
    assert "2" in capsys.readouterr().out


def test_import_command_applies_the_users_permissions(tmp_path):
    path = tmp_path / "erbjudanden.csv"
    path.write_bytes(csv_bytes([good_row("B1", anordnare_orgnr=OREBRO)]))
    with pytest.raises(CommandError):
        call_command(
            "import_offers", str(path), "--user", "assessor_vasteras_komvux@valnav.example"
        )
    call_command("import_offers", str(path))  # the system imports for everyone
    assert Offer.objects.count() == 1


def test_import_command_shows_progress_for_large_files(tmp_path, capsys):
    path = tmp_path / "erbjudanden.csv"
    path.write_bytes(csv_bytes([good_row(f"A{n}") for n in range(2001)]))
    call_command("import_offers", str(path))
    err = capsys.readouterr().err
    assert "50 %" in err
    assert "100 %" in err


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_command_round_trips_through_the_import_command(varied_offers, tmp_path, suffix):
    path = tmp_path / f"alla.{suffix}"
    call_command("export_offers", str(path))
    history = Offer.history.count()
    stamps = dict(Offer.objects.values_list("pk", "updated_at"))
    call_command("import_offers", str(path))
    assert Offer.history.count() == history
    assert dict(Offer.objects.values_list("pk", "updated_at")) == stamps
