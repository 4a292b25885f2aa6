"""Offers in and out of spreadsheets: the atlas import and export.

Providers keep their offers in their own systems or in Excel and send Valnav a file (CSV in any
delimiter and in UTF-8 or Windows-1252, or an XLSX workbook: see valnav.core.tabular). One row
is one offer, identified by the provider and the provider's own id (`extern_id`), so importing
the same file twice changes nothing and a corrected file updates the offers it names. A file is
imported whole or not at all; every problem is reported by row and column.

This module says only what is the offers' own: the columns, a row → offer function, the
publication rules on the row merged with the stored offer, and an `apply` that writes through
`services.offers_bulk_save` (history through django-simple-history's bulk API). The model's
check constraints are the database's: a row it refuses is found and reported by validating the
rows with the model.

The export writes exactly the columns the import reads, so export → import is a round trip.
A column missing from the file leaves that field of existing offers alone (new offers get the
default); an empty cell in a column that is there clears the field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import CheckConstraint, Field, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from valnav.accounts.models import ORGNR_MESSAGES, Organisation
from valnav.accounts.selectors import organisations_with_perm
from valnav.atlas.models import Offer, PublicationStatus, RegionPolicy, ValidationModel
from valnav.atlas.services import large_page_cache, offer_instance, offers_bulk_save
from valnav.core.permissions import Perm, user_has_perm
from valnav.core.tabular import (
    BoundColumns,
    CellError,
    Column,
    Columns,
    Importer,
    ImportReport,
    Progress,
    Row,
    RowChange,
    RowError,
    parsers,
)
from valnav.core.tabular.report import PREVIEW_LIMIT
from valnav.lib.csv_io import FORMULA_STARTS
from valnav.lib.languages import ISO_639_1
from valnav.lib.orgnr import OrgNumberError, normalize_orgnr
from valnav.lib.stemming import stems
from valnav.places.models import Municipality

if TYPE_CHECKING:
    from valnav.accounts.models import User

__all__ = ["COLUMNS", "ExportFormat", "offers_export", "offers_import"]

# What a cell becomes.
SQLValue = bool | int | float | str | date | datetime | None
Record = dict[str, SQLValue]
ExportFormat = Literal["csv", "xlsx"]

# Stored offers are read this many at a time (below SQLite's 32 766 query parameters).
READ_CHUNK = 10_000

STATUS_WORDS = {
    **{value: value for value in PublicationStatus.values},
    "utkast": PublicationStatus.DRAFT,
    "granskas": PublicationStatus.IN_REVIEW,
    "publicerad": PublicationStatus.PUBLISHED,
    "arkiverad": PublicationStatus.ARCHIVED,
}

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
OFFER_COLUMNS = Columns(COLUMNS)
LOOKUP_KEYS = (
    "external_id",
    "provider_org_number",
    "provider_name",
    "model_key",
    "municipality_code",
)
# Offer fields a row sets, by column key (the lookups above set model_id and municipality_id).
DATA_FIELDS = tuple(column.key for column in COLUMNS if column.key not in LOOKUP_KEYS)


# --- Cells -------------------------------------------------------------------------------------


def _model_field(name: str) -> Field[Any, Any]:
    model_field = Offer._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(name)
    return model_field


def _max_length(name: str) -> int | None:
    return _model_field(name).max_length


_INTEGER_LIMITS = {
    "capacity_per_year": 2_147_483_647,
    "lead_time_weeks": 32_767,
    "cost_to_individual": 2_147_483_647,
}


def _text(name: str) -> Callable[[str], SQLValue]:
    limit = _max_length(name)
    return lambda value: parsers.parse_text(value, max_length=limit)


def _boolean(name: str) -> Callable[[str], SQLValue]:
    default = bool(_model_field(name).get_default())
    return lambda value: parsers.parse_boolean(value, default=default)


def _integer(name: str) -> Callable[[str], SQLValue]:
    limit = _INTEGER_LIMITS[name]
    # An empty cell is not known (a cost left empty is not "free of charge", which is 0).
    return lambda value: parsers.parse_whole_number(value, maximum=limit) if value else None


def _coordinate(name: str) -> Callable[[str], SQLValue]:
    if name == "latitude":
        low, high, message = -90.0, 90.0, _("A latitude lies between -90 and 90.")
    else:
        low, high, message = -180.0, 180.0, _("A longitude lies between -180 and 180.")

    def parse(value: str) -> SQLValue:
        if not value:
            return None
        return parsers.parse_decimal_number(value, low=low, high=high, message=message)

    return parse


def _date(name: str) -> Callable[[str], SQLValue]:
    return lambda value: parsers.parse_iso_date(value) if value else None


def _email(name: str) -> Callable[[str], SQLValue]:
    limit = _max_length(name)
    return lambda value: parsers.parse_email(value, max_length=limit) if value else ""


def _url(name: str) -> Callable[[str], SQLValue]:
    limit = _max_length(name)
    return lambda value: parsers.parse_url(value, max_length=limit) if value else ""


_LANGUAGE_SEPARATORS = re.compile(r"[;,\s]+")


def _languages(name: str) -> Callable[[str], SQLValue]:
    default = str(_model_field("languages").get_default())

    def parse(value: str) -> SQLValue:
        codes: list[str] = []
        for part in _LANGUAGE_SEPARATORS.split(value.casefold()):
            if not part:
                continue
            if part not in ISO_639_1:
                raise CellError(
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
            raise CellError(_("Too many languages for one offer."))
        return text or default

    return parse


def _status(name: str) -> Callable[[str], SQLValue]:
    def parse(value: str) -> SQLValue:
        if not value:
            return str(PublicationStatus.DRAFT)
        status = STATUS_WORDS.get(value.casefold().replace(" ", "_"))
        if status is None:
            raise CellError(
                _("Unknown status %(value)s; use draft, published or archived.") % {"value": value}
            )
        return str(status)

    return parse


_PARSER_KINDS: dict[str, Callable[[str], Callable[[str], SQLValue]]] = {
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
# Columns of a few values repeated over a file, each parsed once (see parsers.from_cell).
_REPEATING = frozenset({_boolean, _integer, _date, _languages, _status})


# --- The import --------------------------------------------------------------------------------


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
        self._name_stems: dict[str, list[str]] = {}
        self._place_stems: dict[int, list[str]] = {}

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
        """The same text as services.offer_stems, from the preloaded objects, without queries.
        Each part is stemmed once per import: rows seldom share model, provider and place."""
        model_part = self.model_stems(self.models_by_id[int(str(record["model_id"]))])
        provider_part = self.name_stems(provider.name)
        municipality_id = int(str(record["municipality_id"]))
        place_part = self._place_stems.get(municipality_id)
        if place_part is None:
            municipality = self.municipalities_by_id[municipality_id]
            place_part = self._place_stems[municipality_id] = [
                *stems(municipality.name),
                *stems(municipality.county.name),
            ]
        description = str(record["description"])
        words = [*model_part, *provider_part, *place_part]
        if description:
            words.extend(stems(description))
        return " ".join(dict.fromkeys(words))

    def name_stems(self, name: str) -> list[str]:
        found = self._name_stems.get(name)
        if found is None:
            found = self._name_stems[name] = stems(name)
        return found


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


class OfferImporter(Importer[_Row]):
    """Offers by provider and provider's id; see the module's docstring."""

    columns = OFFER_COLUMNS

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.catalogue = _Catalogue(actor)
        self.parsers = {
            key: parsers.from_cell(kind(key), remember=kind in _REPEATING)
            for key, kind in _PARSER_KINDS.items()
        }
        self.external_id_limit = _max_length("external_id") or 0
        self._providers: dict[tuple[str, str], Organisation] = {}

    def check_header(self, columns: BoundColumns, errors: list[RowError]) -> None:
        if "provider_org_number" not in columns and "provider_name" not in columns:
            errors.append(
                RowError(
                    1,
                    columns.name("provider_org_number"),
                    _("Give the provider in a column %(orgnr)s or %(name)s.")
                    % {
                        "orgnr": columns.name("provider_org_number"),
                        "name": columns.name("provider_name"),
                    },
                )
            )
        # The data columns the file has, by position: read_row parses the raw cells.
        self.data = [
            (key, columns.index[key], self.parsers[key]) for key in DATA_FIELDS if key in columns
        ]

    def read_row(self, row: Row) -> _Row | None:
        external_id = row.cell("external_id")
        limit = self.external_id_limit
        if not external_id:
            row.error("external_id", _("A value is required."))
        elif len(external_id) > limit:
            row.error(
                "external_id",
                _("At most %(max)s characters (this has %(length)s).")
                % {"max": limit, "length": len(external_id)},
            )
        provider = self._provider(row)
        values: Record = {}
        model_key = row.cell("model_key").casefold()
        model = self.catalogue.models.get(model_key)
        if not model_key:
            row.error("model_key", _("A value is required."))
        elif model is None:
            row.error("model_key", _("Unknown validation model %(value)s.") % {"value": model_key})
        else:
            values["model_id"] = model.pk
        code = row.cell("municipality_code")
        municipality = self.catalogue.municipalities.get(code)
        if municipality is None and code.isdigit() and len(code) < 4:
            # Excel turns "0380" into the number 380.
            municipality = self.catalogue.municipalities.get(code.zfill(4))
        if not code:
            row.error("municipality_code", _("A value is required."))
        elif municipality is None:
            row.error(
                "municipality_code",
                _(
                    "Unknown municipality code %(value)s; use the four-digit code of a "
                    "municipality in Östra Mellansverige, e.g. 1980."
                )
                % {"value": code},
            )
        else:
            values["municipality_id"] = municipality.pk
        cells = row.cells
        width = len(cells)
        for key, position, parse in self.data:
            try:
                values[key] = parse(cells[position] if position < width else "")
            except CellError as error:
                row.error(key, error.message)
        if row.failed or provider is None or municipality is None:
            return None
        return _Row(row.number, provider, municipality, external_id, values)

    def key(self, record: _Row) -> Hashable:
        return (record.provider.pk, record.external_id)

    def duplicate(self, row: Row, first: int) -> None:
        row.error(
            "external_id",
            _("The provider's id %(value)s is used already on row %(row)s.")
            % {"value": row.cell("external_id"), "row": first},
        )

    def _provider(self, row: Row) -> Organisation | None:
        """The row's provider, each (organisationsnummer, name) looked up and checked once
        (a file names each provider many times); None, and the error noted, if there is none."""
        orgnr = row.cell("provider_org_number")
        name = row.cell("provider_name")
        provider = self._providers.get((orgnr, name))
        if provider is None:
            provider = self._find_provider(row, orgnr, name)
            if provider is not None:
                self._providers[(orgnr, name)] = provider
        return provider

    def _find_provider(self, row: Row, orgnr: str, name: str) -> Organisation | None:
        provider: Organisation | None = None
        if orgnr:
            try:
                provider = self.catalogue.by_orgnr.get(normalize_orgnr(orgnr))
            except OrgNumberError as error:
                row.error("provider_org_number", str(ORGNR_MESSAGES[error.code]))
                return None
            if provider is None:
                row.error(
                    "provider_org_number",
                    _("No organisation with organisationsnummer %(value)s is registered in Valnav.")
                    % {"value": orgnr},
                )
                return None
            if name and name.casefold() != provider.name.casefold().strip():
                row.error(
                    "provider_name",
                    _("The organisationsnummer belongs to %(name)s, not to %(value)s.")
                    % {"name": provider.name, "value": name},
                )
                return None
        elif name:
            found = self.catalogue.by_name.get(name.casefold(), [])
            if not found:
                row.error(
                    "provider_name",
                    _("No organisation called %(value)s is registered in Valnav.")
                    % {"value": name},
                )
                return None
            if len(found) > 1:
                row.error(
                    "provider_name",
                    _("Several organisations are called %(value)s; give the organisationsnummer.")
                    % {"value": name},
                )
                return None
            provider = found[0]
        else:
            row.error(
                "provider_org_number" if row.has("provider_org_number") else "provider_name",
                _("Give the provider's organisationsnummer or name."),
            )
            return None
        allowed = self.catalogue.allowed_provider_ids
        if allowed is not None and provider.pk not in allowed:
            row.error(
                "provider_org_number" if orgnr else "provider_name",
                _("You may not import offers for %(provider)s.") % {"provider": provider.name},
            )
            return None
        return provider

    def apply(self, records: list[tuple[int, _Row]], report: ImportReport) -> None:
        rows = [row for _number, row in records]
        stored = _stored_offers(rows)
        now = timezone.now()
        today = timezone.localdate()
        defaults: Record = {field.attname: field.get_default() for field in _OFFER_FIELDS}
        defaults["created_at"] = defaults["updated_at"] = now
        defaults["id"] = None
        creates: list[_Write] = []
        updates: list[_Write] = []
        changed_fields: set[str] = set()
        for row in rows:
            before = stored.get((row.provider.pk, row.external_id))
            problem = _settle_publication(row, before, self.catalogue, today)
            if problem is not None:
                report.errors.append(RowError(row.number, self.column_name("status"), problem))
                continue
            values = row.values
            if before is None:
                record = {**defaults, **values}
                record["provider_id"] = row.provider.pk
                record["external_id"] = row.external_id
                record["search_stems"] = self.catalogue.offer_stems(record, row.provider)
                creates.append(_Write(row.number, offer_instance(record), values))
                if len(report.changes) < PREVIEW_LIMIT:
                    report.change(
                        RowChange(row.number, row.external_id, row.provider.name, "create")
                    )
                else:  # counted only: the preview is full
                    report.created += 1
                continue
            changed = [name for name, value in values.items() if before[name] != value]
            if not changed:
                report.unchanged += 1
                continue
            record = {**before, **values, "updated_at": now}
            record["search_stems"] = self.catalogue.offer_stems(record, row.provider)
            changed_fields.update(changed)
            updates.append(_Write(row.number, offer_instance(record), values))
            report.change(
                RowChange(
                    row.number,
                    row.external_id,
                    row.provider.name,
                    "update",
                    [self.column_name(_column_key(name)) for name in changed],
                )
            )
        if report.errors:
            return
        # In chunks, each in its own savepoint: the offers and their history instances of a
        # whole large file would take a gigabyte, and progress is reported as they are written.
        with large_page_cache():
            self._write(creates, updates, changed_fields, now, report)

    def _write(
        self,
        creates: list[_Write],
        updates: list[_Write],
        changed_fields: set[str],
        now: datetime,
        report: ImportReport,
    ) -> None:
        done = 0
        for kind, writes in (("create", creates), ("update", updates)):
            for chunk in _chunks(writes, WRITE_CHUNK):
                offers = [write.offer for write in chunk]
                try:
                    offers_bulk_save(
                        creates=offers if kind == "create" else [],
                        updates=offers if kind == "update" else [],
                        fields=changed_fields,
                        actor=self.actor,
                        now=now,
                    )
                except IntegrityError as refused:
                    report.errors.extend(_refused_rows(chunk, self, refused))
                done += len(chunk)
                if self.progress is not None and not report.dry_run:
                    self.progress(report.rows + done, 2 * report.rows)


@dataclass
class _Write:
    """A row to write: the offer, and the values the row gave, to blame a refused row."""

    number: int
    offer: Offer
    values: Record


def _stored_offers(rows: Sequence[_Row]) -> dict[tuple[int, str], Record]:
    """The stored offers the file names, as attname → value, by (provider, id): the keys of the
    providers' offers first, then whole rows only for the file's offers."""
    provider_ids = {row.provider.pk for row in rows}
    attnames = ["id", *(model_field.attname for model_field in _OFFER_FIELDS)]
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
    found: dict[tuple[int, str], Record] = {}
    for chunk in _chunks(wanted, READ_CHUNK):
        for values in Offer.objects.filter(pk__in=chunk).values_list(*attnames):
            record = dict(zip(attnames, values, strict=True))
            found[(int(str(record["provider_id"])), str(record["external_id"]))] = record
    return found


_OFFER_FIELDS = [
    model_field for model_field in Offer._meta.concrete_fields if not model_field.primary_key
]
# Offers are built and written this many at a time.
WRITE_CHUNK = 5000


def _refused_rows(
    written: Sequence[_Write], importer: OfferImporter, refused: IntegrityError
) -> list[RowError]:
    """The rows the database refused, found by validating each with the model's check
    constraints (queries only when a write failed), each blamed on the column to correct."""
    checks = [c for c in Offer._meta.constraints if isinstance(c, CheckConstraint)]
    errors: list[RowError] = []
    for write in written:
        number, offer, values = write.number, write.offer, write.values
        for constraint in checks:
            try:
                constraint.validate(Offer, offer)
            except ValidationError as error:
                column = _check_column(constraint, values)
                errors.append(
                    RowError(
                        number, importer.column_name(column) if column else "", error.messages[0]
                    )
                )
                break
    if not errors:
        errors.append(
            RowError(0, "", _("The database refused the file: %(reason)s") % {"reason": refused})
        )
    return errors


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
    return key if key in OFFER_COLUMNS.by_key else None


def _column_key(attname: str) -> str:
    return {"model_id": "model_key", "municipality_id": "municipality_code"}.get(attname, attname)


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Rules on the merged record ------------------------------------------------------------------
#
# A row is checked cell by cell as it is read; what depends on the stored offer too (a row may
# give only some columns) is checked once the row is merged with it, by the rules the services
# apply to a form: publication (services._publish, services.offer_update) and, in the database,
# the model's constraints.


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
    return OfferImporter(actor).run(
        source=source, filename=filename, dry_run=dry_run, progress=progress
    )


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
