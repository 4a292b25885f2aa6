"""The result chain: overall goal → project goal → sub-goals → activities → indicators, and each
indicator's trend (a chart and the same values as a table) with its measurement log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.governance.forms import ActivityForm, IndicatorForm, MeasurementForm
from valnav.governance.indicators import IndicatorStatus, indicator_status
from valnav.governance.models import Activity
from valnav.governance.selectors import project_scope
from valnav.governance.services import (
    activity_create,
    activity_update,
    indicator_create,
    measurement_add,
)
from valnav.governance.views_projects import managed_scope


def trend_chart(status: IndicatorStatus) -> dict[str, Any]:
    return {
        "title": status.indicator.name,
        "categories": [point.on.isoformat() for point in status.points],
        "series": [
            {
                "name": _("Value"),
                "values": [float(point.value) for point in status.points],
                "text": [f"{point.value.normalize():f}" for point in status.points],
            },
            {
                "name": _("Target"),
                "values": [float(status.indicator.target) for _point in status.points],
                "text": [f"{status.indicator.target.normalize():f}" for _point in status.points],
            },
        ],
        "y_title": status.label_unit,
    }


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def results_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    project = scope.project
    activities = list(scope.activities())
    indicators = [
        indicator_status(indicator, trend=False)
        for indicator in project.indicators.select_related("project", "sub_goal")
    ]
    goals = [
        {
            "sub_goal": sub_goal,
            "activities": [a for a in activities if a.sub_goal_id == sub_goal.pk],
            "indicators": [s for s in indicators if s.indicator.sub_goal_id == sub_goal.pk],
        }
        for sub_goal in project.sub_goals.all()
    ]
    others = [s for s in indicators if s.indicator.sub_goal_id is None]
    context = {"scope": scope, "project": project, "goals": goals, "other_indicators": others}
    return render(request, "governance/results.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.VIEW_PROJECTS)
def indicator_detail(request: HttpRequest, pk: int, indicator: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    found = scope.project.indicators.select_related("project", "sub_goal").filter(pk=indicator)
    item = found.first()
    if item is None:
        raise Http404
    form = MeasurementForm(request.POST or None)
    if request.method == "POST":
        if not scope.can_manage or item.is_live:
            raise PermissionDenied
        if form.is_valid():
            try:
                measurement_add(indicator=item, recorded_by=member(request), **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                return redirect("governance:indicator-detail", pk=pk, indicator=item.pk)
    status = indicator_status(item)
    context = {
        "scope": scope,
        "project": scope.project,
        "status": status,
        "chart": trend_chart(status),
        "form": form,
        "measurements": item.measurements.select_related("recorded_by"),
    }
    return render(request, "governance/indicator_detail.html", context)


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("projects/<int:pk>/results/"), results_view, name="results"),
    path(
        gettext_lazy("projects/<int:pk>/indicators/<int:indicator>/"),
        indicator_detail,
        name="indicator-detail",
    ),
]


def _activity_form_page(
    request: HttpRequest, pk: int, activity_pk: int | None = None
) -> HttpResponse:
    scope = managed_scope(request, pk)
    project = scope.project
    activity = None
    initial: dict[str, Any] = {}
    if activity_pk is not None:
        activity = Activity.objects.filter(sub_goal__project=project, pk=activity_pk).first()
        if activity is None:
            raise Http404
        initial = {name: getattr(activity, name) for name in ActivityForm.base_fields}
    form = ActivityForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                activity_create(**form.cleaned_data)
            else:
                activity_update(activity=activity, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("governance:results", pk=pk)
    context = {"scope": scope, "project": project, "form": form, "activity": activity}
    return render(request, "governance/activity_form.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def activity_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_form_page(request, pk)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def activity_edit(request: HttpRequest, pk: int, activity: int) -> HttpResponse:
    return _activity_form_page(request, pk, activity)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def indicator_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope = managed_scope(request, pk)
    form = IndicatorForm(request.POST or None, project=scope.project)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_create(project=scope.project, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect("governance:indicator-detail", pk=pk, indicator=indicator.pk)
    context = {"scope": scope, "project": scope.project, "form": form}
    return render(request, "governance/indicator_form.html", context)


urlpatterns += [
    path(gettext_lazy("projects/<int:pk>/activities/new/"), activity_new, name="activity-new"),
    path(
        gettext_lazy("projects/<int:pk>/activities/<int:activity>/"),
        activity_edit,
        name="activity-edit",
    ),
    path(gettext_lazy("projects/<int:pk>/indicators/new/"), indicator_new, name="indicator-new"),
]
