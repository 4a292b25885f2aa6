"""Reports in one click: the steering-group report as PDF (PDF/UA) and XLSX, and the final
report (the whole period) as PDF."""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from valnav.casework.facts import SUPPRESS_BELOW
from valnav.core.decorators import require_perm
from valnav.core.http import member
from valnav.core.permissions import Perm
from valnav.core.svgchart import Series, bar_chart
from valnav.governance.reports import SteeringReport, steering_report
from valnav.governance.selectors import project_scope
from valnav.governance.xlsx import SafeSheet


def _filename(report: SteeringReport, suffix: str) -> str:
    kind = "slutrapport" if report.final else "styrgruppsrapport"
    return f"{kind}-{slugify(report.project.diarienummer)}-{report.made_on.isoformat()}{suffix}"


def _budget_chart(report: SteeringReport) -> SafeString:
    """Budget and booked costs per year, drawn in the PDF from the variance table's figures."""
    years = sorted({row.year for row in report.actuals.rows})
    budget = dict.fromkeys(years, 0)
    booked = {year: Decimal(0) for year in years}
    for row in report.actuals.rows:
        budget[row.year] += row.budget
        booked[row.year] += row.actual
    return bar_chart(
        title=_("Budget and booked costs per year"),
        categories=[str(year) for year in years],
        series=[
            Series(_("Budget"), [budget[year] for year in years]),
            Series(_("Booked"), [booked[year] for year in years]),
        ],
        y_title="kr",
    )


def _pdf(request: HttpRequest, pk: int, *, final: bool) -> HttpResponse:
    from valnav.core.pdf import render_pdf  # WeasyPrint is slow to import; only these views

    scope = project_scope(user=member(request), pk=pk)
    report = steering_report(scope, final=final)
    pdf = render_pdf(
        "governance/report_pdf.html",
        {
            "report": report,
            "lang": translation.get_language() or "sv",
            "suppress_below": SUPPRESS_BELOW,
            "budget_chart": _budget_chart(report),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, ".pdf")}"'
    return response


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, final=False)


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def final_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, final=True)


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    report = steering_report(scope)
    workbook = Workbook(write_only=True)

    def sheet(title: str, header: list[str | int]) -> SafeSheet:
        new = SafeSheet(workbook, title)
        new.header(header)
        return new

    goals = sheet(
        _("Activities"),
        [
            _("Sub-goal"),
            _("Activity"),
            _("Region"),
            _("Status"),
            _("Planned start"),
            _("Planned end"),
            _("Actual start"),
            _("Actual end"),
        ],
    )
    for section in report.goals:
        for activity in section.activities:
            goals.append(
                [
                    str(section.sub_goal),
                    activity.title,
                    activity.region.name if activity.region else "",
                    activity.get_status_display(),
                    activity.planned_start,
                    activity.planned_end,
                    activity.actual_start,
                    activity.actual_end,
                ]
            )
    indicators = sheet(
        _("Indicators"), [_("Indicator"), _("Unit"), _("Baseline"), _("Value"), _("Target")]
    )
    for status in report.indicators:
        indicators.append(
            [
                status.indicator.name,
                status.label_unit,
                float(status.indicator.baseline),
                None if status.current is None else float(status.current),
                float(status.indicator.target),
            ]
        )
    budget = sheet(_("Budget"), [_("Costs"), *report.budget.years, _("Total")])
    for row in report.budget.costs:
        budget.append([row.label, *row.amounts, row.total])
    budget.append([_("Total costs"), *report.budget.cost_totals, report.budget.cost_total])
    budget.append([])
    budget.append([_("Financing"), *report.budget.years, _("Total")])
    for row in report.budget.financing:
        budget.append([row.label, *row.amounts, row.total])
    budget.append(
        [_("Total financing"), *report.budget.financing_totals, report.budget.financing_total]
    )
    actuals = sheet(
        _("Budget and actuals"),
        [
            _("Year"),
            _("Cost category"),
            _("Region"),
            _("Budget (kr)"),
            _("Booked (kr)"),
            _("Variance (kr)"),
            _("Variance (%)"),
        ],
    )
    for line in report.actuals.rows:
        actuals.append(
            [
                line.year,
                line.category,
                line.region,
                line.budget,
                float(line.actual),
                float(line.variance),
                None if line.variance_percent is None else float(line.variance_percent),
            ]
        )
    risks = sheet(
        _("Risks"), [_("Risk"), _("Likelihood"), _("Impact"), _("Mitigation"), _("Owner")]
    )
    for risk in report.risks:
        risks.append([risk.description, risk.likelihood, risk.impact, risk.mitigation, risk.owner])
    principles = sheet(_("Horizontal principles"), [_("Participation"), _("People")])
    for key, value in report.participation:
        principles.append([key, value])
    principles.append([])
    principles.append([_("Gender equality"), report.project.gender_equality])
    principles.append([_("Accessibility"), report.project.accessibility])
    principles.append([_("Non-discrimination"), report.project.non_discrimination])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, ".xlsx")}"'
    return response


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("projects/<int:pk>/steering-report.pdf"), report_pdf, name="report-pdf"),
    path(gettext_lazy("projects/<int:pk>/steering-report.xlsx"), report_xlsx, name="report-xlsx"),
    path(
        gettext_lazy("projects/<int:pk>/final-report.pdf"),
        final_report_pdf,
        name="final-report-pdf",
    ),
]
