"""Focus-branch scoring: which branches a region might choose as its 2–4 focus branches.

Each branch (taxonomy.Branch) gets a part from 0 to 1 on each criterion; the score is the sum of
weight × part, the weights (0–5 each) chosen by the strategist. Every row keeps its parts, so a
reader sees why a branch ranks where it does. The criteria, their data and their gaps are
described in docs/focus-scoring.md; in short:

- shortage: the share of the branch's occupations (those of its active validation models) that
  are in shortage by the active ShortageRule (Arbetsförmedlingen's recruitment situation, by
  default "brist") in the latest round, among those with an assessment; a branch none of whose
  occupations is assessed has no data, never 0;
- s3: whether the branch serves one of the region's smart-specialisation (S3) areas, through
  the crosswalk S3_BRANCHES (1: the region's own areas, ½: only the wider ÖMS ones);
- model, education: whether a validation model exists, and published complementary education
  in the area that closes its gaps or leads to its occupations;
- gender: how one-sided the gender split of the branch's validation cases is. Valnav has no
  gender statistics per occupation, so this rests on case facts and is "no data" for a branch
  with too few cases to publish it;
- offers, cases: published offers and validation cases in the area, relative to the branch
  with the most.

No count of one to four people is published: case counts are "<5" for one to four, and ".."
where ÖMS's count less four counties' would give a fifth's one to four (the counties and ÖMS
are suppressed together, `valnav.lib.disclosure`). Counts of 1–4 enter the score as
CASES_SCORED_BELOW_5 whatever they are, a held-back count adds nothing (any score would give it
away), and the gender part is computed only from counts that could themselves be published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy

from valnav.accounts.models import User
from valnav.atlas.models import ComplementaryEducation, Offer, ValidationModel
from valnav.casework.facts import SUPPRESS_BELOW, case_fact_rows
from valnav.core.figures_cache import cached_figures
from valnav.insights.demand import demand_assessments, shortage_rule_active
from valnav.insights.models import FocusScenario
from valnav.lib.disclosure import SMALL, Published, Relation, Suppressor
from valnav.places.models import County
from valnav.taxonomy.models import Branch, Occupation, S3Area

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

WEIGHT_MIN = 0
WEIGHT_MAX = 5
# A branch's case count of one to four is scored as this, whatever it is, so that neither the
# part nor the total can be worked back to the count (the middle of 1–4).
CASES_SCORED_BELOW_5 = 2.5
# The gender part needs at least this many cases with a recorded woman or man.
GENDER_MIN_CASES = 2 * SUPPRESS_BELOW
S3_OWN = 1.0
S3_WIDER = 0.5

type PublishedCount = Published
OMS_AREA = "oms"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str | StrPromise
    default_weight: int
    help: str | StrPromise


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "shortage",
        gettext_lazy("Shortage"),
        5,
        gettext_lazy(
            "Share of the branch's assessed occupations whose recruitment situation counts "
            "as shortage in the latest round"
        ),
    ),
    Criterion(
        "s3",
        gettext_lazy("Smart specialisation"),
        4,
        gettext_lazy("1 for the region's own S3 areas, 0.5 for the wider ones only"),
    ),
    Criterion("model", gettext_lazy("Validation model"), 3, gettext_lazy("An active model")),
    Criterion(
        "education",
        gettext_lazy("Complementary education"),
        2,
        gettext_lazy("Published complementary education in the area"),
    ),
    Criterion(
        "gender",
        gettext_lazy("Gender segregation"),
        1,
        gettext_lazy("How one-sided the gender split of the branch's cases is"),
    ),
    Criterion(
        "offers",
        gettext_lazy("Offers"),
        2,
        gettext_lazy("Published offers, relative to the branch with most"),
    ),
    Criterion(
        "cases",
        gettext_lazy("Cases"),
        2,
        gettext_lazy("Validation cases, relative to the branch with most"),
    ),
)
CRITERION_KEYS: tuple[str, ...] = tuple(criterion.key for criterion in CRITERIA)
DEFAULT_WEIGHTS: dict[str, int] = {c.key: c.default_weight for c in CRITERIA}

# Which branches (branches.csv keys) serve which S3 area (s3_areas.csv keys). A judgement made
# from the areas' names and the branches' SNI sections, documented in docs/focus-scoring.md;
# an area no branch serves (digital services, visualisation) is left out.
S3_BRANCHES: dict[str, tuple[str, ...]] = {
    "oms-smart-industri": ("industri",),
    "oms-energi": ("el-energi", "offentlig-teknik"),
    "oms-livsmedel": ("naturbruk",),
    "oms-life-science": ("vard-omsorg",),
    "u-automation": ("industri",),
    "u-energi": ("el-energi", "offentlig-teknik"),
    "u-jarnvag": ("fordon-transport",),
    "u-valfard-halsa": ("vard-omsorg",),
    "d-avancerad-tillverkning": ("industri",),
    "d-biobaserade-naringar": ("naturbruk",),
    "e-avancerade-material": ("industri",),
    "e-logistik": ("fordon-transport",),
    "e-miljonytta": ("offentlig-teknik",),
    "e-uppkopplade-system": ("industri",),
    "t-produktionssystem": ("industri",),
    "t-livsmedel": ("naturbruk", "hotell-restaurang"),
    "c-life-science": ("vard-omsorg",),
    "c-energi": ("el-energi", "offentlig-teknik"),
    "c-verkstadsindustri": ("industri",),
}


def weights_clean(raw: Mapping[str, object] | None) -> dict[str, int]:
    """Weights for every criterion: an integer 0–5 where `raw` has one, else the default
    (so a scenario saved before a criterion existed still opens)."""
    weights = dict(DEFAULT_WEIGHTS)
    for key in CRITERION_KEYS:
        value = (raw or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            weights[key] = min(max(value, WEIGHT_MIN), WEIGHT_MAX)
    return weights


@dataclass(frozen=True)
class FocusPart:
    key: str
    label: str | StrPromise
    value: float | None  # 0–1; None where there is no data (it then adds nothing)
    weight: int
    weighted: float
    detail: str


@dataclass(frozen=True)
class FocusRow:
    rank: int
    branch: Branch
    total: float
    parts: tuple[FocusPart, ...]
    offers: int
    cases: PublishedCount  # suppressed: "<5" for one to four, ".." held back


@dataclass(frozen=True)
class FocusRanking:
    county: County | None
    weights: dict[str, int]
    rounds: tuple[str, ...]  # the demand rounds counted, latest first
    rows: list[FocusRow]
    no_data: tuple[str, ...]  # criteria with no data for any branch

    @property
    def max_total(self) -> int:
        return sum(self.weights.values())


@dataclass
class _Facts:
    """What the criteria are computed from, per branch id."""

    occupations: dict[int, set[int]]
    models: dict[int, set[int]]
    shortage: dict[int, tuple[int, int]]  # (in shortage, observed)
    s3: dict[int, tuple[float, list[str]]]
    education: dict[int, int]
    offers: dict[int, int]
    cases: dict[int, PublishedCount]
    genders: dict[int, tuple[int, int]]  # (women, men)
    rounds: tuple[str, ...]


def _branch_models() -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, int]]:
    models: dict[int, set[int]] = defaultdict(set)
    model_branch: dict[int, int] = {}
    for model_id, branch_id in (
        ValidationModel.objects.active().filter(branch__isnull=False).values_list("pk", "branch_id")
    ):
        if branch_id is not None:
            models[branch_id].add(model_id)
            model_branch[model_id] = branch_id
    occupations: dict[int, set[int]] = defaultdict(set)
    through = ValidationModel.occupations.through.objects.filter(
        validationmodel_id__in=model_branch
    )
    for model_id, occupation_id in through.values_list("validationmodel_id", "occupation_id"):
        occupations[model_branch[model_id]].add(occupation_id)
    return occupations, models, model_branch


def _shortage(
    county: County | None, occupations: dict[int, set[int]]
) -> tuple[dict[int, tuple[int, int]], tuple[str, ...]]:
    """Per branch: its (occupation, county) pairs in shortage by the active rule and those
    assessed, in the latest round, for the county or (None) each of ÖMS's counties. A pair
    without an assessment counts in neither: no part is built on a missing assessment."""
    rule = shortage_rule_active()
    wanted = set().union(*occupations.values()) if occupations else set()
    codes = (
        [county.code]
        if county is not None
        else list(County.objects.order_by("code").values_list("code", flat=True))
    )
    latest, assessments, _names = demand_assessments(
        rule, county_codes=codes, occupation_ids=wanted
    )
    code_of = dict(Occupation.objects.filter(pk__in=wanted).values_list("pk", "code"))
    result: dict[int, tuple[int, int]] = {}
    for branch_id, occupation_ids in occupations.items():
        branch_codes = {code_of[pk] for pk in occupation_ids if pk in code_of}
        flags = [
            found.shortage
            for (_county, code), found in assessments.items()
            if code in branch_codes and found.assessed
        ]
        result[branch_id] = (sum(flags), len(flags))
    return result, (latest,) if latest else ()


def _s3(county: County | None) -> dict[int, tuple[float, list[str]]]:
    """Per branch: the S3 part and the areas it serves. The region's own areas are a county's
    own list, or for ÖMS as a whole the joint ÖMS areas; the wider ones the other level."""
    branch_ids = dict(Branch.objects.values_list("key", "pk"))
    areas = S3Area.objects.all()
    if county is not None:
        areas = areas.filter(Q(county__isnull=True) | Q(county=county))
    result: dict[int, tuple[float, list[str]]] = {}
    for area in areas.order_by("county__code", "name"):
        own = area.county_id == (county.pk if county is not None else None)
        for key in S3_BRANCHES.get(area.key, ()):
            branch_id = branch_ids.get(key)
            if branch_id is None:
                continue
            part, names = result.get(branch_id, (0.0, []))
            result[branch_id] = (max(part, S3_OWN if own else S3_WIDER), [*names, area.name])
    return result


def _education(
    county: County | None, models: dict[int, set[int]], occupations: dict[int, set[int]]
) -> dict[int, int]:
    educations = ComplementaryEducation.objects.published()
    if county is not None:
        educations = educations.filter(municipality__county=county)
    closes: dict[int, set[int]] = defaultdict(set)
    for education_id, model_id in educations.filter(closes_gaps_of__isnull=False).values_list(
        "pk", "closes_gaps_of"
    ):
        closes[education_id].add(model_id)
    leads: dict[int, set[int]] = defaultdict(set)
    for education_id, occupation_id in educations.filter(occupations__isnull=False).values_list(
        "pk", "occupations"
    ):
        leads[education_id].add(occupation_id)
    result: dict[int, int] = {}
    for branch_id in set(models) | set(occupations):
        result[branch_id] = len(
            {e for e, ids in closes.items() if ids & models.get(branch_id, set())}
            | {e for e, ids in leads.items() if ids & occupations.get(branch_id, set())}
        )
    return result


def _offers(county: County | None) -> dict[int, int]:
    offers = Offer.objects.published().filter(model__branch__isnull=False, model__is_active=True)
    if county is not None:
        offers = offers.filter(municipality__county=county)
    return {
        row["model__branch"]: row["n"]
        for row in offers.values("model__branch").annotate(n=Count("pk")).order_by()
    }


@dataclass(frozen=True)
class _Cases:
    """Per area ("oms" or a county code) and branch id: the cases, published, and the women
    and men (exact, used only for the gender part)."""

    published: dict[tuple[str, int], PublishedCount]
    genders: dict[tuple[str, int], tuple[int, int]]


def _all_cases() -> _Cases:
    """Every county's cases per branch and ÖMS's (the sum of the counties'), suppressed
    together so that ÖMS less four counties never gives a fifth's one to four. A case belongs
    to its model's branch, or without a model to every branch whose models cover its
    occupation; a case without a home county belongs to no area. One grouped query."""
    occupations, _models, model_branch = _branch_models()
    codes: dict[str, set[int]] = defaultdict(set)
    code_of = dict(
        Occupation.objects.filter(
            pk__in=set().union(*occupations.values()) if occupations else []
        ).values_list("pk", "code")
    )
    for branch_id, occupation_ids in occupations.items():
        for occupation_id in occupation_ids:
            codes[code_of[occupation_id]].add(branch_id)
    cases: dict[tuple[str, int], int] = defaultdict(int)
    women: dict[tuple[str, int], int] = defaultdict(int)
    men: dict[tuple[str, int], int] = defaultdict(int)
    # By the county's id, not its code: without the join the count reads the index
    # casefact_target alone rather than every fact row.
    county_codes = dict(County.objects.values_list("pk", "code"))
    grouped = (
        case_fact_rows()
        .filter(county__isnull=False)
        .values_list("county_id", "model_id", "occupation_id", "gender")
        .annotate(n=Count("*"))
        .order_by()
    )
    for county_id, model_id, occupation_id, gender, n in grouped:
        county_code = county_codes[county_id]
        if model_id is not None:
            branches: Iterable[int] = [model_branch[model_id]] if model_id in model_branch else []
        else:
            branches = codes.get(code_of.get(occupation_id, ""), set())
        for branch_id in branches:
            for area in (OMS_AREA, county_code):
                cases[(area, branch_id)] += n
                if gender == "woman":
                    women[(area, branch_id)] += n
                elif gender == "man":
                    men[(area, branch_id)] += n
    counties = list(County.objects.order_by("code").values_list("code", flat=True))
    relations = [
        Relation((OMS_AREA, branch_id), tuple((county, branch_id) for county in counties))
        for branch_id in sorted({branch_id for _area, branch_id in cases})
    ]
    suppressor = Suppressor(cases, relations).run()
    return _Cases(
        published={cell: suppressor.published(cell) for cell in cases},
        genders={cell: (women[cell], men[cell]) for cell in cases},
    )


def _cases(county: County | None) -> tuple[dict[int, PublishedCount], dict[int, tuple[int, int]]]:
    """Per branch: its published cases in the area, and its women and men."""
    found = cached_figures("focus_cases", (), _all_cases)
    area = county.code if county is not None else OMS_AREA
    published = {branch: count for (key, branch), count in found.published.items() if key == area}
    genders = {branch: pair for (key, branch), pair in found.genders.items() if key == area}
    return published, genders


def _facts(county: County | None) -> _Facts:
    """What the scores are computed from, from the cache while the data is unchanged."""
    code = county.code if county else None
    return cached_figures("focus_facts", (code,), lambda: _facts_computed(county))


def _facts_computed(county: County | None) -> _Facts:
    occupations, models, _model_branch = _branch_models()
    shortage, rounds = _shortage(county, occupations)
    cases, genders = _cases(county)
    return _Facts(
        occupations=occupations,
        models=models,
        shortage=shortage,
        s3=_s3(county),
        education=_education(county, models, occupations),
        offers=_offers(county),
        cases=cases,
        genders=genders,
        rounds=rounds,
    )


def _scored_cases(count: PublishedCount) -> float | None:
    """What a published count adds to the score: the count, CASES_SCORED_BELOW_5 for "<5",
    and nothing for ".." (held back: any score would give it away)."""
    if isinstance(count, int):
        return float(count)
    return CASES_SCORED_BELOW_5 if count == SMALL else None


def _gender_part(women: int, men: int) -> float | None:
    """|women − men| / (women + men), only where both counts could be published (0 or ≥ 5) and
    there are enough cases for a split to mean something; else no data."""
    if women + men < GENDER_MIN_CASES:
        return None
    if any(0 < count < SUPPRESS_BELOW for count in (women, men)):
        return None
    return round(abs(women - men) / (women + men), 2)


def _parts(
    branch: Branch, facts: _Facts, max_offers: int, max_cases: float
) -> dict[str, tuple[float | None, str]]:
    pk = branch.pk
    in_shortage, observed = facts.shortage.get(pk, (0, 0))
    s3_part, s3_names = facts.s3.get(pk, (0.0, []))
    models = len(facts.models.get(pk, set()))
    educations = facts.education.get(pk, 0)
    offers = facts.offers.get(pk, 0)
    cases = facts.cases.get(pk, 0)
    gender = _gender_part(*facts.genders.get(pk, (0, 0)))
    scored = _scored_cases(cases)
    return {
        "shortage": (
            (in_shortage / observed, f"{in_shortage}/{observed}") if observed else (None, "")
        ),
        "s3": (s3_part, "; ".join(dict.fromkeys(s3_names))),
        "model": (1.0 if models else 0.0, str(models)),
        "education": (1.0 if educations else 0.0, str(educations)),
        "gender": (gender, ""),
        "offers": (offers / max_offers if max_offers else 0.0, str(offers)),
        "cases": (
            None if scored is None else (scored / max_cases if max_cases else 0.0),
            str(cases),
        ),
    }


def focus_scores(
    *, county_code: str | None = None, weights: Mapping[str, object] | None = None
) -> FocusRanking:
    """The branches ranked by Σ weight × part for the county (None: all of ÖMS), best first;
    ties share a rank and are ordered by name. Raises County.DoesNotExist for an unknown code."""
    county = County.objects.get(code=county_code) if county_code else None
    clean = weights_clean(weights)
    facts = _facts(county)
    max_offers = max(facts.offers.values(), default=0)
    max_cases = max(
        (score for count in facts.cases.values() if (score := _scored_cases(count)) is not None),
        default=0.0,
    )
    unranked: list[tuple[float, Branch, tuple[FocusPart, ...]]] = []
    with_data: set[str] = set()
    for branch in Branch.objects.order_by("name_sv"):
        raw = _parts(branch, facts, max_offers, max_cases)
        parts: list[FocusPart] = []
        for criterion in CRITERIA:
            value, detail = raw[criterion.key]
            value = None if value is None else round(value, 3)
            if value is not None:
                with_data.add(criterion.key)
            weight = clean[criterion.key]
            parts.append(
                FocusPart(
                    key=criterion.key,
                    label=criterion.label,
                    value=value,
                    weight=weight,
                    weighted=round(weight * (value or 0.0), 3),
                    detail=detail,
                )
            )
        total = round(sum(part.weighted for part in parts), 3)
        unranked.append((total, branch, tuple(parts)))
    unranked.sort(key=lambda row: (-row[0], row[1].name_sv))
    rows: list[FocusRow] = []
    for position, (total, branch, row_parts) in enumerate(unranked, start=1):
        rank = rows[-1].rank if rows and rows[-1].total == total else position
        rows.append(
            FocusRow(
                rank=rank,
                branch=branch,
                total=total,
                parts=row_parts,
                offers=facts.offers.get(branch.pk, 0),
                cases=facts.cases.get(branch.pk, 0),
            )
        )
    return FocusRanking(
        county=county,
        weights=clean,
        rounds=facts.rounds,
        rows=rows,
        no_data=tuple(key for key in CRITERION_KEYS if key not in with_data),
    )


# --- Scenarios -------------------------------------------------------------------------------


def focus_scenarios_for_user(*, user: User) -> QuerySet[FocusScenario]:
    """The user's own scenarios: no one sees another's."""
    return FocusScenario.objects.filter(created_by=user).select_related("county")


def focus_scenario_save(
    *, user: User, name: str, county: County | None, weights: Mapping[str, object]
) -> FocusScenario:
    """Save the weights under `name`; saving again under the same name replaces them."""
    with transaction.atomic():
        scenario = (
            FocusScenario.objects.select_for_update().filter(created_by=user, name=name).first()
        ) or FocusScenario(created_by=user, name=name)
        scenario.county = county
        scenario.weights = weights_clean(weights)
        scenario.full_clean()
        scenario.save()
    return scenario


def focus_scenario_scores(scenario: FocusScenario) -> FocusRanking:
    return focus_scores(
        county_code=scenario.county.code if scenario.county else None, weights=scenario.weights
    )


@dataclass(frozen=True)
class CompareRow:
    branch: Branch
    rank_a: int
    total_a: float
    rank_b: int
    total_b: float

    @property
    def rank_change(self) -> int:
        """Places gained in b over a (positive: higher in b)."""
        return self.rank_a - self.rank_b


def focus_compare(*, a: FocusScenario, b: FocusScenario) -> list[CompareRow]:
    """Every branch's rank and score under both scenarios, in a's order."""
    ranking_b = {row.branch.pk: row for row in focus_scenario_scores(b).rows}
    return [
        CompareRow(
            branch=row.branch,
            rank_a=row.rank,
            total_a=row.total,
            rank_b=ranking_b[row.branch.pk].rank,
            total_b=ranking_b[row.branch.pk].total,
        )
        for row in focus_scenario_scores(a).rows
    ]
