"""Demand data in: Arbetsförmedlingen's Yrkesbarometer as it publishes it; and out: the shortage
rule and the selectors over it.

The file (`yrkesbarometer.json`, open data under CC0, OFFICIAL_URL) is one JSON array of rows,
one per barometer occupation and area — the whole country (`lan` "00") and each of the 21
counties — with the fields yrkesomrade, yb_yrke, yb_concept_id, lan, ssyk, ssyk_text,
yb_beskrivning, jobbmojligheter, rekryteringssituation, paradox (a list of strings), prognos,
text_jobbmojligheter, text_rekryteringssituation, hogsta_bedomningsniva, delvis_helt, omgang and
taxonomi_version; the same columns as CSV or XLSX are read too (docs/gap-index.md). A row's
`ssyk` may name several SSYK-4 codes ("5321, 5322"): it is stored once per code. Only the
country's rows and those of Valnav's counties are kept, Arbetsförmedlingen's texts word for
word; a null is "no assessment", never a guess. The retired 1–5 index (`bristindex`) and the
one-year outlook are read only as optional columns of older files.

The import runs on the import framework (valnav.core.tabular): a file is imported whole or not
at all, every problem reported by its row (a JSON file's object, counted from 1) and field.
Rows are keyed by (source, round, county, occupation, yb_concept_id): importing the same file
again changes nothing, a corrected file updates the rows it names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypedDict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.core import tabular
from valnav.core.figures_cache import figures_data_changed
from valnav.core.tabular.parsers import parse_text
from valnav.core.tabular.reader import looks_like_json, read_json
from valnav.insights.models import (
    INDEX_MAX,
    INDEX_MIN,
    YRKESBAROMETER,
    DemandObservation,
    DemandObservationQuerySet,
    JobOpportunities,
    Outlook,
    RecruitmentSituation,
    ShortageRule,
)
from valnav.places.models import County
from valnav.taxonomy.models import Occupation, fold

OFFICIAL_URL = "https://data.arbetsformedlingen.se/prognoser/yrkesbarometer.json"
NATIONAL = "00"
# Sweden's county codes (SCB); a row of a county outside Valnav's is passed over, not an error.
SWEDISH_COUNTIES = frozenset(
    "01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25".split()
)

COLUMNS = tabular.Columns(
    [
        tabular.Column("round", "omgang", "round", True, ("omgång",)),
        tabular.Column("county", "lan", "county", False, ("län", "lanskod", "county_code")),
        tabular.Column("ssyk", "ssyk", "ssyk_code", True, ("ssyk_kod", "ssyk2012")),
        tabular.Column(
            "occupation_area", "yrkesomrade", "occupation_area", False, ("yrkesområde",)
        ),
        tabular.Column("yb_occupation", "yb_yrke", "yb_occupation"),
        tabular.Column("yb_concept_id", "yb_concept_id", "concept_id"),
        tabular.Column("ssyk_text", "ssyk_text", "ssyk_names"),
        tabular.Column("yb_description", "yb_beskrivning", "yb_description"),
        tabular.Column("job_opportunities", "jobbmojligheter", "job_opportunities"),
        tabular.Column("recruitment_situation", "rekryteringssituation", "recruitment_situation"),
        tabular.Column("paradox", "paradox", "paradox_list"),
        tabular.Column("outlook_5y", "prognos", "outlook", False, ("prognos_5ar", "prognos_5_ar")),
        tabular.Column("text_job_opportunities", "text_jobbmojligheter", "text_job_opportunities"),
        tabular.Column(
            "text_recruitment_situation",
            "text_rekryteringssituation",
            "text_recruitment_situation",
        ),
        tabular.Column(
            "highest_assessment_level", "hogsta_bedomningsniva", "highest_assessment_level"
        ),
        tabular.Column("partly_or_wholly", "delvis_helt", "partly_or_wholly"),
        tabular.Column("taxonomy_version", "taxonomi_version", "taxonomy_version"),
        # Only in older files, or Valnav's own:
        tabular.Column("source", "kalla", "source", False, ("källa",)),
        tabular.Column(
            "shortage_index", "bristindex", "shortage_index", False, ("rekryteringsindex",)
        ),
        tabular.Column("outlook_1y", "prognos_1ar", "outlook_1y", False, ("prognos_1_ar",)),
    ],
    # Columns of other releases (antal_ssyk, del_av_ssyk) are passed over and listed.
    unknown_is_error=False,
)
# The observation fields a row sets besides its key.
DATA_FIELDS = (
    "occupation_area",
    "yb_occupation",
    "ssyk_text",
    "yb_description",
    "job_opportunities",
    "recruitment_situation",
    "paradox",
    "shortage_index",
    "outlook_1y",
    "outlook_5y",
    "text_job_opportunities",
    "text_recruitment_situation",
    "highest_assessment_level",
    "partly_or_wholly",
    "taxonomy_version",
)
OUTLOOK_WORDS: dict[str, str] = {
    tabular.fold_header(word): value
    for value, words in (
        (Outlook.INCREASING, ("öka", "ökande", "increasing", "increase")),
        (Outlook.UNCHANGED, ("vara oförändrad", "oförändrad", "unchanged")),
        (Outlook.DECREASING, ("minska", "minskande", "decreasing", "decrease")),
    )
    for word in words
}
NATIONAL_WORDS = frozenset(
    tabular.fold_header(word) for word in ("00", "riket", "sverige", "hela landet", "national")
)
_ROUND = re.compile(r"^[0-9A-Za-zÅÄÖåäö][0-9A-Za-zÅÄÖåäö .:/_-]*$")
_TWO_PLACES = Decimal("0.01")
_MAX = {
    "source": 100,
    "round": 20,
    "occupation_area": 200,
    "yb_occupation": 200,
    "yb_concept_id": 40,
    "highest_assessment_level": 100,
    "partly_or_wholly": 20,
    "taxonomy_version": 20,
}

type Key = tuple[str, str, int | None, int, str]


class _Values(TypedDict):
    occupation_area: str
    yb_occupation: str
    ssyk_text: str
    yb_description: str
    job_opportunities: str
    recruitment_situation: str
    paradox: list[str]
    shortage_index: Decimal | None
    outlook_1y: str
    outlook_5y: str
    text_job_opportunities: str
    text_recruitment_situation: str
    highest_assessment_level: str
    partly_or_wholly: str
    taxonomy_version: str


@dataclass(frozen=True)
class _Record:
    """One row of the file: its SSYK codes (occupation ids) share the values."""

    source: str
    round: str
    county_id: int | None
    occupations: tuple[int, ...]
    yb_concept_id: str
    values: _Values

    def observation_keys(self) -> list[Key]:
        return [
            (self.source, self.round, self.county_id, occupation, self.yb_concept_id)
            for occupation in self.occupations
        ]


@dataclass
class DemandImportReport(tabular.ImportReport):
    # Rows of counties outside Valnav's, passed over.
    passed_over: int = 0


# --- Cells -------------------------------------------------------------------------------------


def _length(value: str, key: str) -> str:
    return parse_text(value, max_length=_MAX[key])


def _choice(value: str, choices: type[RecruitmentSituation] | type[JobOpportunities]) -> str:
    if not value:
        return ""
    word = value.casefold()
    if word in choices.values:
        return word
    raise tabular.CellError(
        _("Unknown value %(value)s; write %(allowed)s, or leave it empty (null) for none.")
        % {"value": value, "allowed": ", ".join(choices.values)}
    )


def parse_outlook(value: str) -> str:
    if not value:
        return ""
    found = OUTLOOK_WORDS.get(tabular.fold_header(value))
    if found is None:
        raise tabular.CellError(
            _(
                "Unknown outlook %(value)s; write öka, vara oförändrad or minska, or leave it "
                "empty (null) for none."
            )
            % {"value": value}
        )
    return found


def parse_index(value: str) -> Decimal | None:
    """An older file's bristindex as Swedish or English spreadsheets write it, 1–5."""
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation as error:
        raise tabular.CellError(
            _("%(value)s is not a number; write the index as e.g. 4,2 or 4.2.") % {"value": value}
        ) from error
    if not number.is_finite() or not INDEX_MIN <= number <= INDEX_MAX:
        raise tabular.CellError(
            _("The index must lie between 1 and 5 (this is %(value)s).") % {"value": value}
        )
    return number.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def parse_paradox(value: str) -> list[str]:
    """The JSON file's list (given to the reader as JSON text); in a CSV or XLSX the same list
    as JSON or its items separated by semicolons or lines."""
    if not value:
        return []
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError as error:
            raise tabular.CellError(_("Write the paradox as a list of texts.")) from error
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise tabular.CellError(_("Write the paradox as a list of texts."))
        return [item.strip() for item in items if item.strip()]
    return [item.strip() for item in re.split(r"[;\n]", value) if item.strip()]


def _round(value: str) -> str:
    if not value:
        raise tabular.CellError(_("A value is required."))
    _length(value, "round")
    if not _ROUND.match(value):
        raise tabular.CellError(_("Write the round as year and number, e.g. 2026-1."))
    return value


def _taxonomy_version(value: str) -> str:
    if not value:
        return ""
    if not re.fullmatch(r"\d{1,6}(\.0+)?", value):
        raise tabular.CellError(
            _("The taxonomy version is a number, e.g. 25 (this is %(value)s).") % {"value": value}
        )
    return value.split(".")[0]


# --- The importer ------------------------------------------------------------------------------


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


class DemandImporter(tabular.Importer[_Record]):
    """Arbetsförmedlingen's Yrkesbarometer; see the module's docstring."""

    columns = COLUMNS

    def __init__(self, *, default_source: str = YRKESBAROMETER, is_demo: bool = False) -> None:
        self.default_source = default_source
        self.is_demo = is_demo
        self.counties: dict[str, County] = {}
        for county in County.objects.all():
            self.counties[county.code] = county
            self.counties[tabular.fold_header(county.name)] = county
            # "Västmanland" as well as "Västmanlands län".
            short = re.sub(r"s? län$", "", county.name)
            self.counties.setdefault(tabular.fold_header(short), county)
        self.occupations = dict(Occupation.objects.unit_groups().values_list("code", "pk"))
        self.seen: dict[Key, int] = {}

    def read_source(
        self, source: bytes, report: tabular.ImportReport
    ) -> list[tuple[int, _Record]] | None:
        """The published JSON: one array of objects, read as a table whose columns are the
        fields; row N is the array's Nth object."""
        if not looks_like_json(source):
            return None
        data = read_json(source)
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise tabular.UnreadableFileError(
                _("A JSON file must be a list of objects, one per row.")
            )
        if not data:
            raise tabular.UnreadableFileError(_("The file is empty."))
        headers: list[str] = []
        for item in data:
            headers.extend(str(name) for name in item if str(name) not in headers)
        rows = [
            (number, [_json_cell(item.get(name)) for name in headers])
            for number, item in enumerate(data, start=1)
        ]
        report.rows = len(rows)
        columns = self.bound = COLUMNS.bind(headers, report.errors)
        if report.errors:
            return []
        return self.read_rows(rows, columns, report, self.progress)

    def read_row(self, row: tabular.Row) -> _Record | None:
        county_value = row.cell("county")
        national = not county_value or tabular.fold_header(county_value) in NATIONAL_WORDS
        county: County | None = None
        if not national:
            code = county_value.zfill(2) if county_value.isdigit() else county_value
            county = self.counties.get(code) or self.counties.get(tabular.fold_header(code))
            if county is None:
                if code in SWEDISH_COUNTIES:
                    self._pass_over()
                    return None
                row.error(
                    "county",
                    _(
                        "Unknown county %(value)s; write the two-digit county code (e.g. 19), "
                        "or 00 for the whole country."
                    )
                    % {"value": county_value},
                )
        source = row.parse("source", lambda v: _length(v, "source") if v else "")
        round_name = row.parse("round", _round)
        occupations = self._occupations(row)
        values: _Values = {
            "occupation_area": row.parse("occupation_area", lambda v: _length(v, "occupation_area"))
            or "",
            "yb_occupation": row.parse("yb_occupation", lambda v: _length(v, "yb_occupation"))
            or "",
            "ssyk_text": row.cell("ssyk_text"),
            "yb_description": row.cell("yb_description"),
            "job_opportunities": row.parse(
                "job_opportunities", lambda v: _choice(v, JobOpportunities)
            )
            or "",
            "recruitment_situation": row.parse(
                "recruitment_situation", lambda v: _choice(v, RecruitmentSituation)
            )
            or "",
            "paradox": row.parse("paradox", parse_paradox) or [],
            "shortage_index": row.parse("shortage_index", parse_index),
            "outlook_1y": row.parse("outlook_1y", parse_outlook) or "",
            "outlook_5y": row.parse("outlook_5y", parse_outlook) or "",
            "text_job_opportunities": row.cell("text_job_opportunities"),
            "text_recruitment_situation": row.cell("text_recruitment_situation"),
            "highest_assessment_level": row.parse(
                "highest_assessment_level", lambda v: _length(v, "highest_assessment_level")
            )
            or "",
            "partly_or_wholly": row.parse(
                "partly_or_wholly", lambda v: _length(v, "partly_or_wholly")
            )
            or "",
            "taxonomy_version": row.parse("taxonomy_version", _taxonomy_version) or "",
        }
        concept_id = row.parse("yb_concept_id", lambda v: _length(v, "yb_concept_id")) or ""
        if row.failed or round_name is None:
            return None
        record = _Record(
            source=source or self.default_source,
            round=round_name,
            county_id=county.pk if county is not None else None,
            occupations=occupations,
            yb_concept_id=concept_id,
            values=values,
        )
        for observation_key in record.observation_keys():
            first = self.seen.setdefault(observation_key, row.number)
            if first != row.number:
                row.error(
                    "ssyk",
                    _("The same round, county, occupation and concept id are on row %(row)s.")
                    % {"row": first},
                )
                return None
        return record

    def _pass_over(self) -> None:
        if isinstance(self.report, DemandImportReport):
            self.report.passed_over += 1

    def _occupations(self, row: tabular.Row) -> tuple[int, ...]:
        value = row.cell("ssyk")
        if not value:
            row.error("ssyk", _("A value is required."))
            return ()
        found: list[int] = []
        for code in (part for part in re.split(r"[,;\s]+", value) if part):
            if not re.fullmatch(r"\d{4}", code):
                row.error(
                    "ssyk",
                    _(
                        "Write SSYK 2012 codes with four digits, several separated by commas, "
                        "e.g. 5321, 5322 (this has %(value)s)."
                    )
                    % {"value": code},
                )
            elif code not in self.occupations:
                row.error("ssyk", _("%(value)s is not an SSYK 2012 unit group.") % {"value": code})
            elif self.occupations[code] not in found:
                found.append(self.occupations[code])
        return tuple(found)

    def apply(self, records: list[tuple[int, _Record]], report: tabular.ImportReport) -> None:
        demand_observations_save(
            records=[record for _number, record in records], report=report, is_demo=self.is_demo
        )


def demand_observations_save(
    *, records: list[_Record], report: tabular.ImportReport, is_demo: bool
) -> None:
    """Create the new observations and update the changed ones (inside the runner's
    transaction), counting them in `report`."""
    existing = _existing({(record.source, record.round) for record in records})
    now = timezone.now()
    creates: list[DemandObservation] = []
    updates: list[DemandObservation] = []
    total = 0
    for record in records:
        for key in record.observation_keys():
            total += 1
            stored = existing.get(key)
            if stored is None:
                source_name, round_name, county_id, occupation_id, concept_id = key
                creates.append(
                    DemandObservation(
                        source=source_name,
                        round=round_name,
                        county_id=county_id,
                        occupation_id=occupation_id,
                        yb_concept_id=concept_id,
                        is_demo=is_demo,
                        imported_at=now,
                        **record.values,
                    )
                )
            elif any(getattr(stored, name) != record.values[name] for name in DATA_FIELDS):  # type: ignore[literal-required]  # DATA_FIELDS are _Values' keys
                for name in DATA_FIELDS:
                    setattr(stored, name, record.values[name])  # type: ignore[literal-required]  # as above
                stored.imported_at = now
                updates.append(stored)
    report.created = len(creates)
    report.updated = len(updates)
    report.unchanged = total - len(creates) - len(updates)
    figures_data_changed()  # bulk writes send no signals
    DemandObservation.objects.bulk_create(creates, batch_size=1000)
    DemandObservation.objects.bulk_update(
        updates, [*DATA_FIELDS, "imported_at", "updated_at"], batch_size=1000
    )


def _existing(source_rounds: set[tuple[str, str]]) -> dict[Key, DemandObservation]:
    wanted = Q(pk__in=[])
    for source_name, round_name in source_rounds:
        wanted |= Q(source=source_name, round=round_name)
    return {
        (obs.source, obs.round, obs.county_id, obs.occupation_id, obs.yb_concept_id): obs
        for obs in DemandObservation.objects.filter(wanted)
    }


def demand_import(
    *,
    source: bytes,
    filename: str,
    dry_run: bool = True,
    is_demo: bool = False,
    default_source: str = YRKESBAROMETER,
) -> DemandImportReport:
    """Check a Yrkesbarometer file and, unless `dry_run` or any row has an error, store it."""
    importer = DemandImporter(default_source=default_source, is_demo=is_demo)
    return tabular.run_import(
        importer,
        source=source,
        filename=filename,
        dry_run=dry_run,
        report=DemandImportReport(),
    )


# --- The shortage rule -------------------------------------------------------------------------


def default_rule_description() -> str:
    return _(
        "An occupation counts as a shortage occupation (bristyrke) in a county when "
        "Arbetsförmedlingen's recruitment situation for it there is “brist” in the latest "
        "round; where the county has no assessment of its own, the whole country's counts. "
        "“Paradox” and no assessment are not counted as shortage."
    )


def shortage_rule_active() -> ShortageRule:
    """The active rule, or (unsaved) the default one."""
    rule = ShortageRule.objects.filter(is_active=True).first()
    return rule or ShortageRule(description=default_rule_description())


def shortage_rule_update(
    *, situations: list[str], national_fallback: bool, description: str
) -> ShortageRule:
    """Change the active rule (creating it the first time)."""
    with transaction.atomic():
        rule = ShortageRule.objects.select_for_update().filter(is_active=True).first()
        rule = rule or ShortageRule(is_active=True)
        rule.situations = [s for s in RecruitmentSituation.values if s in situations]
        rule.national_fallback = national_fallback
        rule.description = description
        rule.full_clean()
        rule.save()
    return rule


# --- Selectors ---------------------------------------------------------------------------------


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


SITUATION_ORDER = {
    RecruitmentSituation.SHORTAGE: 0,
    RecruitmentSituation.PARADOX: 1,
    RecruitmentSituation.BALANCE: 2,
    RecruitmentSituation.SURPLUS: 3,
    "": 4,
}


@dataclass(frozen=True)
class Assessment:
    """Arbetsförmedlingen's assessment of one SSYK code in one county in the latest round, as
    the gap index and focus scoring read it. Where several barometer occupations share the code,
    the one counted as shortage (else the most pressing) stands for it. `situation` "" is no
    assessment; `from_country`: the county had none and the rule takes the whole country's."""

    round: str
    situation: str
    paradox: tuple[str, ...]
    outlook: str
    job_opportunities: str
    text: str
    yb_occupations: tuple[str, ...]
    from_country: bool
    shortage: bool

    @property
    def assessed(self) -> bool:
        return bool(self.situation)


def _better(a: DemandObservation, b: DemandObservation, rule: ShortageRule) -> bool:
    """Whether `a` should stand for its code rather than `b`."""
    return (not rule.counts(a.recruitment_situation), SITUATION_ORDER[a.recruitment_situation]) < (
        not rule.counts(b.recruitment_situation),
        SITUATION_ORDER[b.recruitment_situation],
    )


def demand_assessments(
    rule: ShortageRule,
    *,
    county_codes: list[str],
    occupation_code: str | None = None,
    occupation_ids: set[int] | None = None,
) -> tuple[str | None, dict[tuple[str, str], Assessment], dict[str, str]]:
    """The latest round, its assessments per (county code, SSYK code) for the counties asked
    for, by the rule (a county's own, else with `rule.national_fallback` the country's), and
    the SSYK names. An SSYK code with no assessment anywhere is there too, not in shortage."""
    rounds = demand_rounds()
    if not rounds:
        return None, {}, {}
    latest = rounds[0]
    observations = DemandObservation.objects.filter(round=latest).filter(
        Q(county__code__in=county_codes) | Q(county__isnull=True)
    )
    if occupation_code:
        observations = observations.filter(occupation__code__startswith=occupation_code)
    if occupation_ids is not None:
        observations = observations.filter(occupation_id__in=occupation_ids)
    best: dict[tuple[str, str], DemandObservation] = {}
    names: dict[str, str] = {}
    yb_names: dict[tuple[str, str], list[str]] = {}
    for obs in observations.select_related("county", "occupation").order_by("yb_occupation"):
        code = obs.occupation.code
        names[code] = obs.occupation.name_sv
        key = (obs.county.code if obs.county else NATIONAL, code)
        known = best.get(key)
        if known is None or _better(obs, known, rule):
            best[key] = obs
        if obs.yb_occupation and obs.yb_occupation not in yb_names.setdefault(key, []):
            yb_names[key].append(obs.yb_occupation)
    result: dict[tuple[str, str], Assessment] = {}
    codes = {code for _county, code in best}
    for county in county_codes:
        for code in sorted(codes):
            own = best.get((county, code))
            national = best.get((NATIONAL, code))
            if own is not None and own.recruitment_situation:
                chosen, from_country = own, False
            elif rule.national_fallback and national and national.recruitment_situation:
                chosen, from_country = national, True
            elif own is not None:
                chosen, from_country = own, False  # shown as no assessment: no gap
            else:
                continue
            key = (county if not from_country else NATIONAL, code)
            result[(county, code)] = Assessment(
                round=latest,
                situation=chosen.recruitment_situation,
                paradox=tuple(chosen.paradox or ()),
                outlook=chosen.outlook_5y,
                job_opportunities=chosen.job_opportunities,
                text=chosen.text_recruitment_situation,
                yb_occupations=tuple(yb_names.get(key, ())),
                from_country=from_country,
                shortage=rule.counts(chosen.recruitment_situation),
            )
    return latest, result, names


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
    each with its shortage flag by the rule's situations (the county's own assessment; the
    fallback to the country's is the gap page's); optionally one county's and those matching
    `query` (the SSYK code or name, or Arbetsförmedlingen's name of the occupation)."""
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
    rows = [
        DemandRow(observation=obs, shortage=rule.counts(obs.recruitment_situation))
        for obs in observations
    ]
    return DemandOverview(round=latest, rule=rule, rows=rows)
