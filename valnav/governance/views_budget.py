"""Budget pages: the budget and financing plan with its checks, budget against the booked
costs with the burn rate, the ledger import, and requisitions to the financiers."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.core.tabular.report import ImportReport
from valnav.core.tabular.views import upload_import
from valnav.governance.actuals import ActualsOverview, actuals_overview
from valnav.governance.budget import budget_overview, kr
from valnav.governance.budget_io import budget_import
from valnav.governance.forms import (
    BudgetImportForm,
    BudgetLineForm,
    FinancingLineForm,
    LedgerImportForm,
    RequisitionForm,
)
from valnav.governance.ledger import COLUMNS, ledger_import
from valnav.governance.requisition import Requisition, requisition_build
from valnav.governance.selectors import Scope, project_scope
from valnav.governance.services import budget_line_set, financing_set
from valnav.governance.views_projects import managed_scope
from valnav.governance.xlsx import SafeSheet


def burn_chart(overview: ActualsOverview) -> dict[str, Any]:
    return {
        "title": _("Cumulative costs per month"),
        "categories": [point.month_end.isoformat() for point in overview.burn],
        "series": [
            {
                "name": _("Budget"),
                "values": [float(point.budget) for point in overview.burn],
                "text": [kr(point.budget) for point in overview.burn],
            },
            {
                "name": _("Booked"),
                "values": [
                    None if point.actual is None else float(point.actual) for point in overview.burn
                ],
                "text": [
                    "" if point.actual is None else kr(point.actual) for point in overview.burn
                ],
            },
        ],
        "y_title": _("kr"),
    }


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def budget_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    context = {"scope": scope, "project": scope.project, "budget": budget_overview(scope)}
    return render(request, "governance/budget.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a budget line (category × year, optionally × region) or a financier's amount for a
    year; the budget page then shows the checks again."""
    scope = managed_scope(request, pk)
    project = scope.project
    which = request.POST.get("form")
    line_form = BudgetLineForm(
        request.POST if which == "line" else None, project=project, prefix="line"
    )
    financing_form = FinancingLineForm(
        request.POST if which == "financing" else None, project=project, prefix="financing"
    )
    if request.method == "POST":
        try:
            if which == "line" and line_form.is_valid():
                budget_line_set(project=project, **line_form.cleaned_data)
                return redirect("governance:budget", pk=pk)
            if which == "financing" and financing_form.is_valid():
                financing_set(**financing_form.cleaned_data)
                return redirect("governance:budget", pk=pk)
        except ValidationError as error:
            form_errors_from(line_form if which == "line" else financing_form, error)
    overview = budget_overview(scope)
    context = {
        "scope": scope,
        "project": project,
        "budget": overview,
        "line_form": line_form,
        "financing_form": financing_form,
    }
    return render(request, "governance/budget_edit.html", context)


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def actuals_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    overview = actuals_overview(scope)
    context = {
        "scope": scope,
        "project": scope.project,
        "actuals": overview,
        "chart": burn_chart(overview),
    }
    return render(request, "governance/actuals.html", context)


def _project_import_view(
    *,
    form_class: type[forms.Form],
    run: Callable[..., ImportReport],
    template: str,
    doc: str,
    **extra: object,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """The upload page of one of a project's imports, for its managers: GET shows the form,
    POST checks the file (action=check) or imports it (action=import) with
    `run(project=…, source=…, filename=…, dry_run=…)`."""

    @require_http_methods(["GET", "POST"])
    @require_perm(Perm.MANAGE_PROJECTS)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        scope = managed_scope(request, pk)
        form, context = upload_import(
            request,
            form_class,
            lambda source, filename, dry_run: run(
                project=scope.project, source=source, filename=filename, dry_run=dry_run
            ),
        )
        context |= {"scope": scope, "project": scope.project, "form": form, **extra}
        return render(request, template, context)

    view.__doc__ = doc
    return view


ledger_import_view = _project_import_view(
    form_class=LedgerImportForm,
    run=ledger_import,
    template="governance/ledger_import.html",
    doc="A ledger file (a table or SIE 4) booked as the project's costs.",
    columns=COLUMNS,
    columns_caption=gettext_lazy("Columns of a ledger file"),
)
budget_import_view = _project_import_view(
    form_class=BudgetImportForm,
    run=budget_import,
    template="governance/budget_import.html",
    doc="A budget sheet that replaces the project's budget and financing plan.",
)


def _requisition(
    request: HttpRequest, pk: int
) -> tuple[Scope, RequisitionForm, Requisition | None]:
    scope = managed_scope(request, pk)
    form = RequisitionForm(request.GET or None, project=scope.project)
    requisition = None
    if form.is_valid():
        try:
            requisition = requisition_build(
                scope=scope,
                financier=form.cleaned_data["financier"],
                since=form.cleaned_data["since"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
    return scope, form, requisition


@require_GET
@require_perm(Perm.MANAGE_PROJECTS)
def requisition_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope, form, requisition = _requisition(request, pk)
    context = {
        "scope": scope,
        "project": scope.project,
        "form": form,
        "requisition": requisition,
        "query": request.GET.urlencode(),
    }
    return render(request, "governance/requisition.html", context)


def _filename(requisition: Requisition, suffix: str) -> str:
    name = slugify(f"{requisition.diarienummer}-{requisition.financier}-{requisition.since}")
    return f"rekvisition-{name}{suffix}"


@require_GET
@require_perm(Perm.MANAGE_PROJECTS)
def requisition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from valnav.core.pdf import render_pdf  # WeasyPrint is slow to import; only this view

    _scope, _form, requisition = _requisition(request, pk)
    if requisition is None:
        return HttpResponse(status=400)
    pdf = render_pdf(
        "governance/requisition_pdf.html",
        {"requisition": requisition, "lang": translation.get_language() or "sv"},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(requisition, ".pdf")}"'
    return response


@require_GET
@require_perm(Perm.MANAGE_PROJECTS)
def requisition_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, _form, requisition = _requisition(request, pk)
    if requisition is None:
        return HttpResponse(status=400)
    workbook = Workbook(write_only=True)
    sheet = SafeSheet(workbook, _("Requisition"))
    sheet.header([_("Requisition")])
    for label, value in (
        (_("Project"), requisition.project_name),
        (_("Reference number (diarienummer)"), requisition.diarienummer),
        (_("Project owner"), requisition.owner),
        (_("Financier"), requisition.financier),
        (_("Share (%)"), float(requisition.share)),
        (_("From"), requisition.since),
        (_("To"), requisition.until),
    ):
        sheet.append([label, value])
    sheet.append([])
    sheet.header([_("Cost category"), _("Booked costs (kr)"), _("Requested (kr)")])
    for row in requisition.rows:
        sheet.append([row.category, float(row.booked), float(row.requested)])
    sheet.append(
        [
            sheet.bold(_("Total")),
            float(requisition.booked_total),
            float(requisition.requested_total),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(requisition, ".xlsx")}"'
    return response


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("projects/<int:pk>/budget/"), budget_view, name="budget"),
    path(gettext_lazy("projects/<int:pk>/budget/edit/"), budget_edit, name="budget-edit"),
    path(
        gettext_lazy("projects/<int:pk>/budget/import/"), budget_import_view, name="budget-import"
    ),
    path(gettext_lazy("projects/<int:pk>/actuals/"), actuals_view, name="actuals"),
    path(
        gettext_lazy("projects/<int:pk>/actuals/import/"), ledger_import_view, name="ledger-import"
    ),
    path(gettext_lazy("projects/<int:pk>/requisition/"), requisition_view, name="requisition"),
    path(
        gettext_lazy("projects/<int:pk>/requisition.pdf"), requisition_pdf, name="requisition-pdf"
    ),
    path(
        gettext_lazy("projects/<int:pk>/requisition.xlsx"),
        requisition_xlsx,
        name="requisition-xlsx",
    ),
]
