"""Focus-branch scoring: the ranking under chosen weights, saved scenarios and their comparison.
Scenarios are the signed-in user's own; another's id is a 404."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from valnav.casework.facts import SUPPRESS_BELOW
from valnav.core.decorators import require_perm
from valnav.core.http import member
from valnav.core.permissions import Perm
from valnav.insights.focus import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    WEIGHT_MAX,
    WEIGHT_MIN,
    focus_compare,
    focus_scenario_save,
    focus_scenarios_for_user,
    focus_scores,
)
from valnav.insights.models import FocusScenario
from valnav.places.models import County


class FocusForm(forms.Form):
    """The county and one weight per criterion, as GET parameters (so a ranking has a URL)."""

    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    # The page shows this form and FocusSaveForm, with the same fields: ids of their own.
    field_ids = "id_weights_%s"

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", self.field_ids)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["county"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("All of Östra Mellansverige")),
            *((county.code, county.name) for county in County.objects.order_by("code")),
        ]
        for criterion in CRITERIA:
            self.fields[criterion.key] = forms.IntegerField(
                label=criterion.label,
                help_text=criterion.help,
                min_value=WEIGHT_MIN,
                max_value=WEIGHT_MAX,
                initial=criterion.default_weight,
                required=False,
            )

    def weights(self) -> dict[str, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            key: data[key] if data.get(key) is not None else default
            for key, default in DEFAULT_WEIGHTS.items()
        }

    def county_code(self) -> str | None:
        return (self.cleaned_data.get("county") or None) if self.is_valid() else None


class FocusSaveForm(FocusForm):
    name = forms.CharField(label=gettext_lazy("Scenario name"), max_length=100)
    field_ids = "id_%s"


def _own(request: HttpRequest, raw: str | None) -> FocusScenario:
    if not raw or not raw.isdigit():
        raise Http404
    return get_object_or_404(focus_scenarios_for_user(user=member(request)), pk=int(raw))


def _page(
    request: HttpRequest, form: FocusForm, save_form: FocusSaveForm, *, status: int = 200
) -> HttpResponse:
    ranking = focus_scores(county_code=form.county_code(), weights=form.weights())
    return render(
        request,
        "insights/focus.html",
        {
            "form": form,
            "save_form": save_form,
            "ranking": ranking,
            "criteria": CRITERIA,
            "scenarios": focus_scenarios_for_user(user=member(request)),
            "suppress_below": SUPPRESS_BELOW,
        },
        status=status,
    )


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def focus_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("scenario")
    if raw is not None:
        # A saved scenario opens with its own county and weights.
        scenario = _own(request, raw)
        data = {
            **{key: str(value) for key, value in scenario.weights.items()},
            "county": scenario.county.code if scenario.county else "",
        }
        form = FocusForm(data)
        save_form = FocusSaveForm(initial={**data, "name": scenario.name})
    else:
        form = FocusForm(request.GET or None)
        if not request.GET:
            form = FocusForm(dict(DEFAULT_WEIGHTS, county=""))
        save_form = FocusSaveForm(initial={**form.weights(), "county": form.county_code() or ""})
    return _page(request, form, save_form)


@require_POST
@require_perm(Perm.VIEW_INSIGHTS)
def focus_save(request: HttpRequest) -> HttpResponse:
    save_form = FocusSaveForm(request.POST)
    if not save_form.is_valid():
        return _page(request, FocusForm(request.POST), save_form, status=400)
    code = save_form.county_code()
    scenario = focus_scenario_save(
        user=member(request),
        name=save_form.cleaned_data["name"],
        county=County.objects.get(code=code) if code else None,
        weights=save_form.weights(),
    )
    return redirect(f"{reverse('insights:focus')}?{urlencode({'scenario': scenario.pk})}")


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def focus_compare_page(request: HttpRequest) -> HttpResponse:
    scenarios = focus_scenarios_for_user(user=member(request))
    raw_a, raw_b = request.GET.get("a"), request.GET.get("b")
    a = b = None
    rows = None
    if raw_a is not None or raw_b is not None:
        a, b = _own(request, raw_a), _own(request, raw_b)
        rows = focus_compare(a=a, b=b)
    return render(
        request,
        "insights/focus_compare.html",
        {"scenarios": scenarios, "a": a, "b": b, "rows": rows},
    )


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("insights/focus/"), focus_page, name="focus"),
    path(gettext_lazy("insights/focus/save/"), focus_save, name="focus-save"),
    path(gettext_lazy("insights/focus/compare/"), focus_compare_page, name="focus-compare"),
]
