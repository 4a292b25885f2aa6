"""Offers in and out of spreadsheets: the atlas import and export.

Providers keep their offers in their own systems or in Excel and send Valnav a file: CSV
(comma or semicolon; UTF-8 with or without BOM, or the Windows-1252 that Swedish Excel writes)
or an XLSX workbook. One row is one offer, identified by the provider and the provider's own id
(`extern_id`), so importing the same file twice changes nothing and a corrected file updates the
offers it names. A file is imported whole or not at all: every problem is reported by the row
and column a person sees in the spreadsheet (the header is row 1) and nothing is written.

The export writes exactly the columns the import reads, so export → import is a round trip.

A column missing from the file leaves that field of existing offers alone (new offers get the
default); an empty cell in a column that is there clears the field.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import CheckConstraint, DateField, F, Field, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from valnav.accounts.models import ORGNR_MESSAGES, Organisation
from valnav.accounts.selectors import organisations_with_perm
from valnav.atlas.models import Offer, PublicationStatus, RegionPolicy, ValidationModel
from valnav.core.figures_cache import figures_data_changed
from valnav.core.permissions import Perm, user_has_perm
from valnav.lib.languages import ISO_639_1
from valnav.lib.orgnr import OrgNumberError, normalize_orgnr
from valnav.lib.stemming import stems
from valnav.places.models import Municipality

if TYPE_CHECKING:
    from valnav.accounts.models import User

Progress = Callable[[int, int], None]
# What a cell becomes, and what goes to the database driver.
SQLValue = bool | int | float | str | date | datetime | None
Record = dict[str, SQLValue]
ExportFormat = Literal["csv", "xlsx"]

# Rows are written in chunks so progress can be reported while the transaction runs.
WRITE_CHUNK = 2000
# Stored offers are read this many at a time (below SQLite's 32 766 query parameters).
READ_CHUNK = 10_000
# The preview lists this many changed rows; the counts are always complete.
PREVIEW_LIMIT = 500

TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "1", "true", "sant", "x"})
FALSE_WORDS = frozenset({"nej", "n", "no", "0", "false", "falskt"})
STATUS_WORDS = {
    **{value: value for value in PublicationStatus.values},
    "utkast": PublicationStatus.DRAFT,
    "granskas": PublicationStatus.IN_REVIEW,
    "publicerad": PublicationStatus.PUBLISHED,
    "arkiverad": PublicationStatus.ARCHIVED,
}
# A cell starting with one of these is a formula to a spreadsheet program; exports prefix it with
# an apostrophe (OWASP's advice against CSV injection) and imports take the apostrophe away.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    swedish: str  # the canonical header, written by the export
    english: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("external_id", "extern_id", "external_id", required=True),
    Column("provider_org_number", "anordnare_orgnr", "provider_org_number"),
    Column("provider_name", "anordnare", "provider", aliases=("provider_name",)),
    Column("model_key", "modell", "model_key", required=True, aliases=("model",)),
    Column("municipality_code", "kommunkod", "municipality_code", required=True),
    Column("address", "adress", "address"),
    Column("latitude", "latitud", "latitude"),
    Column("longitude", "longitud", "longitude"),
    Column("description", "beskrivning", "description"),
    Column("on_site", "på_plats", "on_site"),
    Column("remote", "på_distans", "remote"),
    Column("at_workplace", "på_arbetsplatsen", "at_workplace"),
    Column("languages", "språk", "languages"),
    Column("capacity_per_year", "kapacitet_per_år", "capacity_per_year"),
    Column("lead_time_weeks", "ledtid_veckor", "lead_time_weeks"),
    Column("cost_to_individual", "kostnad_för_individen", "cost_to_individual"),
    Column("eligibility", "behörighet", "eligibility"),
    Column("contact_name", "kontaktperson", "contact_name"),
    Column("contact_email", "kontakt_epost", "contact_email"),
    Column("contact_phone", "kontakt_telefon", "contact_phone"),
    Column("url", "webbsida", "url"),
    Column("valid_from", "giltig_från", "valid_from"),
    Column("valid_to", "giltig_till", "valid_to"),
    Column("status", "status", "status"),
    Column("last_reviewed", "senast_granskad", "last_reviewed"),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
LOOKUP_KEYS = (
    "external_id",
    "provider_org_number",
    "provider_name",
    "model_key",
    "municipality_code",
)
# Offer fields a row sets, by column key (the lookups above set model_id and municipality_id).
DATA_FIELDS = tuple(column.key for column in COLUMNS if column.key not in LOOKUP_KEYS)


def fold_header(text: str) -> str:
    """A header as it is compared: case, spaces, dashes and Swedish letters do not matter."""
    folded = text.strip().casefold().translate(str.maketrans("åäöé -.", "aaoe___"))
    return re.sub(r"_+", "_", folded).strip("_")


HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.swedish, _column.english, *_column.aliases):
        HEADER_LOOKUP[fold_header(_name)] = _column.key


# --- Cells every importer checks the same way ----------------------------------------------


def column_letter(position: int) -> str:
    """The spreadsheet's name of a column from its 0-based position: A, B, …, Z, AA, …"""
    letters = ""
    number = position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def beyond_header(cells: Sequence[str], width: int) -> str | None:
    """The letter of the first filled cell to the right of the header's columns, if any."""
    for position in range(width, len(cells)):
        if cells[position].strip():
            return column_letter(position)
    return None


def beyond_header_message() -> str:
    return _("This row has more cells than the header has columns.")


def has_nul(value: str) -> bool:
    """Whether text holds a NUL character, which PostgreSQL cannot store in text."""
    return "\x00" in value


def nul_message() -> str:
    return _("The cell contains a NUL character, which cannot be stored; remove it.")


# --- Reports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: `row` as the spreadsheet numbers it (header = 1; 0 = the file as a whole)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        if not self.column:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class RowChange:
    """A row that creates or changes an offer, for the preview."""

    row: int
    external_id: str
    provider: str
    action: Literal["create", "update"]
    columns: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors

    @property
    def more_changes(self) -> int:
        return self.created + self.updated - len(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        return cls(
            created=data["created"],
            updated=data["updated"],
            unchanged=data["unchanged"],
            errors=[RowError(**error) for error in data["errors"]],
            changes=[RowChange(**change) for change in data["changes"]],
            rows=data["rows"],
            dry_run=data["dry_run"],
        )


class UnreadableFileError(Exception):
    """The file cannot be read as a table; `message` tells the person why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reading files ---------------------------------------------------------------------------


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells); empty rows left out


_ALLOWED_NON_ASCII = frozenset("–—‘’‚“”„•…€§°±½¼¾«»´·×÷\u00a0¤£")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _looks_like_text(text: str) -> bool:
    """Whether a Windows-1252 decoding is plausible: no control characters, and the characters
    outside ASCII are letters (åäö, é, ü …) or ordinary typography, not mojibake."""
    if _CONTROL.search(text):
        return False
    non_ascii = _NON_ASCII.findall(text)
    unusual = sum(1 for char in non_ascii if not char.isalpha() and char not in _ALLOWED_NON_ASCII)
    return unusual <= len(non_ascii) // 20


def _decode(source: bytes) -> str:
    refused = _(
        "The file is neither UTF-8 nor Windows-1252 text. In Excel, save it as “CSV UTF-8” "
        "or as an Excel workbook (.xlsx)."
    )
    if source.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in source[:4096]:
        raise UnreadableFileError(
            _(
                "The file is in UTF-16 (Excel's “Unicode text”), which the import does not read. "
                "In Excel, save it as “CSV UTF-8” or as an Excel workbook (.xlsx)."
            )
        )
    if source.startswith(codecs.BOM_UTF8):
        try:
            return source[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(refused) from error
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = source.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(refused) from error
    if not _looks_like_text(text):
        raise UnreadableFileError(refused)
    return text


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most known column names."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        known = sum(1 for cell in cells if fold_header(cell) in HEADER_LOOKUP)
        return known, len(cells)

    return max((";", ",", "\t"), key=score)


def _read_csv(source: bytes) -> Sheet:
    text = _decode(source)
    first_line, _newline, rest = text.lstrip("\r\n").partition("\n")
    first_line = first_line.rstrip("\r")
    if re.fullmatch(r"sep=.", first_line.strip(), re.IGNORECASE):
        # Excel's hint line ("sep=;") is not a row of the spreadsheet Excel shows.
        delimiter = first_line.strip()[-1]
        text = rest
    else:
        delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if headers is None:
                if any(cell.strip() for cell in cells):
                    headers = [cell.strip() for cell in cells]
                continue
            if any(cells):
                rows.append((number, cells))
    except csv.Error as error:
        raise UnreadableFileError(
            _("The file is not a readable CSV table (%(reason)s).") % {"reason": error}
        ) from error
    if headers is None:
        raise UnreadableFileError(_("The file is empty."))
    return Sheet(headers=headers, rows=rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# A damaged or hand-made workbook fails deep inside zipfile, zlib or openpyxl with whatever they
# raise (BadZipFile, zlib.error, NotImplementedError for an unknown compression, XML parse
# errors, KeyError for a missing part …): any of them means the file is not a readable workbook.
_XLSX_PROBLEMS = (Exception,)


def _read_xlsx(source: bytes) -> Sheet:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        workbook = load_workbook(io.BytesIO(source), read_only=True, data_only=True)
        try:
            values_by_row = workbook.worksheets[0].iter_rows(values_only=True)
            for number, values in enumerate(values_by_row, start=1):
                cells = [_cell_text(value) for value in values]
                if headers is None:
                    if any(cell.strip() for cell in cells):
                        headers = [cell.strip() for cell in cells]
                    continue
                if any(cells):
                    rows.append((number, cells))
        finally:
            workbook.close()
    except _XLSX_PROBLEMS as error:
        raise UnreadableFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from error
    if headers is None:
        raise UnreadableFileError(_("The file is empty."))
    return Sheet(headers=headers, rows=rows)


def read_sheet(*, source: bytes, filename: str) -> Sheet:
    """The header and rows of a CSV or XLSX file, told apart by content, not by name."""
    if not source:
        raise UnreadableFileError(_("The file is empty."))
    if source.startswith(b"PK\x03\x04"):
        return _read_xlsx(source)
    if source.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            _("Old Excel files (.xls) cannot be imported; save it as .xlsx or as “CSV UTF-8”.")
        )
    return _read_csv(source)


def sheet_row_count(*, source: bytes, filename: str) -> int:
    """About how many data rows the file has (0 if it cannot be read), to decide whether to
    import in the background."""
    if source.startswith(b"PK\x03\x04"):
        try:
            workbook = load_workbook(io.BytesIO(source), read_only=True)
            max_row = workbook.worksheets[0].max_row or 0
            workbook.close()
        except _XLSX_PROBLEMS:
            return 0
        return max(max_row - 1, 0)
    try:
        return len(read_sheet(source=source, filename=filename).rows)
    except UnreadableFileError:
        return 0


# --- Reading cells ---------------------------------------------------------------------------


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_URL_VALIDATOR = URLValidator()
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _model_field(name: str) -> Field[Any, Any]:
    model_field = Offer._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(name)
    return model_field


_MAX_LENGTHS: dict[str, int | None] = {
    name: _model_field(name).max_length
    for name in ("external_id", "address", "contact_name", "contact_email", "contact_phone", "url")
}
_INTEGER_LIMITS = {
    "capacity_per_year": 2_147_483_647,
    "lead_time_weeks": 32_767,
    "cost_to_individual": 2_147_483_647,
}


def _text(value: str, name: str) -> str:
    limit = _MAX_LENGTHS.get(name)
    if limit is not None and len(value) > limit:
        raise _CellError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": limit, "length": len(value)}
        )
    return value


def _boolean(value: str, name: str) -> bool:
    if not value:
        return bool(_model_field(name).get_default())
    word = value.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _CellError(_("Write ja or nej."))


def _integer(value: str, name: str) -> int | None:
    if not value:
        return 0 if name == "cost_to_individual" else None
    digits = value.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"[+-]?\d+([.,]0+)?", digits) is None:
        raise _CellError(_("Write a whole number, e.g. 12."))
    whole = re.split(r"[.,]", digits)[0]
    if len(whole.lstrip("+-").lstrip("0")) > len(str(_INTEGER_LIMITS[name])):
        # Checked on the text: Python refuses to convert more than 4300 digits to a number.
        raise _CellError(
            _("The number is too large (at most %(max)s).") % {"max": _INTEGER_LIMITS[name]}
        )
    number = int(whole)
    if number < 0:
        raise _CellError(_("The number must not be negative."))
    if number > _INTEGER_LIMITS[name]:
        raise _CellError(
            _("The number is too large (at most %(max)s).") % {"max": _INTEGER_LIMITS[name]}
        )
    return number


def _coordinate(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", ".").replace(" ", ""))
    except ValueError as error:
        raise _CellError(_("Write a decimal number, e.g. 59.61.")) from error
    if name == "latitude" and not -90 <= number <= 90:
        raise _CellError(_("A latitude lies between -90 and 90."))
    if name == "longitude" and not -180 <= number <= 180:
        raise _CellError(_("A longitude lies between -180 and 180."))
    return number


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    if not _DATE.match(value):
        raise _CellError(_("Write dates as YYYY-MM-DD, e.g. 2025-03-01."))
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise _CellError(
            _("%(value)s is not a date in the calendar.") % {"value": value}
        ) from error


def _email(value: str, name: str) -> str:
    if not value:
        return ""
    value = _text(value, name)
    try:
        validate_email(value)
    except ValidationError as error:
        raise _CellError(
            _("%(value)s is not a valid e-mail address.") % {"value": value}
        ) from error
    return value


def _url(value: str, name: str) -> str:
    if not value:
        return ""
    # As Django's forms do since 6.0: an address without a scheme means https.
    if "://" not in value:
        value = f"https://{value}"
    value = _text(value, name)
    try:
        _URL_VALIDATOR(value)
    except ValidationError as error:
        raise _CellError(_("%(value)s is not a valid web address.") % {"value": value}) from error
    return value


def _languages(value: str, name: str) -> str:
    if not value:
        return str(_model_field("languages").get_default())
    codes: list[str] = []
    for part in re.split(r"[;,\s]+", value.casefold()):
        if not part:
            continue
        if part not in ISO_639_1:
            raise _CellError(
                _(
                    "Unknown language code %(value)s; use two-letter ISO 639-1 codes "
                    "such as sv, en, ar."
                )
                % {"value": part}
            )
        if part not in codes:
            codes.append(part)
    text = f",{','.join(codes)}," if codes else ""
    if len(text) > 120:
        raise _CellError(_("Too many languages for one offer."))
    return text or str(_model_field("languages").get_default())


def _status(value: str, name: str) -> str:
    if not value:
        return str(PublicationStatus.DRAFT)
    status = STATUS_WORDS.get(value.casefold().replace(" ", "_"))
    if status is None:
        raise _CellError(
            _("Unknown status %(value)s; use draft, published or archived.") % {"value": value}
        )
    return str(status)


_PARSERS: dict[str, Callable[[str, str], SQLValue]] = {
    "address": _text,
    "latitude": _coordinate,
    "longitude": _coordinate,
    "description": _text,
    "on_site": _boolean,
    "remote": _boolean,
    "at_workplace": _boolean,
    "languages": _languages,
    "capacity_per_year": _integer,
    "lead_time_weeks": _integer,
    "cost_to_individual": _integer,
    "eligibility": _text,
    "contact_name": _text,
    "contact_email": _email,
    "contact_phone": _text,
    "url": _url,
    "valid_from": _date,
    "valid_to": _date,
    "status": _status,
    "last_reviewed": _date,
}


def _unescape(value: str) -> str:
    """A stripped cell without the apostrophe the export puts before formula characters."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


# --- The import ------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    provider: Organisation
    municipality: Municipality
    external_id: str
    values: Record  # Offer attname → value, only for the columns in the file


class _Catalogue:
    """Everything rows are checked against, loaded once: a fixed number of queries per import."""

    def __init__(self, actor: User | None) -> None:
        self.models = {
            model.key: model
            for model in ValidationModel.objects.select_related("branch").prefetch_related(
                "occupations"
            )
        }
        self.models_by_id = {model.pk: model for model in self.models.values()}
        self.municipalities = {m.code: m for m in Municipality.objects.select_related("county")}
        self.municipalities_by_id = {m.pk: m for m in self.municipalities.values()}
        self.by_orgnr: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.all():
            if organisation.org_number:
                try:
                    key = normalize_orgnr(organisation.org_number)
                except OrgNumberError:
                    key = organisation.org_number
                self.by_orgnr[key] = organisation
            self.by_name.setdefault(organisation.name.casefold().strip(), []).append(organisation)
        self.allowed_provider_ids = _allowed_provider_ids(actor)
        # Where a region reviews publications, members publish only through review.
        self.review_counties: set[int] = set()
        if actor is not None and not user_has_perm(actor, Perm.REVIEW_ATLAS):
            self.review_counties = set(
                RegionPolicy.objects.filter(review_required=True).values_list(
                    "county_id", flat=True
                )
            )
        self._model_stems: dict[int, list[str]] = {}
        self._prefixes: dict[tuple[SQLValue, int, SQLValue], list[str]] = {}

    def model_stems(self, model: ValidationModel) -> list[str]:
        """The stems of the model's part of an offer's search text (see services.offer_stems)."""
        found = self._model_stems.get(model.pk)
        if found is None:
            occupation_names = [
                f"{occupation.name_sv} {occupation.name_en}"
                for occupation in model.occupations.all()
            ]
            branch = model.branch
            found = []
            for text in (
                model.name,
                model.summary,
                " ".join(occupation_names),
                f"{branch.name_sv} {branch.name_en}" if branch else "",
                " ".join(model.outcome_labels()),
            ):
                found.extend(stems(text))
            found = list(dict.fromkeys(found))
            self._model_stems[model.pk] = found
        return found

    def offer_stems(self, record: Record, provider: Organisation) -> str:
        """The same text as services.offer_stems, from the preloaded objects, without queries."""
        key = (record["model_id"], provider.pk, record["municipality_id"])
        prefix = self._prefixes.get(key)
        if prefix is None:
            model = self.models_by_id[int(str(record["model_id"]))]
            municipality = self.municipalities_by_id[int(str(record["municipality_id"]))]
            prefix = [
                *self.model_stems(model),
                *stems(provider.name),
                *stems(municipality.name),
                *stems(municipality.county.name),
            ]
            self._prefixes[key] = prefix
        return " ".join(dict.fromkeys([*prefix, *stems(str(record["description"]))]))


def _allowed_provider_ids(actor: User | None) -> set[int] | None:
    """The organisations whose offers the actor may import (None for all of them): those where
    a role of theirs both imports and edits the atlas, as services.offer_create decides."""
    if actor is None:
        return None
    if not user_has_perm(actor, Perm.EDIT_OWN_ATLAS):
        return set()
    editable = organisations_with_perm(user=actor, perm=Perm.EDIT_OWN_ATLAS)
    importable = organisations_with_perm(user=actor, perm=Perm.IMPORT_ATLAS)
    return set(editable.filter(pk__in=importable.values("pk")).values_list("pk", flat=True))


class _RowReader:
    def __init__(self, catalogue: _Catalogue, headers: list[str], errors: list[RowError]):
        self.catalogue = catalogue
        self.errors = errors
        self.width = len(headers)
        self.index: dict[str, int] = {}
        self.header: dict[str, str] = {}
        english = 0
        for position, name in enumerate(headers):
            if not name:
                continue
            key = HEADER_LOOKUP.get(fold_header(name))
            if key is None:
                errors.append(
                    RowError(
                        1,
                        name,
                        _("Unknown column. The columns are: %(columns)s.")
                        % {"columns": ", ".join(column.swedish for column in COLUMNS)},
                    )
                )
            elif key in self.index:
                errors.append(RowError(1, name, _("This column appears twice.")))
            else:
                self.index[key] = position
                self.header[key] = name
                column = COLUMNS_BY_KEY[key]
                english += fold_header(name) != fold_header(column.swedish)
        self.english = english > len(self.index) / 2
        for column in COLUMNS:
            if column.required and column.key not in self.index:
                errors.append(
                    RowError(1, self.name(column.key), _("This required column is missing."))
                )
        if "provider_org_number" not in self.index and "provider_name" not in self.index:
            errors.append(
                RowError(
                    1,
                    self.name("provider_org_number"),
                    _("Give the provider in a column %(orgnr)s or %(name)s.")
                    % {
                        "orgnr": self.name("provider_org_number"),
                        "name": self.name("provider_name"),
                    },
                )
            )
        self.data = [
            (key, self.index[key], _PARSERS[key]) for key in DATA_FIELDS if key in self.index
        ]

    def name(self, key: str) -> str:
        """The column's name as the file writes it, else in the file's language."""
        if key in self.header:
            return self.header[key]
        column = COLUMNS_BY_KEY[key]
        return column.english if self.english else column.swedish

    def error(self, number: int, key: str, message: str) -> None:
        self.errors.append(RowError(number, self.name(key), message))

    def cell(self, cells: list[str], key: str) -> str:
        position = self.index.get(key)
        if position is None or position >= len(cells):
            return ""
        value = cells[position].strip()
        return _unescape(value) if value[:1] == "'" else value

    def read(self, number: int, cells: list[str]) -> _Row | None:
        errors_before = len(self.errors)
        extra = beyond_header(cells, self.width)
        if extra is not None:
            self.errors.append(RowError(number, extra, beyond_header_message()))
        for key, position in self.index.items():
            if position < len(cells) and has_nul(cells[position]):
                self.error(number, key, nul_message())
        external_id = self.cell(cells, "external_id")
        if not external_id:
            self.error(number, "external_id", _("A value is required."))
        elif len(external_id) > (_MAX_LENGTHS["external_id"] or 0):
            self.error(
                number,
                "external_id",
                _("At most %(max)s characters (this has %(length)s).")
                % {"max": _MAX_LENGTHS["external_id"], "length": len(external_id)},
            )
        provider = self._provider(number, cells)
        values: Record = {}
        model_key = self.cell(cells, "model_key").casefold()
        model = self.catalogue.models.get(model_key)
        if not model_key:
            self.error(number, "model_key", _("A value is required."))
        elif model is None:
            self.error(
                number, "model_key", _("Unknown validation model %(value)s.") % {"value": model_key}
            )
        else:
            values["model_id"] = model.pk
        code = self.cell(cells, "municipality_code")
        municipality = self.catalogue.municipalities.get(code)
        if municipality is None and code.isdigit() and len(code) < 4:
            # Excel turns "0380" into the number 380.
            municipality = self.catalogue.municipalities.get(code.zfill(4))
        if not code:
            self.error(number, "municipality_code", _("A value is required."))
        elif municipality is None:
            self.error(
                number,
                "municipality_code",
                _(
                    "Unknown municipality code %(value)s; use the four-digit code of a "
                    "municipality in Östra Mellansverige, e.g. 1980."
                )
                % {"value": code},
            )
        else:
            values["municipality_id"] = municipality.pk
        for key, position, parse in self.data:
            raw = cells[position].strip() if position < len(cells) else ""
            if raw[:1] == "'":
                raw = _unescape(raw)
            try:
                values[key] = parse(raw, key)
            except _CellError as error:
                self.error(number, key, error.message)
        if len(self.errors) > errors_before or provider is None or municipality is None:
            return None
        return _Row(
            number=number,
            provider=provider,
            municipality=municipality,
            external_id=external_id,
            values=values,
        )

    def _provider(self, number: int, cells: list[str]) -> Organisation | None:
        orgnr = self.cell(cells, "provider_org_number")
        name = self.cell(cells, "provider_name")
        provider: Organisation | None = None
        if orgnr:
            try:
                provider = self.catalogue.by_orgnr.get(normalize_orgnr(orgnr))
            except OrgNumberError as error:
                self.error(number, "provider_org_number", str(ORGNR_MESSAGES[error.code]))
                return None
            if provider is None:
                self.error(
                    number,
                    "provider_org_number",
                    _("No organisation with organisationsnummer %(value)s is registered in Valnav.")
                    % {"value": orgnr},
                )
                return None
            if name and name.casefold() != provider.name.casefold().strip():
                self.error(
                    number,
                    "provider_name",
                    _("The organisationsnummer belongs to %(name)s, not to %(value)s.")
                    % {"name": provider.name, "value": name},
                )
                return None
        elif name:
            found = self.catalogue.by_name.get(name.casefold(), [])
            if not found:
                self.error(
                    number,
                    "provider_name",
                    _("No organisation called %(value)s is registered in Valnav.")
                    % {"value": name},
                )
                return None
            if len(found) > 1:
                self.error(
                    number,
                    "provider_name",
                    _("Several organisations are called %(value)s; give the organisationsnummer.")
                    % {"value": name},
                )
                return None
            provider = found[0]
        else:
            self.error(
                number,
                "provider_org_number" if "provider_org_number" in self.index else "provider_name",
                _("Give the provider's organisationsnummer or name."),
            )
            return None
        allowed = self.catalogue.allowed_provider_ids
        if allowed is not None and provider.pk not in allowed:
            self.error(
                number,
                "provider_org_number" if orgnr else "provider_name",
                _("You may not import offers for %(provider)s.") % {"provider": provider.name},
            )
            return None
        return provider


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Rules on the merged record ----------------------------------------------------------------
#
# A row is checked cell by cell as it is read; what depends on the stored offer too (a row may
# give only some columns) is checked once the row is merged with it, by the rules the services
# apply to a form: publication (services._publish, services.offer_update) and the model's
# constraints (full_clean). Offer has no clean() of its own; a test fails if one is added.


def _settle_publication(
    row: _Row, before: Record | None, catalogue: _Catalogue, today: date
) -> str | None:
    """Set the row's status and last review as publishing through the services would, or say
    why the row may not have the status it asks for."""
    values = row.values
    stored_status = before["status"] if before is not None else None
    wanted = values.get("status", stored_status or PublicationStatus.DRAFT)
    if stored_status == PublicationStatus.ARCHIVED and wanted in (
        PublicationStatus.PUBLISHED,
        PublicationStatus.IN_REVIEW,
    ):
        return _("An archived entry cannot be published; make a new one.")
    if wanted != PublicationStatus.PUBLISHED:
        return None
    counties = {row.municipality.county_id}
    if before is not None:
        counties.add(catalogue.municipalities_by_id[int(str(before["municipality_id"]))].county_id)
    content_changed = before is not None and any(
        before[name] != value
        for name, value in values.items()
        if name not in {"status", "last_reviewed"}
    )
    if counties & catalogue.review_counties and (
        stored_status != PublicationStatus.PUBLISHED or content_changed
    ):
        # Where the region reviews publications, a new publication and a change to a published
        # offer wait for a regional reviewer (the offer's old county or its new one).
        values["status"] = PublicationStatus.IN_REVIEW
    elif stored_status != PublicationStatus.PUBLISHED:
        values["status"] = PublicationStatus.PUBLISHED
        values["last_reviewed"] = today  # publishing is a review, as in services._publish
    return None


class _UnsupportedConditionError(Exception):
    """A check constraint this evaluator does not understand; the database decides instead."""


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, options: value in options,
}


def _condition_holds(condition: object, record: Record) -> bool | None:
    """A check constraint's condition on a record, without a query per row: simple lookups on
    the offer's own fields in SQL's three-valued logic (None, unknown, passes a CHECK)."""
    if not isinstance(condition, Q):
        raise _UnsupportedConditionError(condition)
    results: list[bool | None] = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_condition_holds(child, record))
            continue
        lookup, operand = cast(tuple[str, Any], child)
        name, _separator, kind = lookup.partition("__")
        value = record[_model_field(name).attname]
        if kind == "isnull":
            results.append((value is None) == bool(operand))
            continue
        compare = _COMPARISONS.get(kind or "exact")
        if compare is None:
            raise _UnsupportedConditionError(lookup)
        if isinstance(operand, F):
            operand = record[_model_field(cast(Any, operand).name).attname]
        elif hasattr(operand, "resolve_expression"):
            raise _UnsupportedConditionError(lookup)
        results.append(None if value is None or operand is None else compare(value, operand))
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif condition.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise _UnsupportedConditionError(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result


_CHECKS = [
    constraint for constraint in Offer._meta.constraints if isinstance(constraint, CheckConstraint)
]


def _violated_check(record: Record) -> CheckConstraint | None:
    """The first of the offer's check constraints the merged record breaks. (Its unique
    constraint holds by construction: rows are matched on provider and id.)"""
    for constraint in _CHECKS:
        try:
            if _condition_holds(constraint.condition, record) is False:
                return constraint
        except _UnsupportedConditionError:
            try:
                constraint.validate(Offer, Offer(**record))
            except ValidationError:
                return constraint
    return None


def _check_column(constraint: CheckConstraint, values: Record) -> str | None:
    """The column to blame: the last (in column order) the constraint reads that the row gives,
    e.g. the end date when a file moves it before the stored start date."""
    condition = constraint.condition
    if not isinstance(condition, Q):
        return None
    order = {column.key: position for position, column in enumerate(COLUMNS)}
    attnames = sorted(
        (_model_field(name).attname for name in condition.referenced_base_fields),
        key=lambda attname: order.get(_column_key(attname), -1),
    )
    given = [attname for attname in attnames if attname in values]
    found = (given or attnames)[-1:]
    key = _column_key(found[0]) if found else ""
    return key if key in COLUMNS_BY_KEY else None


def offers_import(
    *,
    actor: User | None,
    source: bytes,
    filename: str,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a file of offers and, unless `dry_run` or any row is wrong, apply it in one
    transaction: new rows create offers, changed rows update them, identical rows are left
    alone (no history entry, `updated_at` kept). `actor=None` is the system (command line)
    and may import for every provider; a person imports for the organisations they may edit.

    `progress(done, total)` is called now and then; `total` counts each row once when checking
    and, when applying, once more when writing.
    """
    if actor is not None and not user_has_perm(actor, Perm.IMPORT_ATLAS):
        raise PermissionDenied(_("You may not import offers."))
    report = ImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(source=source, filename=filename)
    except UnreadableFileError as refused:
        report.errors.append(RowError(0, "", refused.message))
        return report
    report.rows = len(sheet.rows)
    total = report.rows if dry_run else 2 * report.rows
    catalogue = _Catalogue(actor)
    reader = _RowReader(catalogue, sheet.headers, report.errors)
    if report.errors:  # the header is wrong: the rows cannot be read
        return report

    step = max(report.rows // 100, 200)
    rows: list[_Row] = []
    seen: dict[tuple[int, str], int] = {}
    for position, (number, cells) in enumerate(sheet.rows, start=1):
        row = reader.read(number, cells)
        if row is not None:
            key = (row.provider.pk, row.external_id)
            if key in seen:
                reader.error(
                    number,
                    "external_id",
                    _("The provider's id %(value)s is used already on row %(row)s.")
                    % {"value": row.external_id, "row": seen[key]},
                )
            else:
                seen[key] = number
                rows.append(row)
        if progress is not None and position % step == 0:
            progress(position, total)

    provider_ids = {row.provider.pk for row in rows}
    attnames = ["id", *(model_field.attname for model_field in _OFFER_FIELDS)]
    # The keys of the providers' offers first, then whole rows only for the file's offers.
    stored_ids = {
        (provider_id, external_id): pk
        for provider_id, external_id, pk in Offer.objects.filter(
            provider_id__in=provider_ids
        ).values_list("provider_id", "external_id", "pk")
    }
    wanted = [
        pk
        for pk in (stored_ids.get((row.provider.pk, row.external_id)) for row in rows)
        if pk is not None
    ]
    existing = {
        (values[_PROVIDER], values[_EXTERNAL_ID]): values
        for chunk in _chunks(wanted, READ_CHUNK)
        for values in Offer.objects.filter(pk__in=chunk).values_list(*attnames)
    }
    now = timezone.now()
    defaults = _creation_defaults(now)
    creates: list[Record] = []
    updates: list[Record] = []
    changed_fields: set[str] = set()
    today = timezone.localdate()
    for row in rows:
        stored = existing.get((row.provider.pk, row.external_id))
        before = dict(zip(attnames, stored, strict=True)) if stored is not None else None
        problem = _settle_publication(row, before, catalogue, today)
        if problem is not None:
            reader.error(row.number, "status", problem)
            continue
        values = row.values
        changed: list[str] = []
        if before is None:
            record = {**defaults, **values}
            record["provider_id"] = row.provider.pk
            record["external_id"] = row.external_id
        else:
            changed = [name for name, value in values.items() if before[name] != value]
            if not changed:
                report.unchanged += 1
                continue
            record = {**before, **values, "updated_at": now}
        violated = _violated_check(record)
        if violated is not None:
            column = _check_column(violated, values)
            reader.errors.append(
                RowError(
                    row.number,
                    reader.name(column) if column else "",
                    str(violated.get_violation_error_message()),
                )
            )
            continue
        record["search_stems"] = catalogue.offer_stems(record, row.provider)
        if before is None:
            creates.append(record)
            report.created += 1
            if len(report.changes) < PREVIEW_LIMIT:
                report.changes.append(
                    RowChange(row.number, row.external_id, row.provider.name, "create")
                )
            continue
        changed_fields.update(changed)
        updates.append(record)
        report.updated += 1
        if len(report.changes) < PREVIEW_LIMIT:
            report.changes.append(
                RowChange(
                    row.number,
                    row.external_id,
                    row.provider.name,
                    "update",
                    [reader.name(_column_key(name)) for name in changed],
                )
            )
    if report.errors:
        report.errors.sort(key=lambda error: error.row)
        report.created = report.updated = report.unchanged = 0
        report.changes = []
        return report
    if progress is not None:
        progress(report.rows, total)
    if dry_run:
        return report
    _write(
        creates=creates,
        updates=updates,
        changed_fields=changed_fields,
        provider_ids=provider_ids,
        actor=actor,
        now=now,
        progress=(lambda done: progress(report.rows + done, total)) if progress else None,
    )
    if progress is not None:
        progress(total, total)
    return report


# --- Writing ---------------------------------------------------------------------------------
#
# Django's bulk_create and simple-history's bulk_create_with_history spend most of their time
# compiling each value of each row in Python: 100 000 offers and their history took over a
# minute on SQLite. Rows are therefore written with executemany(), each value prepared once by
# its field, and the history rows are the ones simple-history's bulk_history_create would make
# (same columns, "+" for new and "~" for changed offers, the importer as history user).

_OFFER_FIELDS = [
    model_field for model_field in Offer._meta.concrete_fields if not model_field.primary_key
]
_PROVIDER = 1 + [model_field.attname for model_field in _OFFER_FIELDS].index("provider_id")
_EXTERNAL_ID = 1 + [model_field.attname for model_field in _OFFER_FIELDS].index("external_id")


def _creation_defaults(now: datetime) -> Record:
    defaults: Record = {
        model_field.attname: model_field.get_default() for model_field in _OFFER_FIELDS
    }
    defaults["created_at"] = defaults["updated_at"] = now
    return defaults


class _Preparer:
    """Rows as the database driver takes them. Strings, numbers, booleans and ids go as they
    are; dates and times are converted by their field, each distinct value once (an import
    repeats the same few dates, and the timestamp of the import on every row)."""

    def __init__(self, fields: Sequence[Field[Any, Any]]) -> None:
        self.dated = [
            (position, model_field)
            for position, model_field in enumerate(fields)
            if isinstance(model_field, DateField)  # DateTimeField is one too
        ]
        self.converted: dict[tuple[int, SQLValue], SQLValue] = {}

    def __call__(self, values: list[SQLValue]) -> list[SQLValue]:
        for position, model_field in self.dated:
            value = values[position]
            if value is None:
                continue
            converted = self.converted.get((position, value))
            if converted is None:
                converted = model_field.get_db_prep_save(value, connection)
                self.converted[(position, value)] = converted
            values[position] = converted
        return values


def _columns(fields: Sequence[Field[Any, Any]]) -> list[str]:
    return [model_field.column or model_field.attname for model_field in fields]


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(table)} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608  (names from the models' _meta)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )


def _history_rows(
    records: Sequence[Record], *, kind: str, actor: User | None, now: datetime
) -> tuple[str, list[list[SQLValue]]]:
    history_model = Offer.history.model
    fields = [
        model_field
        for model_field in history_model._meta.concrete_fields
        if model_field.attname != "history_id"
    ]
    extra: Record = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": kind,
        "history_user_id": actor.pk if actor is not None else None,
    }
    attnames = [model_field.attname for model_field in fields]
    prepare = _Preparer(fields)
    rows = [
        prepare([extra[name] if name in extra else record[name] for name in attnames])
        for record in records
    ]
    return _insert_sql(history_model._meta.db_table, _columns(fields)), rows


@contextlib.contextmanager
def _large_page_cache(cursor: CursorWrapper) -> Iterator[None]:
    """On SQLite, a 64 MiB page cache while writing: the full-text index of the new rows
    (see atlas.search) is built some 10 % faster. The connection's own size comes back after."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (previous,) = cursor.fetchone()
    cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _write(
    *,
    creates: list[Record],
    updates: list[Record],
    changed_fields: set[str],
    provider_ids: set[int],
    actor: User | None,
    now: datetime,
    progress: Callable[[int], None] | None,
) -> None:
    """Create and update the offers and their history in one transaction, in chunks."""
    attnames = [model_field.attname for model_field in _OFFER_FIELDS]
    prepare = _Preparer(_OFFER_FIELDS)
    insert = _insert_sql(Offer._meta.db_table, _columns(_OFFER_FIELDS))
    update_names = sorted(changed_fields | {"updated_at", "search_stems"})
    update_fields = [_model_field(name) for name in update_names]
    quote = connection.ops.quote_name
    update = (
        f"UPDATE {quote(Offer._meta.db_table)} SET "  # noqa: S608  (names from _meta)
        + ", ".join(f"{quote(column)} = %s" for column in _columns(update_fields))
        + f" WHERE {quote('id')} = %s"
    )
    prepare_update = _Preparer(update_fields)
    done = 0
    with transaction.atomic(), connection.cursor() as cursor, _large_page_cache(cursor):
        figures_data_changed()  # raw inserts send no signals
        for chunk in _chunks(creates, WRITE_CHUNK):
            cursor.executemany(
                insert,
                [prepare([record[name] for name in attnames]) for record in chunk],
            )
            done += len(chunk)
            if progress is not None:
                progress(done)
        if creates:
            # executemany() returns no ids; the unique (provider, external id) finds them.
            ids: dict[tuple[SQLValue, SQLValue], int] = {
                (provider_id, external_id): pk
                for provider_id, external_id, pk in Offer.objects.filter(
                    provider_id__in=provider_ids, created_at=now
                ).values_list("provider_id", "external_id", "pk")
            }
            for record in creates:
                record["id"] = ids[(record["provider_id"], record["external_id"])]
            for chunk in _chunks(creates, WRITE_CHUNK):
                cursor.executemany(*_history_rows(chunk, kind="+", actor=actor, now=now))
        for chunk in _chunks(updates, WRITE_CHUNK):
            cursor.executemany(
                update,
                [
                    [*prepare_update([record[name] for name in update_names]), record["id"]]
                    for record in chunk
                ],
            )
            cursor.executemany(*_history_rows(chunk, kind="~", actor=actor, now=now))
            done += len(chunk)
            if progress is not None:
                progress(done)


def _column_key(attname: str) -> str:
    return {"model_id": "model_key", "municipality_id": "municipality_code"}.get(attname, attname)


# --- The export ------------------------------------------------------------------------------


def _export_values(offer: Offer) -> list[object]:
    """One offer as the import reads it, in COLUMNS order."""
    return [
        offer.external_id,
        offer.provider.org_number,
        offer.provider.name,
        offer.model.key,
        offer.municipality.code,
        offer.address,
        offer.latitude,
        offer.longitude,
        offer.description,
        offer.on_site,
        offer.remote,
        offer.at_workplace,
        ",".join(offer.language_codes),
        offer.capacity_per_year,
        offer.lead_time_weeks,
        offer.cost_to_individual,
        offer.eligibility,
        offer.contact_name,
        offer.contact_email,
        offer.contact_phone,
        offer.url,
        offer.valid_from,
        offer.valid_to,
        offer.status,
        offer.last_reviewed,
    ]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).replace(".", ",")  # Swedish Excel reads a decimal comma as a number
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def offers_export(*, queryset: QuerySet[Offer], format: ExportFormat) -> bytes:
    """The offers as a file the import reads back unchanged: Swedish headers; CSV in UTF-8 with
    BOM and semicolons, as Swedish Excel opens it, or XLSX."""
    offers = queryset.select_related("model", "provider", "municipality").iterator(chunk_size=2000)
    headers = [column.swedish for column in COLUMNS]
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(headers)
        for offer in offers:
            writer.writerow([_csv_cell(value) for value in _export_values(offer)])
        return buffer.getvalue().encode("utf-8-sig")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Offers")[:31])
    sheet.append(headers)
    for offer in offers:
        cells: list[object] = []
        for value in _export_values(offer):
            if isinstance(value, bool):
                cells.append("ja" if value else "nej")
            elif isinstance(value, str):
                # Text stays text: an id such as "=1+1" must not become a formula.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=datetime.combine(value, time()))
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer_bytes = io.BytesIO()
    workbook.save(buffer_bytes)
    return buffer_bytes.getvalue()
