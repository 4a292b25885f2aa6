"""Cases in from spreadsheets: migrating an organisation's earlier case records to Valnav.

A Komvux or a project that kept its validation cases in Excel sends one file: CSV (any encoding
and delimiter the atlas import reads, see valnav.core.tabular.read_sheet) or XLSX. One row is
one case and the person it is about; headers may be Swedish or English (COLUMNS). Each row
becomes an individual (or reuses the one with the same personnummer in the organisation) and a
case whose transition history walks the process from inquiry to the row's state, dated from the
row's own dates (`process_path`, `transition_dates`).

A file is imported whole or not at all, in one transaction: every problem is reported by the
row and column a person sees in the spreadsheet (header = row 1), in the atlas import's shape
(`RowError`), and nothing is written. A row with a case reference that the organisation already
has is left alone, so importing the same file again changes nothing; a row without a reference
gets a new one, so only files with references can be re-imported safely.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.accounts.models import Membership, Organisation
from valnav.atlas.models import ValidationModel
from valnav.casework.facts import case_facts_refresh
from valnav.casework.models import (
    CASE_ROLES,
    CaseTransition,
    Gender,
    Individual,
    ValidationCase,
    new_case_reference,
)
from valnav.casework.services import PERSONNUMMER_MESSAGES
from valnav.casework.states import MAIN_LINE, TRANSITIONS, CaseState, Decision
from valnav.core import tabular
from valnav.core.models import AccessAction, AccessLogEntry
from valnav.core.permissions import ROLE_PERMISSIONS, Perm, Role, user_has_perm
from valnav.core.tabular import CellError, Column, RowError, fold_header
from valnav.core.tabular.parsers import parse_boolean
from valnav.lib import fieldcrypto
from valnav.lib.personnummer import PersonnummerError, parse_personnummer
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

if TYPE_CHECKING:
    from valnav.accounts.models import User

# The preview lists this many rows; the counts are always complete.
PREVIEW_LIMIT = 500
WRITE_BATCH = 1000
READ_CHUNK = 10_000

COLUMNS: tuple[Column, ...] = (
    Column("reference", "ärendenummer", "case_reference", aliases=("referens", "reference")),
    Column("given_name", "förnamn", "given_name", aliases=("first_name",)),
    Column("family_name", "efternamn", "family_name", aliases=("last_name", "surname")),
    Column("email", "e-post", "email", aliases=("epost", "e_mail", "mejl")),
    Column("phone", "telefon", "phone", aliases=("telephone", "mobil")),
    Column(
        "personnummer",
        "personnummer",
        "personal_identity_number",
        aliases=("pnr", "samordningsnummer"),
    ),
    Column("municipality_code", "kommunkod", "municipality_code", aliases=("kommun",)),
    Column("gender", "kön", "gender"),
    Column("birth_year", "födelseår", "birth_year"),
    Column("born_abroad", "född_utomlands", "born_abroad"),
    Column("purpose_gender", "ändamål_kön", "purpose_gender"),
    Column("purpose_birth_year", "ändamål_födelseår", "purpose_birth_year"),
    Column("purpose_born_abroad", "ändamål_född_utomlands", "purpose_born_abroad"),
    Column("model", "modell", "model", aliases=("valideringsmodell", "validation_model")),
    Column("occupation", "yrke_ssyk", "occupation_ssyk", aliases=("ssyk", "yrke", "occupation")),
    Column("komvux_course", "komvuxkurs", "komvux_course", aliases=("kurs", "course")),
    Column(
        "first_contact",
        "första_kontakt",
        "first_contact",
        required=True,
        aliases=("first_contact_date", "första_kontakten"),
    ),
    Column("state", "steg", "state", aliases=("status", "tillstånd")),
    Column("decision", "beslut", "decision"),
    Column("decision_date", "beslutsdatum", "decision_date"),
    Column("ended_on", "avslutad", "ended_on", aliases=("slutdatum", "ended_date", "end_date")),
)
CASE_COLUMNS = tabular.Columns(COLUMNS)
TARGET_KEYS = ("model", "occupation", "komvux_course")
# Optional items of an individual and the column that gives the purpose of recording each.
PURPOSE_COLUMNS = {
    "gender": "purpose_gender",
    "birth_year": "purpose_birth_year",
    "born_abroad": "purpose_born_abroad",
}


def _words(pairs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    return {fold_header(word): value for value, words in pairs for word in words}


STATE_WORDS = _words(
    (state.value, (state.value, str(state.label), swedish))
    for state, swedish in (
        (CaseState.INQUIRY, "förfrågan"),
        (CaseState.GUIDANCE, "information och vägledning"),
        (CaseState.INITIAL_MAPPING, "inledande kartläggning"),
        (CaseState.IN_DEPTH_MAPPING, "fördjupad kartläggning"),
        (CaseState.ASSESSMENT, "bedömning"),
        (CaseState.DECISION, "beslut"),
        (CaseState.DOCUMENTED, "dokumenterat"),
        (CaseState.COMPLEMENTARY_EDUCATION, "kompletterande utbildning"),
        (CaseState.REASSESSMENT, "förnyad bedömning"),
        (CaseState.CLOSED, "avslutat"),
        (CaseState.WITHDRAWN, "återkallat"),
        (CaseState.REFERRED, "hänvisat"),
    )
) | _words(
    [
        (CaseState.GUIDANCE.value, ("vägledning",)),
        (CaseState.DOCUMENTED.value, ("dokumenterad",)),
        (CaseState.REASSESSMENT.value, ("omprövning", "ny bedömning")),
        (CaseState.CLOSED.value, ("avslutad",)),
        (CaseState.WITHDRAWN.value, ("återkallad", "avbrutet", "avbruten")),
        (CaseState.REFERRED.value, ("hänvisad",)),
    ]
)
DECISION_WORDS = _words(
    [
        (Decision.FULL.value, ("full", "fully met", "helt uppfyllt", "helt", "uppfyllt")),
        (Decision.PARTIAL.value, ("partial", "partly met", "delvis uppfyllt", "delvis")),
        (Decision.NOT_MET.value, ("not_met", "not met", "inte uppfyllt", "ej uppfyllt")),
    ]
)
GENDER_WORDS = _words(
    [
        (Gender.WOMAN.value, ("woman", "kvinna", "k", "f", "female")),
        (Gender.MAN.value, ("man", "m", "male")),
        (Gender.OTHER.value, ("other", "annat", "annat eller ickebinär", "ickebinär")),
        (
            Gender.UNDISCLOSED.value,
            ("undisclosed", "vill inte uppge", "vill ej uppge", "prefers not to say"),
        ),
    ]
)

# --- The process as a history -----------------------------------------------------------------

# A case in a state of the main line (states.MAIN_LINE) has passed all the earlier ones.
# Guidance is optional in the process but counted as passed: a migrated case cannot tell, and
# its lead times are the same either way.
END_STATES = frozenset(state for state, targets in TRANSITIONS.items() if not targets)
_DECISION_AT = MAIN_LINE.index(CaseState.DECISION)
# States that a case reaches only after its decision, and those it has before any decision.
DECIDED_STATES = frozenset({*MAIN_LINE[_DECISION_AT:], CaseState.CLOSED})
UNDECIDED_STATES = frozenset(MAIN_LINE[:_DECISION_AT])


def process_path(state: CaseState | str, *, decided: bool = False) -> list[CaseState]:
    """The states a case has passed to be in `state`, from inquiry, each allowed by the
    process. A closed case went through its decision and document; a withdrawn or referred one
    as far as its decision if it has one (`decided`), else straight from the inquiry."""
    state = CaseState(state)
    if state in MAIN_LINE:
        return list(MAIN_LINE[: MAIN_LINE.index(state) + 1])
    if state == CaseState.CLOSED:
        return [*MAIN_LINE[: MAIN_LINE.index(CaseState.DOCUMENTED) + 1], state]
    return [*(MAIN_LINE[: _DECISION_AT + 1] if decided else MAIN_LINE[:1]), state]


def transition_dates(
    path: Sequence[CaseState],
    *,
    first_contact: date,
    decision_date: date | None = None,
    ended_on: date | None = None,
) -> list[date]:
    """A date for each state of `path`: the inquiry on the first contact, the decision on its
    date, an end state on the end date; the states between two known dates spread evenly over
    them, those after the last known date on it (never later than what the row says)."""
    anchors: dict[int, date] = {0: first_contact}
    if decision_date is not None and CaseState.DECISION in path:
        anchors[path.index(CaseState.DECISION)] = decision_date
    if ended_on is not None and path[-1] in END_STATES and len(path) > 1:
        anchors[len(path) - 1] = ended_on
    known = sorted(anchors)
    dates: list[date] = []
    for position in range(len(path)):
        before = max(index for index in known if index <= position)
        after = [index for index in known if index >= position]
        if not after or after[0] == before:
            dates.append(anchors[before])
            continue
        span = (anchors[after[0]] - anchors[before]).days
        share = (position - before) / (after[0] - before)
        dates.append(anchors[before] + timedelta(days=int(span * share)))
    return dates


def transition_times(dates: Sequence[date]) -> list[datetime]:
    """Moments for dated transitions: 09:00 local time, a minute apart within a day so that
    the history sorts in the order of the process."""
    zone = timezone.get_current_timezone()
    return [
        timezone.make_aware(datetime.combine(day, time(9)) + timedelta(minutes=position), zone)
        for position, day in enumerate(dates)
    ]


# --- Reports ---------------------------------------------------------------------------------


@dataclass
class CaseImportReport(tabular.ImportReport):
    """The framework's report in the words of cases: `created` cases (or to be created by a dry
    run), `unchanged` rows whose case reference the organisation has already, and the new
    individuals. The preview's changes name no person: the row, the case reference (as `key`)
    and the state (as `label`)."""

    individuals: int = 0

    @property
    def cases(self) -> int:
        return self.created

    @property
    def existing(self) -> int:
        return self.unchanged

    @property
    def more_changes(self) -> int:
        return self.created + self.unchanged - len(self.changes)

    def refuse(self) -> None:
        super().refuse()
        self.individuals = 0


# --- Who may import --------------------------------------------------------------------------

IMPORT_ROLES = tuple(role for role in CASE_ROLES if Perm.IMPORT_CASES in ROLE_PERMISSIONS[role])


def case_import_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose cases `user` may import: where they handle cases in a role
    that imports (an assessor). Administrators too import only where they handle cases."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk, role__in=IMPORT_ROLES).values(
            "organisation_id"
        )
    ).order_by("name")


# --- Reading rows ----------------------------------------------------------------------------


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9ÅÄÖåäö][A-Za-z0-9ÅÄÖåäö/_.:-]*$")
_MAX = {
    "reference": ValidationCase._meta.get_field("reference").max_length or 12,
    "given_name": Individual._meta.get_field("given_name").max_length or 100,
    "family_name": Individual._meta.get_field("family_name").max_length or 100,
    "email": Individual._meta.get_field("email").max_length or 254,
    "phone": Individual._meta.get_field("phone").max_length or 40,
    "komvux_course": ValidationCase._meta.get_field("komvux_course").max_length or 120,
    "purpose": 200,
}


def _length(value: str, key: str) -> str:
    limit = _MAX[key]
    if len(value) > limit:
        raise CellError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": limit, "length": len(value)}
        )
    return value


def _date(value: str, today: date) -> date | None:
    if not value:
        return None
    if not _DATE.match(value):
        raise CellError(_("Write dates as YYYY-MM-DD, e.g. 2025-03-01."))
    try:
        parsed = date.fromisoformat(value)
    except ValueError as error:
        raise CellError(_("%(value)s is not a date in the calendar.") % {"value": value}) from error
    if parsed > today:
        raise CellError(_("The date %(value)s is in the future.") % {"value": value})
    return parsed


@dataclass
class _CaseRow:
    number: int
    reference: str
    individual: dict[str, Any]  # Individual field values
    purposes: dict[str, str]
    personnummer: str  # canonical twelve digits, or ""
    target: dict[str, Any]
    first_contact: date
    state: CaseState
    decision: str
    decision_date: date | None
    ended_on: date | None


class _Catalogue:
    """What rows are checked against, loaded once: a fixed number of queries per import."""

    def __init__(self) -> None:
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        models = list(ValidationModel.objects.only("pk", "key", "name"))
        self.models: dict[str, ValidationModel | None] = {}
        for model in models:
            for name in (model.key, model.name):
                folded = name.casefold().strip()
                # A name two models share identifies neither.
                self.models[folded] = None if folded in self.models else model
        self.models_by_id = {model.pk: model for model in models}
        self.occupations = dict(Occupation.objects.values_list("code", "pk"))


class CaseImporter(tabular.Importer[_CaseRow]):
    """An organisation's earlier cases; see the module's docstring."""

    columns = CASE_COLUMNS

    def __init__(self, *, organisation: Organisation, actor: User | None, today: date) -> None:
        self.organisation = organisation
        self.actor = actor
        self.today = today
        self.catalogue = _Catalogue()
        self.seen: dict[str, int] = {}  # case references of the file: the row of the first

    def check_header(self, columns: tabular.BoundColumns, errors: list[RowError]) -> None:
        if not any(key in columns for key in TARGET_KEYS):
            errors.append(
                RowError(
                    1,
                    columns.name("model"),
                    _("Give the case's target in a column %(columns)s.")
                    % {"columns": _(" or ").join(columns.name(key) for key in TARGET_KEYS)},
                )
            )

    @property
    def errors(self) -> list[RowError]:
        return self.report.errors

    def error(self, number: int, key: str, message: str) -> None:
        self.errors.append(RowError(number, self.column_name(key), message))

    def read_row(self, row: tabular.Row) -> _CaseRow | None:
        return self._read(row.number, row.cells)

    def apply(self, records: list[tuple[int, _CaseRow]], report: tabular.ImportReport) -> None:
        """Count the new cases and individuals and, unless a dry run, write them."""
        organisation = self.organisation
        rows = [row for _number, row in records]
        # References already taken: by this organisation (the row was imported before) or by
        # another (a clash; references are unique over all of Valnav).
        references = [row.reference for row in rows if row.reference]
        lookups = sorted(
            {fieldcrypto.lookup_hash(row.personnummer) for row in rows if row.personnummer}
        )
        taken: dict[str, int] = {}
        known_people: dict[str, int] = {}
        # In chunks below SQLite's limit of query parameters.
        for start in range(0, max(len(references), len(lookups)), READ_CHUNK):
            chunk = references[start : start + READ_CHUNK]
            taken |= {
                reference.casefold(): owner
                for reference, owner in ValidationCase.objects.filter(
                    reference__in=chunk
                ).values_list("reference", "organisation_id")
            }
            known_people |= dict(
                Individual.objects.filter(
                    organisation=organisation,
                    personnummer_lookup__in=lookups[start : start + READ_CHUNK],
                ).values_list("personnummer_lookup", "pk")
            )
        new_rows: list[_CaseRow] = []
        changes: list[tabular.RowChange] = []
        for row in rows:
            owner = taken.get(row.reference.casefold()) if row.reference else None
            if owner is not None and owner != organisation.pk:
                self.error(
                    row.number,
                    "reference",
                    _("The case reference %(value)s is in use already; give another.")
                    % {"value": row.reference},
                )
                continue
            if owner is not None:
                report.unchanged += 1
                action: Literal["create", "exists"] = "exists"
            else:
                new_rows.append(row)
                report.created += 1
                action = "create"
            if len(changes) < PREVIEW_LIMIT:
                changes.append(
                    tabular.RowChange(row.number, row.reference, str(row.state.label), action)
                )
        people = {row.personnummer for row in new_rows if row.personnummer}
        if isinstance(report, CaseImportReport):
            report.individuals = sum(1 for row in new_rows if not row.personnummer) + sum(
                1 for number in people if fieldcrypto.lookup_hash(number) not in known_people
            )
        report.changes = changes
        if report.errors or report.dry_run:
            return
        created = _write(
            rows=new_rows, organisation=organisation, actor=self.actor, known_people=known_people
        )
        report.changes = [
            tabular.RowChange(
                change.row, created.get(change.row, change.key), change.label, change.action
            )
            for change in changes
        ]

    def _parse[T](self, number: int, key: str, parse: Callable[[str], T], cells: list[str]) -> T:
        """`parse` of the cell, or its error recorded and raised again to skip the value."""
        columns = self.bound
        try:
            return parse(columns.cell(cells, key) if columns is not None else "")
        except CellError as error:
            self.error(number, key, error.message)
            raise

    def _read(self, number: int, cells: list[str]) -> _CaseRow | None:
        errors_before = len(self.errors)
        values: dict[str, Any] = {}
        parsers: list[tuple[str, Callable[[str], Any]]] = [
            ("reference", self._reference),
            ("given_name", lambda value: _length(value, "given_name")),
            ("family_name", lambda value: _length(value, "family_name")),
            ("email", self._email),
            ("phone", lambda value: _length(value, "phone")),
            ("personnummer", self._personnummer),
            ("municipality_code", self._municipality),
            ("gender", self._gender),
            ("birth_year", self._birth_year),
            ("born_abroad", self._born_abroad),
            ("purpose_gender", lambda value: _length(value, "purpose")),
            ("purpose_birth_year", lambda value: _length(value, "purpose")),
            ("purpose_born_abroad", lambda value: _length(value, "purpose")),
            ("model", self._model),
            ("occupation", self._occupation),
            ("komvux_course", lambda value: _length(value, "komvux_course")),
            ("first_contact", lambda value: _date(value, self.today)),
            ("state", self._state),
            ("decision", self._decision),
            ("decision_date", lambda value: _date(value, self.today)),
            ("ended_on", lambda value: _date(value, self.today)),
        ]
        for key, parse in parsers:
            try:
                values[key] = self._parse(number, key, parse, cells)
            except CellError:
                values[key] = _INVALID
        self._check_row(number, values)
        reference = values["reference"]
        if reference and reference is not _INVALID:
            first = self.seen.setdefault(reference.casefold(), number)
            if first != number:
                self.error(
                    number,
                    "reference",
                    _("The case reference %(value)s is used already on row %(row)s.")
                    % {"value": reference, "row": first},
                )
        if len(self.errors) > errors_before:
            return None
        target: dict[str, Any] = {
            "model": values["model"],
            "occupation_id": values["occupation"],
            "komvux_course": values["komvux_course"],
        }
        individual = {
            "given_name": values["given_name"],
            "family_name": values["family_name"],
            "email": values["email"],
            "phone": values["phone"],
            "municipality": values["municipality_code"],
            "gender": values["gender"],
            "birth_year": values["birth_year"],
            "born_abroad": values["born_abroad"],
        }
        purposes = {
            item: values[purpose_key]
            for item, purpose_key in PURPOSE_COLUMNS.items()
            if values[item] not in (None, "")
        }
        return _CaseRow(
            number=number,
            reference=values["reference"],
            individual=individual,
            purposes=purposes,
            personnummer=values["personnummer"],
            target=target,
            first_contact=values["first_contact"],
            state=values["state"],
            decision=values["decision"],
            decision_date=values["decision_date"],
            ended_on=values["ended_on"],
        )

    def _check_row(self, number: int, values: dict[str, Any]) -> None:
        """The rules across cells; a cell already wrong is not blamed again."""

        def valid(*keys: str) -> bool:
            return all(values[key] is not _INVALID for key in keys)

        if valid(*TARGET_KEYS) and not any(values[key] for key in TARGET_KEYS):
            self.error(
                number,
                next((key for key in TARGET_KEYS if self.bound and key in self.bound), "model"),
                _("Give the case's target: %(columns)s.")
                % {"columns": _(" or ").join(self.column_name(key) for key in TARGET_KEYS)},
            )
        for item, purpose_key in PURPOSE_COLUMNS.items():
            if (
                valid(item, purpose_key)
                and values[item] not in (None, "")
                and not values[purpose_key]
            ):
                self.error(
                    number,
                    item,
                    _("Say why this is recorded: give its purpose in the column %(column)s.")
                    % {"column": self.column_name(purpose_key)},
                )
        if valid("first_contact") and values["first_contact"] is None:
            self.error(number, "first_contact", _("A value is required."))
        if not valid("first_contact", "state", "decision", "decision_date", "ended_on"):
            return
        first_contact: date | None = values["first_contact"]
        state: CaseState = values["state"]
        decision: str = values["decision"]
        decision_date: date | None = values["decision_date"]
        ended_on: date | None = values["ended_on"]
        label = {"state": state.label}
        if state in DECIDED_STATES and not decision:
            self.error(
                number,
                "decision",
                _("A case in the state “%(state)s” has a decision: full, partial or not_met.")
                % label,
            )
        if state in UNDECIDED_STATES and decision:
            self.error(
                number,
                "decision",
                _("A case in the state “%(state)s” has no decision yet; check the state.") % label,
            )
        if decision and decision_date is None:
            self.error(number, "decision_date", _("Give the date of the decision."))
        if decision_date is not None and not decision:
            self.error(number, "decision", _("The decision date needs a decision."))
        if state in END_STATES and ended_on is None:
            self.error(
                number,
                "ended_on",
                _("A case in the state “%(state)s” has ended: give the date.") % label,
            )
        if state not in END_STATES and ended_on is not None:
            self.error(
                number,
                "ended_on",
                _("A case in the state “%(state)s” has not ended; leave the end date empty.")
                % label,
            )
        if (
            first_contact is not None
            and decision_date is not None
            and decision_date < first_contact
        ):
            self.error(
                number, "decision_date", _("The decision cannot come before the first contact.")
            )
        earliest = decision_date or first_contact
        if earliest is not None and ended_on is not None and ended_on < earliest:
            self.error(
                number,
                "ended_on",
                _("The case cannot end before its first contact or its decision."),
            )

    def _reference(self, value: str) -> str:
        if not value:
            return ""
        _length(value, "reference")
        if not _REFERENCE.match(value):
            raise CellError(
                _("A case reference has letters, digits and - / _ . : only, e.g. VUX-2024-17.")
            )
        return value

    def _email(self, value: str) -> str:
        if not value:
            return ""
        _length(value, "email")
        try:
            validate_email(value)
        except ValidationError as error:
            raise CellError(
                _("%(value)s is not a valid e-mail address.") % {"value": value}
            ) from error
        return value

    def _personnummer(self, value: str) -> str:
        if not value:
            return ""
        try:
            return parse_personnummer(value, today=self.today).number
        except PersonnummerError as error:
            # The message never repeats the number: error lists are shown and logged.
            raise CellError(str(PERSONNUMMER_MESSAGES[error.code])) from error

    def _municipality(self, value: str) -> Municipality | None:
        if not value:
            return None
        found = self.catalogue.municipalities.get(value)
        if found is None and value.isdigit() and len(value) < 4:
            found = self.catalogue.municipalities.get(value.zfill(4))  # Excel drops the 0
        if found is None:
            raise CellError(
                _(
                    "Unknown municipality code %(value)s; use the four-digit code of a "
                    "municipality in Östra Mellansverige, e.g. 1980."
                )
                % {"value": value}
            )
        return found

    def _gender(self, value: str) -> str:
        if not value:
            return ""
        found = GENDER_WORDS.get(fold_header(value))
        if found is None:
            raise CellError(
                _("Unknown gender %(value)s; write kvinna, man, annat or vill inte uppge.")
                % {"value": value}
            )
        return found

    def _birth_year(self, value: str) -> int | None:
        if not value:
            return None
        if not re.fullmatch(r"\d{4}", value):
            raise CellError(_("Write the birth year with four digits, e.g. 1987."))
        year = int(value)
        if not 1900 <= year <= self.today.year:
            raise CellError(
                _("The birth year must lie between 1900 and %(year)s.") % {"year": self.today.year}
            )
        return year

    def _born_abroad(self, value: str) -> bool | None:
        return parse_boolean(value, default=False) if value else None

    def _model(self, value: str) -> ValidationModel | None:
        if not value:
            return None
        # An id in ASCII digits ("²" is a digit to str.isdigit but no number to int()).
        found = (
            self.catalogue.models_by_id.get(int(value))
            if re.fullmatch(r"[0-9]{1,18}", value)
            else self.catalogue.models.get(value.casefold())
        )
        if found is None:
            raise CellError(
                _(
                    "Unknown validation model %(value)s; give its id, key or full name as the "
                    "atlas writes it."
                )
                % {"value": value}
            )
        return found

    def _occupation(self, value: str) -> int | None:
        if not value:
            return None
        found = self.catalogue.occupations.get(value)
        if found is None:
            raise CellError(
                _("Unknown SSYK 2012 code %(value)s; write the code, e.g. 5321.") % {"value": value}
            )
        return found

    def _state(self, value: str) -> CaseState:
        if not value:
            return CaseState.INQUIRY
        found = STATE_WORDS.get(fold_header(value))
        if found is None:
            raise CellError(
                _("Unknown state %(value)s; use one of: %(states)s.")
                % {"value": value, "states": ", ".join(CaseState.values)}
            )
        return CaseState(found)

    def _decision(self, value: str) -> str:
        if not value:
            return ""
        found = DECISION_WORDS.get(fold_header(value))
        if found is None:
            raise CellError(
                _("Unknown decision %(value)s; write full, partial or not_met.") % {"value": value}
            )
        return found


class _Invalid:
    """The value of a cell that had an error (so the row's cross-cell rules skip it)."""


_INVALID = _Invalid()


# --- The import ------------------------------------------------------------------------------


def cases_import(
    *,
    actor: User | None,
    organisation: Organisation,
    source: bytes,
    filename: str,
    dry_run: bool,
) -> CaseImportReport:
    """Check a file of cases for `organisation` and, unless `dry_run` or any row is wrong,
    write its individuals, cases and their histories in one transaction. `actor=None` is the
    system (the command line without --actor); a person imports only for an organisation where
    they are an assessor."""
    if actor is not None and (
        not user_has_perm(actor, Perm.IMPORT_CASES)
        or not case_import_organisations(user=actor).filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied(_("You may not import cases for this organisation."))
    importer = CaseImporter(organisation=organisation, actor=actor, today=timezone.localdate())
    return tabular.run_import(
        importer, source=source, filename=filename, dry_run=dry_run, report=CaseImportReport()
    )


def _write(
    *,
    rows: list[_CaseRow],
    organisation: Organisation,
    actor: User | None,
    known_people: dict[str, int],
) -> dict[int, str]:
    """Create the rows' individuals, cases, transitions and access-log entries in bulk; the
    case reference of each row by row number."""
    purpose = _("Imported from a spreadsheet")
    individuals: dict[str, Individual] = {}  # by personnummer look-up hash, or row number
    row_people: list[tuple[_CaseRow, Individual | int]] = []
    for row in rows:
        lookup = fieldcrypto.lookup_hash(row.personnummer) if row.personnummer else ""
        if lookup in known_people:
            row_people.append((row, known_people[lookup]))
            continue
        key = lookup or f"row-{row.number}"
        new_person = individuals.get(key)
        if new_person is None:
            new_person = Individual(
                organisation=organisation, purposes=row.purposes, **row.individual
            )
            if row.personnummer:
                new_person.personnummer_encrypted = fieldcrypto.encrypt(row.personnummer)
                new_person.personnummer_lookup = lookup
            individuals[key] = new_person
        row_people.append((row, new_person))
    # As case_open does: an importing assessor becomes the cases' assessor.
    assessor_id = (
        actor.pk
        if actor is not None
        and organisation.memberships.filter(user=actor, role=Role.ASSESSOR).exists()
        else None
    )
    with transaction.atomic():
        Individual.objects.bulk_create(individuals.values(), batch_size=WRITE_BATCH)
        cases: list[ValidationCase] = []
        for row, person in row_people:
            individual_id = person if isinstance(person, int) else person.pk
            municipality = row.individual["municipality"]
            if municipality is None and isinstance(person, Individual):
                municipality = person.municipality
            cases.append(
                ValidationCase(
                    reference=row.reference or new_case_reference(),
                    individual_id=individual_id,
                    organisation=organisation,
                    municipality=municipality,
                    state=row.state,
                    decision=row.decision,
                    first_contact=row.first_contact,
                    ended_on=row.ended_on,
                    **row.target,
                )
            )
        ValidationCase.objects.bulk_create(cases, batch_size=WRITE_BATCH)
        transitions: list[CaseTransition] = []
        for (row, _person), case in zip(row_people, cases, strict=True):
            path = process_path(row.state, decided=bool(row.decision))
            moments = transition_times(
                transition_dates(
                    path,
                    first_contact=row.first_contact,
                    decision_date=row.decision_date,
                    ended_on=row.ended_on,
                )
            )
            transitions.extend(
                CaseTransition(
                    case=case,
                    from_state=path[position - 1] if position else "",
                    to_state=state,
                    actor=actor,
                    at=moment,
                    reason=purpose,
                )
                for position, (state, moment) in enumerate(zip(path, moments, strict=True))
            )
        CaseTransition.objects.bulk_create(transitions, batch_size=WRITE_BATCH)
        case_facts_refresh(case.pk for case in cases)  # bulk writes send no signals
        if assessor_id is not None:
            through = ValidationCase.assessors.through
            through.objects.bulk_create(
                [through(validationcase_id=case.pk, user_id=assessor_id) for case in cases],
                batch_size=WRITE_BATCH,
            )
        AccessLogEntry.objects.bulk_create(
            [
                *(
                    AccessLogEntry(
                        actor=actor,
                        action=AccessAction.CREATE,
                        record_type="casework.individual",
                        record_ref=person.pseudonym,
                        purpose=purpose,
                    )
                    for person in individuals.values()
                ),
                *(
                    AccessLogEntry(
                        actor=actor,
                        action=AccessAction.CREATE,
                        record_type="casework.validationcase",
                        record_ref=case.reference,
                        purpose=purpose,
                    )
                    for case in cases
                ),
            ],
            batch_size=WRITE_BATCH,
        )
    return {
        row.number: case.reference for (row, _person), case in zip(row_people, cases, strict=True)
    }
