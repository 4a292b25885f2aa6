"""Dashboards per audience (strategist, Komvux, the ÖMS project): a page of charts with their
tables, one panel's table as CSV, the whole dashboard as PDF/UA and as an Excel workbook.
Counts of people are suppressed in valnav.insights.dashboards before they reach these views."""

from __future__ import annotations

import csv
import io

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from valnav.accounts.models import User
from valnav.casework.facts import SUPPRESS_BELOW
from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm
from valnav.core.svgchart import Series, bar_chart
from valnav.insights.dashboards import (
    AUDIENCES,
    DEFAULT_AUDIENCE,
    Audience,
    Cell,
    Dashboard,
    Panel,
    audience_label,
    cell_text,
    dashboard,
)
from valnav.insights.equity import HIDDEN
from valnav.insights.views_gaps import DEFAULT_COUNTY, default_county
from valnav.lib.csv_io import spreadsheet_safe
from valnav.places.models import County

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DashboardForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Dashboard"), required=False)
    county = forms.ChoiceField(label=gettext_lazy("County"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.fields["audience"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (audience, audience_label(audience)) for audience in AUDIENCES
        ]
        self.fields["county"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            (county.code, county.name) for county in County.objects.order_by("code")
        ]


def _audience(value: str) -> Audience:
    for audience in AUDIENCES:
        if audience == value:
            return audience
    return DEFAULT_AUDIENCE


def _dashboard(request: HttpRequest) -> tuple[DashboardForm, Dashboard]:
    data = request.GET.copy()
    if not data.get("audience"):
        data["audience"] = DEFAULT_AUDIENCE
    if not data.get("county"):
        user = request.user  # signed in: require_perm sends anonymous visitors to log in
        data["county"] = default_county(user) if isinstance(user, User) else DEFAULT_COUNTY
    form = DashboardForm(data)
    if form.is_valid():
        audience = _audience(form.cleaned_data["audience"])
        code = form.cleaned_data["county"]
    else:
        audience, code = _audience(data.get("audience", "")), DEFAULT_COUNTY
    county = County.objects.filter(code=code).first() or County.objects.get(code=DEFAULT_COUNTY)
    return form, dashboard(audience=audience, county=county)


def _query(board: Dashboard) -> str:
    query = f"audience={board.audience}"
    return query if board.county is None else f"{query}&county={board.county.code}"


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form, board = _dashboard(request)
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "dashboard": board,
            "audiences": [(audience, audience_label(audience)) for audience in AUDIENCES],
            "query": _query(board),
            "suppress_below": SUPPRESS_BELOW,
            "hidden_mark": HIDDEN,
        },
    )


def _filename(board: Dashboard, suffix: str) -> str:
    county = f"-{board.county.code}" if board.county is not None else ""
    return f"dashboard-{board.audience}{county}{suffix}"


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    _form, board = _dashboard(request)
    # Without ?panel= the first panel's table, as the page lists it first.
    panel = board.panel(request.GET.get("panel") or board.panels[0].key)
    if panel is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = _filename(board, f"-{panel.key}.csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([spreadsheet_safe(label) for label in panel.header])
    for row in panel.rows:
        writer.writerow(
            [
                spreadsheet_safe("" if cell is None else cell_text(cell, grouping=False))
                for cell in row
            ]
        )
    return response


def _panel_chart(panel: Panel) -> SafeString:
    """The panel's chart drawn in the PDF, from the same figures as the page's chart."""
    data = panel.chart_data()
    return bar_chart(
        title=data["title"],
        categories=data["categories"],
        series=[Series(one["name"], one["values"]) for one in data["series"]],
        y_title=data["y_title"],
    )


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    from valnav.core.pdf import render_pdf  # WeasyPrint is slow to import; only this view

    _form, board = _dashboard(request)
    pdf = render_pdf(
        "insights/dashboard_pdf.html",
        {
            "dashboard": board,
            "panels": [(panel, _panel_chart(panel)) for panel in board.panels],
            "lang": translation.get_language() or "sv",
            "suppress_below": SUPPRESS_BELOW,
            "hidden_mark": HIDDEN,
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, ".pdf")}"'
    return response


def _sheet_title(panel: Panel, used: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name, unique per book."""
    base = "".join(" " if char in "[]:*?/\\" else char for char in panel.title)[:31].strip()
    title, number = base, 2
    while title.lower() in used:
        suffix = f" ({number})"
        title, number = f"{base[: 31 - len(suffix)]}{suffix}", number + 1
    used.add(title.lower())
    return title


def _xlsx_value(cell: Cell) -> int | float | str | None:
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    _form, board = _dashboard(request)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for panel in board.panels:
        sheet = workbook.create_sheet(_sheet_title(panel, used))
        header = []
        for label in panel.header:
            cell = WriteOnlyCell(sheet, value=spreadsheet_safe(label))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in panel.rows:
            sheet.append([_xlsx_value(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, ".xlsx")}"'
    return response


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("insights/dashboard/"), dashboard_page, name="dashboard"),
    path(gettext_lazy("insights/dashboard.csv"), dashboard_csv, name="dashboard-csv"),
    path(gettext_lazy("insights/dashboard.pdf"), dashboard_pdf, name="dashboard-pdf"),
    path(gettext_lazy("insights/dashboard.xlsx"), dashboard_xlsx, name="dashboard-xlsx"),
]
