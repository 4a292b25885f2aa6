"""The socio-economic value of validation: a small, explicit present-value model.

Every formula is written out in docs/value-calculator.md; in short, with N people validated,
probability of employment p, M months earlier into work, monthly wage W, employer contribution
rate a, income tax rate τ, monthly benefits avoided B, employer surplus rate s, discount rate r
and a horizon of H years:

    m_t = min(12, max(0, M − 12·(t − 1)))       months of the head start that fall in year t
    E   = N · p · Σ_{t=1..H} m_t / (1 + r)^t     expected discounted months in work

    individual    E·W·(1 − τ) − E·B
    municipality  E·W·τ + E·B + N·w·c − N·C_v − N·C_c      (education avoided and costs in year 0)
    state         E·W·a
    employers     E·W·(1 + a)·s

Taxes and benefits are transfers: they cancel in the total, which is the value of the work done
earlier, E·W·(1 + a)·(1 + s), less the net cost in year 0.

The calculation is pure (no database); `inputs_from_cases` alone reads, through casework's case
facts, how many people a selection of real cases validated.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from valnav.accounts.models import User
from valnav.casework.facts import case_fact_rows
from valnav.casework.states import Decision
from valnav.casework.statistics import YearOf, case_counts
from valnav.core.figures_cache import cached_figures
from valnav.insights.models import ValueScenario
from valnav.lib.disclosure import ALL_TIME, Period, Published, Relation, Suppressor
from valnav.outreach.models import Material
from valnav.outreach.selectors import success_stories_linkable

PARAMETERS_FILE = (
    Path(__file__).resolve().parents[2] / "data" / "reference" / "value_parameters.toml"
)

ZERO = Decimal(0)
ONE = Decimal(1)
MONTHS_PER_YEAR = 12

Scenario = Literal["low", "base", "high"]
SCENARIOS: tuple[Scenario, ...] = ("low", "base", "high")

# Sensitivity: the three inputs the result depends on most and knows least, scaled together.
# Probability of employment is capped at 1 after scaling.
SCENARIO_FACTORS: dict[Scenario, dict[str, Decimal]] = {
    "low": {
        "employment_probability": Decimal("0.75"),
        "months_earlier": Decimal("0.5"),
        "monthly_wage": Decimal("0.9"),
    },
    "base": {
        "employment_probability": ONE,
        "months_earlier": ONE,
        "monthly_wage": ONE,
    },
    "high": {
        "employment_probability": Decimal("1.25"),
        "months_earlier": Decimal("1.5"),
        "monthly_wage": Decimal("1.1"),
    },
}


@dataclass(frozen=True)
class ValueInputs:
    """What the calculation needs; money in kronor, rates as shares (0.3142, not 31.42)."""

    people_validated: int
    weeks_education_avoided: Decimal  # per person
    cost_per_study_week: Decimal
    months_earlier: Decimal  # into work, per person employed
    monthly_wage: Decimal
    employer_contribution_rate: Decimal  # arbetsgivaravgift
    income_tax_rate: Decimal  # municipal (and state) income tax on the wage
    monthly_benefits_avoided: Decimal
    cost_per_validation: Decimal
    complementary_cost: Decimal  # complementary education, per person validated
    employment_probability: Decimal
    discount_rate: Decimal  # per year
    horizon_years: int
    employer_surplus_rate: Decimal  # employer's gain beyond the labour cost


INPUT_NAMES: tuple[str, ...] = tuple(field.name for field in fields(ValueInputs))
INTEGER_INPUTS = frozenset({"people_validated", "horizon_years"})


@dataclass(frozen=True)
class Part:
    """One term of an account: a key for its label, its formula in the notation of
    docs/value-calculator.md and its present value in kronor."""

    key: str
    formula: str
    value: Decimal


@dataclass(frozen=True)
class Account:
    """The present value to one party, as the sum of its parts."""

    parts: tuple[Part, ...]

    @property
    def total(self) -> Decimal:
        return sum((part.value for part in self.parts), ZERO)


@dataclass(frozen=True)
class ValueResult:
    individual: Account
    municipality: Account
    state: Account
    employers: Account
    discounted_months: Decimal  # E: expected discounted months in work, all people together
    yearly_net: tuple[Decimal, ...]  # discounted net value to society, year 0 to H
    payback_year: int | None  # first year the cumulative net reaches zero; None if never

    @property
    def total(self) -> Decimal:
        return sum((account.total for account in self.accounts()), ZERO)

    def accounts(self) -> tuple[Account, ...]:
        return (self.individual, self.municipality, self.state, self.employers)


@dataclass(frozen=True)
class Parameter:
    """A default input with its provenance, as stored in data/reference/value_parameters.toml."""

    key: str
    value: Decimal
    unit: str
    source: str
    date: date
    region: str
    note: str
    assumption: bool


def load_parameters(path: Path = PARAMETERS_FILE, *, language: str = "sv") -> dict[str, Parameter]:
    """The default parameters by input name, their texts (unit, source, region, note) in
    Swedish or, for `language` English, from the file's *_en keys; the file must hold exactly
    the inputs."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    if set(data) != set(INPUT_NAMES):
        raise ValueError(f"{path.name}: expected {sorted(INPUT_NAMES)}, found {sorted(data)}")
    suffix = "_en" if language.startswith("en") else ""
    return {
        key: Parameter(
            key=key,
            # Through str: a TOML float such as 0.3142 would otherwise carry binary noise.
            value=Decimal(str(entry["value"])),
            unit=entry[f"unit{suffix}"],
            source=entry[f"source{suffix}"],
            date=entry["date"],
            region=entry[f"region{suffix}"],
            note=entry[f"note{suffix}"],
            assumption=entry["assumption"],
        )
        for key, entry in ((key, data[key]) for key in INPUT_NAMES)
    }


def default_inputs(parameters: dict[str, Parameter] | None = None) -> ValueInputs:
    parameters = parameters if parameters is not None else load_parameters()
    return inputs_from_values({key: parameter.value for key, parameter in parameters.items()})


def inputs_from_values(values: dict[str, Decimal]) -> ValueInputs:
    """Inputs from decimal values by name; the counts (people, years) become integers."""
    return ValueInputs(
        **{
            name: int(values[name]) if name in INTEGER_INPUTS else values[name]
            for name in INPUT_NAMES
        }  # type: ignore[arg-type]  # the keys are exactly ValueInputs' fields
    )


def months_in_year(months_earlier: Decimal, year: int) -> Decimal:
    """The part of the head start that falls in `year` (1, 2, …), at most twelve months."""
    left = months_earlier - MONTHS_PER_YEAR * (year - 1)
    return min(Decimal(MONTHS_PER_YEAR), max(ZERO, left))


def discount_factor(rate: Decimal, year: int) -> Decimal:
    return ONE / (ONE + rate) ** year


def calculate(inputs: ValueInputs) -> ValueResult:
    """Present values to each party; see the module docstring and docs/value-calculator.md."""
    people = Decimal(inputs.people_validated)
    wage = inputs.monthly_wage
    tax = inputs.income_tax_rate
    contribution = inputs.employer_contribution_rate
    benefits = inputs.monthly_benefits_avoided
    # Expected discounted months in work per year of the horizon, then all together (E).
    months = [
        people
        * inputs.employment_probability
        * months_in_year(inputs.months_earlier, year)
        * discount_factor(inputs.discount_rate, year)
        for year in range(1, inputs.horizon_years + 1)
    ]
    discounted = sum(months, ZERO)

    individual = Account(
        (
            Part("net_wage", "E × W × (1 − τ)", discounted * wage * (ONE - tax)),
            Part("benefits_lost", "−E × B", -discounted * benefits),
        )
    )
    municipality = Account(
        (
            Part("income_tax", "E × W × τ", discounted * wage * tax),
            Part("benefits_avoided", "E × B", discounted * benefits),
            Part(
                "education_avoided",
                "N × w × c",
                people * inputs.weeks_education_avoided * inputs.cost_per_study_week,
            ),
            Part("validation_cost", "−N × C_v", -people * inputs.cost_per_validation),
            Part("complementary_cost", "−N × C_c", -people * inputs.complementary_cost),
        )
    )
    state = Account(
        (Part("employer_contributions", "E × W × a", discounted * wage * contribution),)
    )
    employers = Account(
        (
            Part(
                "employer_surplus",
                "E × W × (1 + a) × s",
                discounted * wage * (ONE + contribution) * inputs.employer_surplus_rate,
            ),
        )
    )
    # Year by year for the payback: the net cost of year 0, then the value of the work done
    # earlier (transfers cancel between the parties).
    year_zero = people * (
        inputs.weeks_education_avoided * inputs.cost_per_study_week
        - inputs.cost_per_validation
        - inputs.complementary_cost
    )
    work_value = wage * (ONE + contribution) * (ONE + inputs.employer_surplus_rate)
    yearly = (year_zero, *(month * work_value for month in months))
    return ValueResult(
        individual=individual,
        municipality=municipality,
        state=state,
        employers=employers,
        discounted_months=discounted,
        yearly_net=yearly,
        payback_year=payback_year(yearly) if inputs.people_validated else None,
    )


def payback_year(yearly_net: Iterable[Decimal]) -> int | None:
    """The first year (0 for year 0) in which the cumulative net value is zero or more."""
    cumulative = ZERO
    for year, value in enumerate(yearly_net):
        cumulative += value
        if cumulative >= ZERO:
            return year
    return None


def scenario_inputs(inputs: ValueInputs, scenario: Scenario) -> ValueInputs:
    factors = SCENARIO_FACTORS[scenario]
    return replace(
        inputs,
        employment_probability=min(
            ONE, inputs.employment_probability * factors["employment_probability"]
        ),
        months_earlier=inputs.months_earlier * factors["months_earlier"],
        monthly_wage=inputs.monthly_wage * factors["monthly_wage"],
    )


def scenarios(inputs: ValueInputs) -> dict[Scenario, ValueResult]:
    """Low, base and high results: SCENARIO_FACTORS applied to the inputs."""
    return {name: calculate(scenario_inputs(inputs, name)) for name in SCENARIOS}


@dataclass(frozen=True)
class CaseSelection:
    """People validated in a selection of real cases: the count, the count fit for publication
    and the inputs. A count of one to four is not used: the results scale with it, so they
    would reveal what the suppressed count hides; the default stays in its place."""

    validated: int
    shown: Published  # 0, "<5", ".." or five or more, as published
    inputs: ValueInputs

    @property
    def used(self) -> bool:
        return self.shown == self.validated


type ValueCell = tuple[str, str, str]  # (period, municipality code or "all", model id or "all")
UNPLACED = "unplaced"  # cases without a home municipality: in "all", never published alone


def _validated_counts() -> dict[ValueCell, Published]:
    """People validated per period, municipality and model, published: the models (and cases
    without one) add up to all models, the municipalities (and cases without one) to all, the
    years to all time, so they are suppressed together (`valnav.lib.disclosure`). A
    municipality's count for all models is also the equity figures' fully plus partly met:
    it is shown only where those are (`case_counts`), else a reader could subtract one from
    the other. One grouped query."""
    counts: dict[ValueCell, int] = defaultdict(int)
    grouped = (
        case_fact_rows()
        .filter(decision__in=[Decision.FULL, Decision.PARTIAL])
        .annotate(year=YearOf("first_contact"))
        .values_list("year", "municipality__code", "model_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for year, code, model_id, n in grouped:
        model = "none" if model_id is None else str(model_id)
        for period in (ALL_TIME, str(year)):
            for area in ("all", code or UNPLACED):
                for chosen in ("all", model):
                    counts[(period, area, chosen)] += n
    periods = sorted({cell[0] for cell in counts})
    areas = sorted({cell[1] for cell in counts} - {"all"})
    models = sorted({cell[2] for cell in counts} - {"all"})
    relations: list[Relation[ValueCell]] = []
    for period in periods:
        for area in ["all", *areas]:
            relations.append(
                Relation((period, area, "all"), tuple((period, area, m) for m in models))
            )
        for model in ["all", *models]:
            relations.append(
                Relation((period, "all", model), tuple((period, a, model) for a in areas))
            )
    years = [period for period in periods if period != ALL_TIME]
    for area in ["all", *areas]:
        for model in ["all", *models]:
            relations.append(
                Relation((ALL_TIME, area, model), tuple((year, area, model) for year in years))
            )
    equity = case_counts()

    def visible(cell: ValueCell) -> bool:
        period, area, model = cell
        if area == UNPLACED:
            return False
        if model == "all" and area != "all":
            return all(
                equity.shown((period, f"m{area}", "all", measure))
                for measure in ("full", "partial")
            )
        return True

    suppressor = Suppressor(
        counts,
        relations,
        visible=visible,
        hideable=lambda cell: cell[1] != UNPLACED,
        unpublished=lambda cell: cell[1] == UNPLACED,
    ).run()
    return {cell: suppressor.published(cell) for cell in counts if cell[1] != UNPLACED}


def validated_counts() -> dict[ValueCell, Published]:
    """The published people validated (above), cached with the data."""
    return cached_figures("value_validated_counts", (), _validated_counts)


def inputs_from_cases(
    *,
    model_id: int | None = None,
    municipality_code: str | None = None,
    period: Period | None = None,
    defaults: ValueInputs | None = None,
) -> CaseSelection:
    """People validated = cases with a decision of full or partial in the selection (the
    municipality is the person's home municipality; `period` a whole calendar year of first
    contact, or all time, so that two selections a day apart cannot be compared); every
    other input stays at its default."""
    defaults = defaults if defaults is not None else default_inputs()
    period = period or Period()
    rows = case_fact_rows(
        municipality=municipality_code, since=period.since, until=period.until
    ).filter(decision__in=[Decision.FULL, Decision.PARTIAL])
    if model_id is not None:
        rows = rows.filter(model_id=model_id)
    validated = rows.count()
    cell = (period.key, municipality_code or "all", "all" if model_id is None else str(model_id))
    shown = validated_counts().get(cell, 0)
    inputs = replace(defaults, people_validated=validated) if shown == validated else defaults
    return CaseSelection(validated=validated, shown=shown, inputs=inputs)


SELECTION_KEYS = ("model", "municipality", "period", "from_cases")


def value_scenario_save(
    *,
    user: User,
    name: str,
    parameters: Mapping[str, str],
    inputs: ValueInputs,
    story: Material | None = None,
) -> ValueScenario:
    """Save a calculation under `name` with its results as they are now; saving again under the
    same name replaces it. `parameters` are the calculator's own fields (inputs and case
    selection), kept to reopen it."""
    if story is not None and not success_stories_linkable(user=user).filter(pk=story.pk).exists():
        raise ValidationError(
            {"story": _("Choose a published success story of your own organisation.")},
            code="foreign_story",
        )
    results = scenarios(inputs)
    kept = {
        key: str(value)
        for key, value in parameters.items()
        if key in INPUT_NAMES or key in SELECTION_KEYS
    }
    with transaction.atomic():
        scenario = (
            ValueScenario.objects.select_for_update().filter(created_by=user, name=name).first()
        ) or ValueScenario(created_by=user, name=name)
        scenario.parameters = kept
        scenario.story = story
        scenario.people_validated = inputs.people_validated
        scenario.horizon_years = inputs.horizon_years
        scenario.total_low = results["low"].total.quantize(Decimal(1))
        scenario.total_base = results["base"].total.quantize(Decimal(1))
        scenario.total_high = results["high"].total.quantize(Decimal(1))
        scenario.full_clean()
        scenario.save()
    return scenario


def value_scenarios_for_user(*, user: User) -> QuerySet[ValueScenario]:
    return ValueScenario.objects.filter(created_by=user)
