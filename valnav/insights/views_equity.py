"""Likvärdighet across municipalities: a page and its CSV, suppressed figures only; and the
upload of SCB's population figures its rates per 10 000 rest on."""

from __future__ import annotations

import csv

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from valnav.casework.statistics import case_counts
from valnav.core.decorators import require_perm
from valnav.core.numbers import number_text
from valnav.core.permissions import Perm, user_has_perm
from valnav.insights.aggregates import reported_statistics
from valnav.insights.equity import HIDDEN, AreaEquity, Equity, Share, municipality_equity
from valnav.insights.equity_trend import equity_trend
from valnav.lib.csv_io import spreadsheet_safe
from valnav.lib.disclosure import SUPPRESS_BELOW, Period, parse_period
from valnav.places.models import County, Municipality

PERIOD_HELP = gettext_lazy(
    "A whole calendar year or all time: parts of a year are not published, so that two "
    "periods cannot be compared to find a few people."
)
PERIOD_ERROR = gettext_lazy(
    "Year of first contact: choose a whole calendar year such as 2026, or all time. Parts of "
    "a year are not published."
)


def period_choices() -> list[tuple[str, str]]:
    """All time and the years with cases, latest first: the periods published."""
    return [
        ("", _("All time")),
        *((str(year), str(year)) for year in reversed(case_counts().years)),
    ]


def clean_period(value: str | None) -> Period:
    """The period a form field names; a form error for anything but a whole year."""
    try:
        return parse_period(value)
    except ValueError:
        raise forms.ValidationError(PERIOD_ERROR, code="period") from None


class EquityFilterForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)
    period = forms.CharField(
        label=gettext_lazy("Year of first contact"),
        required=False,
        widget=forms.Select,
        help_text=PERIOD_HELP,
    )
    municipality = forms.ChoiceField(label=gettext_lazy("Over time for"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["county"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("All of Östra Mellansverige")),
            *((county.code, county.name) for county in County.objects.order_by("code")),
        ]
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", "–"),
            *((m.code, m.name) for m in Municipality.objects.order_by("name")),
        ]
        self.fields["period"].widget.choices = period_choices()

    def clean_period(self) -> Period:
        return clean_period(self.cleaned_data.get("period"))


def _equity(request: HttpRequest) -> tuple[EquityFilterForm, Equity | None]:
    """The form and, when it is valid, the figures it asks for."""
    form = EquityFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    equity = municipality_equity(
        county_code=form.cleaned_data.get("county") or None,
        period=form.cleaned_data["period"],
    )
    return form, equity


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def equity_page(request: HttpRequest) -> HttpResponse:
    form, equity = _equity(request)
    filters = form.cleaned_data if equity is not None else {}
    code = filters.get("municipality") or ""
    return render(
        request,
        "insights/equity.html",
        {
            "form": form,
            "equity": equity,
            "can_import_population": user_has_perm(request.user, Perm.IMPORT_DEMAND),
            "reported": reported_statistics(county_code=filters.get("county") or None),
            "trend": equity_trend(municipality_code=code) if code else None,
            "suppress_below": SUPPRESS_BELOW,
            "hidden_mark": HIDDEN,
            "query": request.GET.urlencode(),
        },
        status=200 if equity is not None else 400,
    )


def _share_cells(share: Share | None) -> list[str]:
    if share is None:
        return ["", "", ""]
    return [_number(part * 100, 1) for part in (share.value, share.low, share.high)]


def _number(value: float | None, digits: int) -> str:
    return number_text(value, digits, grouping=False)


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def equity_csv(request: HttpRequest) -> HttpResponse:
    form, equity = _equity(request)
    if equity is None:
        message = "\n".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{equity.period.key}" if equity.period.key else ""
    response["Content-Disposition"] = f'attachment; filename="likvardighet{suffix}.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    header = ["niva", "kod", "namn", "grupp", "paborjade", "avgjorda", "per_10000_20_64"]
    header += ["befolkning_20_64", "befolkning_ar", "median_dagar_till_beslut"]
    for name in ("helt", "delvis", "ej", "kompletterande_utbildning"):
        header += [f"andel_{name}_procent", f"andel_{name}_lag", f"andel_{name}_hog"]
    writer.writerow(header)
    areas: list[AreaEquity] = []
    for county in equity.counties:
        areas += [*county.municipalities, county.county]
    areas.append(equity.oms)
    for area in areas:
        for figures in area.figures:
            row = [
                area.kind,
                area.code,
                area.name,
                figures.label,
                str(figures.started),
                str(figures.completed),
                _number(figures.per_10000, 1),
                "" if area.population is None else str(area.population),
                "" if area.population_year is None else str(area.population_year),
                _number(figures.median_days, 1),
            ]
            for share in (figures.full, figures.partial, figures.not_met, figures.complementary):
                row += _share_cells(share)
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("insights/equity/"), equity_page, name="equity"),
    path(gettext_lazy("insights/equity.csv"), equity_csv, name="equity-csv"),
]
