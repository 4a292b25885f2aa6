"""Demand pages: the latest Yrkesbarometer round with Arbetsförmedlingen's assessments and the
shortage flags, and the shortage rule (the import: views_imports)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm, user_has_perm
from valnav.insights.demand import (
    demand_latest,
    shortage_rule_active,
    shortage_rule_update,
)
from valnav.insights.models import RecruitmentSituation
from valnav.places.models import County


class DemandFilterForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.order_by("code"),
        required=False,
        empty_label=_("All counties"),
    )
    q = forms.CharField(label=_("Occupation"), required=False, max_length=100)


class ShortageRuleForm(forms.Form):
    situations = forms.MultipleChoiceField(
        label=_("Recruitment situations that count as shortage"),
        choices=RecruitmentSituation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Arbetsförmedlingen's own categories. By default only brist; paradox means that "
            "employers find it hard to recruit although many seek work in the occupation."
        ),
    )
    national_fallback = forms.BooleanField(
        label=_("Use the whole country's assessment where a county has none"),
        required=False,
    )
    description = forms.CharField(
        label=_("Description shown with the demand data"), widget=forms.Textarea, required=False
    )


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def demand_view(request: HttpRequest) -> HttpResponse:
    """The latest round's observations per county, with shortage flags."""
    form = DemandFilterForm(request.GET or None)
    county: County | None = None
    query = ""
    if form.is_valid():
        county = form.cleaned_data["county"]
        query = form.cleaned_data["q"]
    overview = demand_latest(county=county, query=query)
    context: dict[str, Any] = {
        "form": form,
        "overview": overview,
        "shortages": sum(row.shortage for row in overview.rows),
        "can_import": user_has_perm(request.user, Perm.IMPORT_DEMAND),
    }
    return render(request, "insights/demand_list.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.IMPORT_DEMAND)
def shortage_rule_view(request: HttpRequest) -> HttpResponse:
    """The rule that makes an observation a shortage (bristyrke)."""
    rule = shortage_rule_active()
    initial = {
        "situations": rule.situations,
        "national_fallback": rule.national_fallback,
        "description": rule.description,
    }
    form = ShortageRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        shortage_rule_update(
            situations=form.cleaned_data["situations"],
            national_fallback=form.cleaned_data["national_fallback"],
            description=form.cleaned_data["description"],
        )
        return redirect("insights:demand")
    return render(request, "insights/demand_rule.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path(_("demand/"), demand_view, name="demand"),
    path(_("demand/shortage-rule/"), shortage_rule_view, name="demand-rule"),
]
