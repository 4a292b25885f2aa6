"""The socio-economic value calculator: a GET form of the inputs (defaults and their sources from
data/reference/value_parameters.toml), people validated optionally taken from real cases, and
the present values for low, base and high scenarios, on the page and as PDF/UA."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from valnav.accounts.models import User
from valnav.atlas.models import ValidationModel
from valnav.core.decorators import require_perm
from valnav.core.http import member
from valnav.core.permissions import Perm
from valnav.insights.value import (
    INPUT_NAMES,
    INTEGER_INPUTS,
    SCENARIO_FACTORS,
    SCENARIOS,
    Account,
    CaseSelection,
    Parameter,
    Scenario,
    ValueResult,
    default_inputs,
    inputs_from_cases,
    inputs_from_values,
    load_parameters,
    scenarios,
    value_scenario_save,
    value_scenarios_for_user,
)
from valnav.insights.views_equity import PERIOD_HELP, clean_period, period_choices
from valnav.lib.disclosure import HIDDEN, Period
from valnav.outreach.models import Material
from valnav.outreach.selectors import success_stories_linkable
from valnav.places.models import Municipality

INPUT_LABELS = {
    "people_validated": gettext_lazy("People validated (N)"),
    "weeks_education_avoided": gettext_lazy("Weeks of education avoided per person (w)"),
    "cost_per_study_week": gettext_lazy("Cost per study week (c)"),
    "months_earlier": gettext_lazy("Months earlier into work (M)"),
    "monthly_wage": gettext_lazy("Monthly wage (W)"),
    "employer_contribution_rate": gettext_lazy("Employer contribution rate (a)"),
    "income_tax_rate": gettext_lazy("Income tax rate (τ)"),
    "monthly_benefits_avoided": gettext_lazy("Monthly benefits avoided (B)"),
    "cost_per_validation": gettext_lazy("Cost per validation (C_v)"),
    "complementary_cost": gettext_lazy("Complementary education per person (C_c)"),
    "employment_probability": gettext_lazy("Probability of employment (p)"),
    "discount_rate": gettext_lazy("Discount rate (r)"),
    "horizon_years": gettext_lazy("Horizon in years (H)"),
    "employer_surplus_rate": gettext_lazy("Employer surplus rate (s)"),
}

# Shares are between 0 and 1; typing 31.42 for 31.42 % is the likely mistake this catches.
SHARES = frozenset(
    {
        "employer_contribution_rate",
        "income_tax_rate",
        "employment_probability",
        "discount_rate",
        "employer_surplus_rate",
    }
)

PARTY_LABELS = {
    # A context of their own: "The individual" elsewhere addresses the visitor.
    "individual": pgettext_lazy("party in the value calculator", "The individual"),
    "municipality": pgettext_lazy("party in the value calculator", "The municipality"),
    "state": pgettext_lazy("party in the value calculator", "The state"),
    "employers": pgettext_lazy("party in the value calculator", "Employers"),
}

PART_LABELS = {
    "net_wage": gettext_lazy("Wage after tax"),
    "benefits_lost": gettext_lazy("Benefits no longer received"),
    "income_tax": gettext_lazy("Income tax"),
    "benefits_avoided": gettext_lazy("Benefits no longer paid"),
    "education_avoided": gettext_lazy("Education avoided"),
    "validation_cost": gettext_lazy("Cost of validation"),
    "complementary_cost": gettext_lazy("Cost of complementary education"),
    "employer_contributions": gettext_lazy("Employer contributions"),
    "employer_surplus": gettext_lazy("Surplus from work done earlier"),
}

SCENARIO_LABELS = {
    "low": gettext_lazy("Low"),
    "base": gettext_lazy("Base"),
    "high": gettext_lazy("High"),
}


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SelectionForm(forms.Form):
    """A selection of real cases to count people validated from; used when the visitor presses
    the casework button (`from_cases`)."""

    model = forms.ModelChoiceField(
        label=gettext_lazy("Validation model"),
        queryset=ValidationModel.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All models"),
    )
    municipality = forms.ModelChoiceField(
        label=gettext_lazy("Home municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All municipalities"),
    )
    period = forms.CharField(
        label=gettext_lazy("Year of first contact"),
        required=False,
        widget=forms.Select,
        help_text=PERIOD_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.choices = period_choices()

    def clean_period(self) -> Period:
        return clean_period(self.cleaned_data.get("period"))


class InputsForm(forms.Form):
    """The inputs of the calculation, one field per ValueInputs field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in INPUT_NAMES:
            label = INPUT_LABELS[name]
            if name in INTEGER_INPUTS:
                horizon = name == "horizon_years"
                self.fields[name] = forms.IntegerField(
                    label=label, min_value=1 if horizon else 0, max_value=50 if horizon else 10**6
                )
            else:
                self.fields[name] = forms.DecimalField(
                    label=label,
                    min_value=Decimal(0),
                    max_value=Decimal(1) if name in SHARES else Decimal(10**8),
                    max_digits=15,
                    decimal_places=6,
                    localize=True,
                )


def error_summary(*forms_: forms.Form) -> list[str]:
    """Every error named by its field, for the list at the top of the page."""
    return [
        f"{form.fields[name].label}: {message}" if name in form.fields else str(message)
        for form in forms_
        for name, messages in form.errors.items()
        for message in messages
    ]


@dataclass(frozen=True)
class PartRow:
    label: str
    formula: str
    values: list[Decimal]


@dataclass(frozen=True)
class PartyRow:
    key: str
    label: str
    totals: list[Decimal]
    parts: list[PartRow]


def _party_rows(results: dict[Scenario, ValueResult]) -> list[PartyRow]:
    rows = []
    for key, label in PARTY_LABELS.items():
        accounts: list[Account] = [getattr(results[name], key) for name in SCENARIOS]
        parts = [
            PartRow(
                label=str(PART_LABELS[part.key]),
                formula=part.formula,
                values=[account.parts[index].value for account in accounts],
            )
            for index, part in enumerate(accounts[0].parts)
        ]
        rows.append(
            PartyRow(
                key=key,
                label=str(label),
                totals=[account.total for account in accounts],
                parts=parts,
            )
        )
    return rows


def _form_data(query: QueryDict, parameters: dict[str, Parameter]) -> dict[str, str]:
    """The defaults, overridden by what the visitor sent (an emptied field stays empty, so it
    is reported as required rather than silently reset)."""
    data = {name: str(parameter.value) for name, parameter in parameters.items()}
    data.update((key, str(query.get(key, ""))) for key in query)
    return data


def _value_context(query: QueryDict) -> dict[str, Any]:
    parameters = load_parameters(language=translation.get_language())
    data = _form_data(query, parameters)
    selection_form = SelectionForm(query)
    selection: CaseSelection | None = None
    if "from_cases" in query and selection_form.is_valid():
        model = selection_form.cleaned_data["model"]
        municipality = selection_form.cleaned_data["municipality"]
        selection = inputs_from_cases(
            model_id=model.pk if model else None,
            municipality_code=municipality.code if municipality else None,
            period=selection_form.cleaned_data["period"],
            defaults=default_inputs(parameters),
        )
        if selection.used:
            data["people_validated"] = str(selection.validated)
    form = InputsForm(data)
    results: dict[Scenario, ValueResult] | None = None
    if form.is_valid() and selection_form.is_valid():
        results = scenarios(
            inputs_from_values({name: Decimal(form.cleaned_data[name]) for name in INPUT_NAMES})
        )
    return {
        "form": form,
        "selection_form": selection_form,
        "errors": error_summary(selection_form, form),
        "parameters": [(form[name], parameters[name]) for name in INPUT_NAMES],
        "selection": selection,
        "results": results,
        "rows": _party_rows(results) if results else [],
        "totals": [results[name].total for name in SCENARIOS] if results else [],
        "paybacks": [results[name].payback_year for name in SCENARIOS] if results else [],
        "scenario_labels": list(SCENARIO_LABELS.values()),
        "scaled": [
            (SCENARIO_LABELS[name], SCENARIO_FACTORS[name]) for name in SCENARIOS if name != "base"
        ],
        "query": query.urlencode(),
        "hidden_mark": HIDDEN,
    }


class ValueSaveForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the calculation"), max_length=100)
    story = forms.ModelChoiceField(
        label=gettext_lazy("Success story it illustrates (optional)"),
        queryset=Material.objects.none(),  # the user's own stories: see __init__
        required=False,
        empty_label=gettext_lazy("None"),
        help_text=gettext_lazy("The story's page then shows these figures."),
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        story = cast(forms.ModelChoiceField[Material], self.fields["story"])
        story.queryset = success_stories_linkable(user=user)


def _calculator(
    request: HttpRequest, query: QueryDict, save_form: ValueSaveForm | None = None
) -> dict[str, Any]:
    context = _value_context(query)
    context["save_form"] = save_form or ValueSaveForm(
        initial={"query": context["query"]}, user=member(request)
    )
    context["saved"] = value_scenarios_for_user(user=member(request))
    return context


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def value_calculator(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/value.html", _calculator(request, request.GET))


@require_POST
@require_perm(Perm.VIEW_INSIGHTS)
def value_save(request: HttpRequest) -> HttpResponse:
    """Save the calculation the page showed (its query, sent back in a hidden field) under a
    name; the page then reopens it."""
    save_form = ValueSaveForm(request.POST, user=member(request))
    query = QueryDict(request.POST.get("query", "")[:4000])
    context = _calculator(request, query, save_form)
    if not save_form.is_valid() or context["results"] is None:
        # The calculation's own errors are named on the page with the form's.
        context["errors"] = [*context["errors"], *error_summary(save_form)]
        return render(request, "insights/value.html", context, status=400)
    form = context["form"]
    scenario = value_scenario_save(
        user=member(request),
        name=save_form.cleaned_data["name"],
        parameters=query.dict(),
        story=save_form.cleaned_data["story"],
        inputs=inputs_from_values({name: Decimal(form.cleaned_data[name]) for name in INPUT_NAMES}),
    )
    messages.success(
        request, gettext("The calculation “%(name)s” is saved.") % {"name": scenario.name}
    )
    return redirect(f"{reverse('insights:value')}?{scenario.query}")


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def value_calculator_pdf(request: HttpRequest) -> HttpResponse:
    from valnav.core.pdf import render_pdf  # WeasyPrint is slow to import; only this view

    context = _value_context(request.GET)
    if context["results"] is None:
        # Nothing to print: the page shows what is wrong, named per field.
        return render(request, "insights/value.html", context, status=400)
    context["lang"] = translation.get_language() or "sv"
    pdf = render_pdf("insights/value_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="samhallsekonomiskt-varde.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("insights/value/"), value_calculator, name="value"),
    path(gettext_lazy("insights/value/pdf/"), value_calculator_pdf, name="value-pdf"),
    path(gettext_lazy("insights/value/save/"), value_save, name="value-save"),
]
