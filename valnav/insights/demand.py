"""Demand data in: the Yrkesbarometer import; and out: the selectors over it.

Arbetsförmedlingen publishes the Yrkesbarometer as open data with the fields yrkesomrade,
yb_yrke, yb_concept_id, lan, ssyk, jobbmojligheter, rekryteringssituation, prognos,
hogsta_bedomningsniva, omgang and taxonomi_version (DOMAIN.md §4). Valnav reads it as CSV (any
encoding and delimiter the atlas import reads, see valnav.atlas.offer_io.read_sheet) or as JSON,
a list of objects with those names. A bristindex column gives the 1–5 index ("4,2" or "4.2");
prognos_1ar and prognos_5ar give the two horizons, and a plain prognos is read as the five-year
one (the dataset's value sets are unverified, so unknown words are errors, not guesses).

A file is imported whole or not at all, in one transaction: every problem is reported by its row
(CSV: as the spreadsheet numbers it, header = 1; JSON: the object's place in the list, from 1)
and column, in the atlas import's shape (`RowError`), and nothing is written. Rows are keyed by
(source, round, county, occupation, yb_concept_id): importing the same file again changes
nothing, a corrected file updates the rows it names. Columns Valnav does not use (the dataset's
longer texts) are left out and listed in the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypedDict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.atlas.offer_io import (
    Column,
    RowError,
    UnreadableFileError,
    beyond_header,
    beyond_header_message,
    fold_header,
    has_nul,
    nul_message,
    read_sheet,
)
from valnav.core.figures_cache import figures_data_changed
from valnav.insights.models import (
    INDEX_MAX,
    INDEX_MIN,
    YRKESBAROMETER,
    DemandObservation,
    DemandObservationQuerySet,
    Outlook,
    ShortageRule,
)
from valnav.places.models import County
from valnav.taxonomy.models import Occupation, fold

COLUMNS: tuple[Column, ...] = (
    Column("source", "kalla", "source", aliases=("källa",)),
    Column("round", "omgang", "round", required=True, aliases=("omgång",)),
    Column("county", "lan", "county", aliases=("län", "lanskod", "länskod", "county_code")),
    Column("ssyk", "ssyk", "ssyk_code", required=True, aliases=("ssyk_kod", "ssyk2012")),
    Column("occupation_area", "yrkesomrade", "occupation_area", aliases=("yrkesområde",)),
    Column("yb_occupation", "yb_yrke", "yb_occupation"),
    Column("yb_concept_id", "yb_concept_id", "concept_id"),
    Column("job_opportunities", "jobbmojligheter", "job_opportunities"),
    Column("recruitment_situation", "rekryteringssituation", "recruitment_situation"),
    Column(
        "shortage_index",
        "bristindex",
        "shortage_index",
        aliases=("index", "rekryteringsindex", "rekryteringssituation_index"),
    ),
    Column("outlook_1y", "prognos_1ar", "outlook_1y", aliases=("prognos_1_ar",)),
    Column("outlook_5y", "prognos_5ar", "outlook_5y", aliases=("prognos_5_ar", "prognos")),
    Column("highest_assessment_level", "hogsta_bedomningsniva", "highest_assessment_level"),
    Column("taxonomy_version", "taxonomi_version", "taxonomy_version"),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_LOOKUP: dict[str, str] = {
    fold_header(name): column.key
    for column in COLUMNS
    for name in (column.swedish, column.english, *column.aliases)
}
# The observation fields a row sets besides its key.
DATA_FIELDS = (
    "occupation_area",
    "yb_occupation",
    "job_opportunities",
    "recruitment_situation",
    "shortage_index",
    "outlook_1y",
    "outlook_5y",
    "highest_assessment_level",
    "taxonomy_version",
)
OUTLOOK_WORDS: dict[str, str] = {
    fold_header(word): value
    for value, words in (
        (Outlook.INCREASING, ("increasing", "ökande", "ökad", "öka", "ökar", "ökning")),
        (Outlook.UNCHANGED, ("unchanged", "oförändrad", "oförändrat", "stabil", "oförändrade")),
        (Outlook.DECREASING, ("decreasing", "minskande", "minskad", "minska", "minskar")),
    )
    for word in words
}
NATIONAL_WORDS = frozenset(
    fold_header(word) for word in ("riket", "sverige", "hela landet", "00", "national")
)
_ROUND = re.compile(r"^[0-9A-Za-zÅÄÖåäö][0-9A-Za-zÅÄÖåäö .:/_-]*$")
_TWO_PLACES = Decimal("0.01")
_MAX = {
    "source": DemandObservation._meta.get_field("source").max_length or 100,
    "round": DemandObservation._meta.get_field("round").max_length or 20,
    "occupation_area": 200,
    "yb_occupation": 200,
    "yb_concept_id": DemandObservation._meta.get_field("yb_concept_id").max_length or 40,
    "highest_assessment_level": 100,
    "taxonomy_version": 20,
}

type Key = tuple[str, str, int | None, int, str]


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reports ---------------------------------------------------------------------------------


@dataclass
class DemandImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.errors


class _Values(TypedDict):
    occupation_area: str
    yb_occupation: str
    job_opportunities: str
    recruitment_situation: str
    shortage_index: Decimal | None
    outlook_1y: str
    outlook_5y: str
    highest_assessment_level: str
    taxonomy_version: str


@dataclass(frozen=True)
class _Row:
    number: int
    key: Key
    values: _Values


# --- Reading files ---------------------------------------------------------------------------


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_json(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """JSON as a table: the headers are the names any object uses, in first-seen order."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableFileError(
            _("The file is not readable JSON (%(reason)s).") % {"reason": error.msg}
        ) from error
    except (ValueError, RecursionError) as error:
        # A number of more than 4300 digits, or lists nested deeper than Python recurses.
        raise UnreadableFileError(
            _("The file is not readable JSON (%(reason)s).") % {"reason": error}
        ) from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UnreadableFileError(_("A JSON file must be a list of objects, one per row."))
    if not data:
        raise UnreadableFileError(_("The file is empty."))
    headers: list[str] = []
    for item in data:
        headers.extend(str(name) for name in item if str(name) not in headers)
    rows = [
        (number, [_json_cell(item.get(name)) for name in headers])
        for number, item in enumerate(data, start=1)
    ]
    return headers, rows


def _read_table(source: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    stripped = source.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith((b"[", b"{")):
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UnreadableFileError(_("A JSON file must be UTF-8 text.")) from error
        return _read_json(text)
    sheet = read_sheet(source=source, filename=filename)
    return sheet.headers, sheet.rows


# --- Reading rows ----------------------------------------------------------------------------


def _length(value: str, key: str) -> str:
    limit = _MAX[key]
    if len(value) > limit:
        raise _CellError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": limit, "length": len(value)}
        )
    return value


def parse_index(value: str) -> Decimal | None:
    """A bristindex as Swedish or English spreadsheets write it ("4,2" or "4.2"), 1–5."""
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation as error:
        raise _CellError(
            _("%(value)s is not a number; write the index as e.g. 4,2 or 4.2.") % {"value": value}
        ) from error
    if not number.is_finite() or not INDEX_MIN <= number <= INDEX_MAX:
        raise _CellError(
            _("The index must lie between 1 and 5 (this is %(value)s).") % {"value": value}
        )
    return number.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


class _RowReader:
    def __init__(self, headers: list[str], report: DemandImportReport, default_source: str) -> None:
        self.errors = report.errors
        self.default_source = default_source
        self.counties: dict[str, County] = {}
        for county in County.objects.all():
            self.counties[county.code] = county
            self.counties[fold_header(county.name)] = county
            # "Västmanland" as well as "Västmanlands län".
            short = re.sub(r"s? län$", "", county.name)
            self.counties.setdefault(fold_header(short), county)
        self.occupations = dict(Occupation.objects.unit_groups().values_list("code", "pk"))
        self.seen: dict[Key, int] = {}
        self.width = len(headers)
        self.index: dict[str, int] = {}
        self.header: dict[str, str] = {}
        for position, name in enumerate(headers):
            if not name:
                continue
            key = HEADER_LOOKUP.get(fold_header(name))
            if key is None:
                report.ignored_columns.append(name)
            elif key in self.index:
                self.errors.append(RowError(1, name, _("This column appears twice.")))
            else:
                self.index[key] = position
                self.header[key] = name
        for column in COLUMNS:
            if column.required and column.key not in self.index:
                self.errors.append(
                    RowError(1, column.swedish, _("This required column is missing."))
                )

    def name(self, key: str) -> str:
        return self.header.get(key, COLUMNS_BY_KEY[key].swedish)

    def cell(self, cells: list[str], key: str) -> str:
        position = self.index.get(key)
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    def read(self, number: int, cells: list[str]) -> _Row | None:
        errors_before = len(self.errors)
        extra = beyond_header(cells, self.width)
        if extra is not None:
            self.errors.append(RowError(number, extra, beyond_header_message()))
        for key, position in self.index.items():
            if position < len(cells) and has_nul(cells[position]):
                self.errors.append(RowError(number, self.name(key), nul_message()))
        parsers: dict[str, Callable[[str], object]] = {
            "source": self._source,
            "round": self._round,
            "county": self._county,
            "ssyk": self._ssyk,
            "occupation_area": lambda value: _length(value, "occupation_area"),
            "yb_occupation": lambda value: _length(value, "yb_occupation"),
            "yb_concept_id": lambda value: _length(value, "yb_concept_id"),
            "job_opportunities": str,
            "recruitment_situation": str,
            "shortage_index": parse_index,
            "outlook_1y": self._outlook,
            "outlook_5y": self._outlook,
            "highest_assessment_level": lambda value: _length(value, "highest_assessment_level"),
            "taxonomy_version": lambda value: _length(value, "taxonomy_version"),
        }
        parsed: dict[str, object] = {}
        for key, parse in parsers.items():
            try:
                parsed[key] = parse(self.cell(cells, key))
            except _CellError as error:
                self.errors.append(RowError(number, self.name(key), error.message))
        if len(self.errors) > errors_before:
            return None
        county = parsed["county"]
        row_key: Key = (
            str(parsed["source"]),
            str(parsed["round"]),
            county.pk if isinstance(county, County) else None,
            int(str(parsed["ssyk"])),
            str(parsed["yb_concept_id"]),
        )
        first = self.seen.setdefault(row_key, number)
        if first != number:
            self.errors.append(
                RowError(
                    number,
                    self.name("ssyk"),
                    _("The same round, county, occupation and concept id are on row %(row)s.")
                    % {"row": first},
                )
            )
            return None
        index = parsed["shortage_index"]
        values: _Values = {
            "occupation_area": str(parsed["occupation_area"]),
            "yb_occupation": str(parsed["yb_occupation"]),
            "job_opportunities": str(parsed["job_opportunities"]),
            "recruitment_situation": str(parsed["recruitment_situation"]),
            "shortage_index": index if isinstance(index, Decimal) else None,
            "outlook_1y": str(parsed["outlook_1y"]),
            "outlook_5y": str(parsed["outlook_5y"]),
            "highest_assessment_level": str(parsed["highest_assessment_level"]),
            "taxonomy_version": str(parsed["taxonomy_version"]),
        }
        return _Row(number=number, key=row_key, values=values)

    def _source(self, value: str) -> str:
        return _length(value, "source") if value else self.default_source

    def _round(self, value: str) -> str:
        if not value:
            raise _CellError(_("A value is required."))
        _length(value, "round")
        if not _ROUND.match(value):
            raise _CellError(_("Write the round as year and number, e.g. 2026-1."))
        return value

    def _county(self, value: str) -> County | None:
        if not value or fold_header(value) in NATIONAL_WORDS:
            return None
        found = self.counties.get(value.zfill(2) if value.isdigit() else fold_header(value))
        if found is None:
            raise _CellError(
                _(
                    "Unknown county %(value)s; use the two-digit county code (e.g. 19) or the "
                    "name of a county in Östra Mellansverige, or leave it empty for the whole "
                    "country."
                )
                % {"value": value}
            )
        return found

    def _ssyk(self, value: str) -> int:
        if not value:
            raise _CellError(_("A value is required."))
        if not re.fullmatch(r"\d{4}", value):
            raise _CellError(
                _("Write the SSYK 2012 code with four digits, e.g. 5321 (this is %(value)s).")
                % {"value": value}
            )
        found = self.occupations.get(value)
        if found is None:
            raise _CellError(_("%(value)s is not an SSYK 2012 unit group.") % {"value": value})
        return found

    def _outlook(self, value: str) -> str:
        if not value:
            return ""
        found = OUTLOOK_WORDS.get(fold_header(value))
        if found is None:
            raise _CellError(
                _("Unknown outlook %(value)s; write ökande, oförändrad or minskande.")
                % {"value": value}
            )
        return found


# --- The import ------------------------------------------------------------------------------


def demand_import(
    *,
    source: bytes,
    filename: str,
    dry_run: bool = True,
    is_demo: bool = False,
    default_source: str = YRKESBAROMETER,
) -> DemandImportReport:
    """Check a Yrkesbarometer file and, unless `dry_run` or any row has an error, store it."""
    report = DemandImportReport(dry_run=dry_run)
    try:
        headers, table = _read_table(source, filename)
    except UnreadableFileError as error:
        report.errors.append(RowError(0, "", error.message))
        return report
    reader = _RowReader(headers, report, default_source)
    report.rows = len(table)
    rows = [row for number, cells in table if (row := reader.read(number, cells)) is not None]
    if report.errors:
        return report
    with transaction.atomic():
        existing = _existing({(row.key[0], row.key[1]) for row in rows})
        now = timezone.now()
        creates: list[DemandObservation] = []
        updates: list[DemandObservation] = []
        for row in rows:
            stored = existing.get(row.key)
            if stored is None:
                source_name, round_name, county_id, occupation_id, concept_id = row.key
                creates.append(
                    DemandObservation(
                        source=source_name,
                        round=round_name,
                        county_id=county_id,
                        occupation_id=occupation_id,
                        yb_concept_id=concept_id,
                        is_demo=is_demo,
                        imported_at=now,
                        **row.values,
                    )
                )
            elif any(getattr(stored, name) != row.values[name] for name in DATA_FIELDS):  # type: ignore[literal-required]  # DATA_FIELDS are _Values' keys
                for name in DATA_FIELDS:
                    setattr(stored, name, row.values[name])  # type: ignore[literal-required]  # as above
                stored.imported_at = now
                updates.append(stored)
        report.created = len(creates)
        report.updated = len(updates)
        report.unchanged = len(rows) - len(creates) - len(updates)
        if not dry_run:
            figures_data_changed()  # bulk writes send no signals
            DemandObservation.objects.bulk_create(creates, batch_size=1000)
            DemandObservation.objects.bulk_update(
                updates, [*DATA_FIELDS, "imported_at", "updated_at"], batch_size=1000
            )
    return report


def _existing(source_rounds: Iterable[tuple[str, str]]) -> dict[Key, DemandObservation]:
    wanted = Q(pk__in=[])
    for source_name, round_name in source_rounds:
        wanted |= Q(source=source_name, round=round_name)
    return {
        (obs.source, obs.round, obs.county_id, obs.occupation_id, obs.yb_concept_id): obs
        for obs in DemandObservation.objects.filter(wanted)
    }


# --- The shortage rule -----------------------------------------------------------------------


def default_rule_description() -> str:
    return _(
        "An occupation counts as a shortage occupation (bristyrke) in a county when "
        "Arbetsförmedlingen's index for it is above 4.00 in the latest round: 4.01–5.00 means very "
        "little competition for the jobs."
    )


def shortage_rule_active() -> ShortageRule:
    """The active rule, or (unsaved) the default one: index above 4.00 in the latest round."""
    rule = ShortageRule.objects.filter(is_active=True).first()
    return rule or ShortageRule(description=default_rule_description())


def shortage_rule_update(
    *, threshold: Decimal, rounds_counted: int, description: str
) -> ShortageRule:
    """Change the active rule (creating it the first time)."""
    with transaction.atomic():
        rule = ShortageRule.objects.select_for_update().filter(is_active=True).first()
        rule = rule or ShortageRule(is_active=True)
        rule.threshold = threshold
        rule.rounds_counted = rounds_counted
        rule.description = description
        rule.full_clean()
        rule.save()
    return rule


# --- Selectors -------------------------------------------------------------------------------


def round_sort_key(round: str) -> tuple[tuple[int, int | str], ...]:
    """Rounds in time order: "2026-1" before "2026-2" before "2027-1", numbers as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", round)
    )


def demand_rounds(*, source: str | None = None) -> list[str]:
    """The rounds that have observations, latest first."""
    queryset = DemandObservation.objects.all()
    if source is not None:
        queryset = queryset.filter(source=source)
    rounds = set(queryset.values_list("round", flat=True).distinct())
    return sorted(rounds, key=round_sort_key, reverse=True)


def shortage_rounds(*, rule: ShortageRule, source: str | None = None) -> frozenset[str]:
    """The rounds the rule counts: the latest `rule.rounds_counted` ones."""
    return frozenset(demand_rounds(source=source)[: rule.rounds_counted])


def is_shortage(
    observation: DemandObservation,
    *,
    rule: ShortageRule | None = None,
    counted_rounds: frozenset[str] | None = None,
) -> bool:
    """Whether the observation shows shortage by the (active) rule. Pass `rule` and
    `counted_rounds` when asking for many observations, to ask the database once."""
    rule = rule or shortage_rule_active()
    if counted_rounds is None:
        counted_rounds = shortage_rounds(rule=rule, source=observation.source)
    return (
        observation.round in counted_rounds
        and observation.shortage_index is not None
        and observation.shortage_index > rule.threshold
    )


@dataclass(frozen=True)
class DemandRow:
    observation: DemandObservation
    shortage: bool


@dataclass(frozen=True)
class DemandOverview:
    round: str | None
    rule: ShortageRule
    rows: list[DemandRow]


def demand_latest(*, county: County | None = None, query: str = "") -> DemandOverview:
    """The latest round's observations, by county (the whole country first) and SSYK code,
    each with its shortage flag; optionally one county's and those matching `query` (the SSYK
    code or name, or Arbetsförmedlingen's name of the occupation)."""
    rule = shortage_rule_active()
    rounds = demand_rounds()
    if not rounds:
        return DemandOverview(round=None, rule=rule, rows=[])
    latest = rounds[0]
    queryset: DemandObservationQuerySet = DemandObservation.objects.in_round(latest).with_places()
    if county is not None:
        queryset = queryset.filter(county=county)
    observations = list(
        queryset.order_by(
            F("county__code").asc(nulls_first=True), "occupation__code", "yb_occupation"
        )
    )
    words = fold(query).split()
    if words:
        # In Python: SQLite folds only ASCII, and one round is a few thousand rows at most.
        observations = [
            obs
            for obs in observations
            if all(
                word in f"{obs.occupation.search_text} {fold(obs.yb_occupation)}" for word in words
            )
        ]
    counted = frozenset(rounds[: rule.rounds_counted])
    rows = [
        DemandRow(observation=obs, shortage=is_shortage(obs, rule=rule, counted_rounds=counted))
        for obs in observations
    ]
    return DemandOverview(round=latest, rule=rule, rows=rows)
