"""Project pages: the list of one's projects, a project's overview (period, organisations,
steering group and project group), creating and editing a project, and its risks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.governance.forms import MemberForm, ProjectEditForm, ProjectForm, RiskForm
from valnav.governance.models import Group
from valnav.governance.selectors import Scope, project_list, project_scope
from valnav.governance.services import member_add, project_create, project_update, risk_add


def managed_scope(request: HttpRequest, pk: int) -> Scope:
    """The project for a write: 404 if unseen, 403 for a reader without MANAGE_PROJECTS."""
    scope = project_scope(user=member(request), pk=pk)
    if not scope.can_manage:
        raise PermissionDenied
    return scope


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def project_list_view(request: HttpRequest) -> HttpResponse:
    projects = project_list(user=member(request))
    return render(request, "governance/project_list.html", {"projects": projects})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def project_new(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = project_create(
                name=data["name"],
                diarienummer=data["diarienummer"],
                owner=data["owner"],
                partners=data["partners"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                overall_goal=data["overall_goal"],
                project_goal=data["project_goal"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(project)
    return render(request, "governance/project_form.html", {"form": form})


@require_GET
@require_perm(Perm.VIEW_PROJECTS)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    project = scope.project
    seats = project.members.select_related("user", "region")
    context: dict[str, Any] = {
        "scope": scope,
        "project": project,
        "steering": [s for s in seats if s.group == Group.STEERING],
        "project_group": [s for s in seats if s.group == Group.PROJECT],
        "partners": project.partners.order_by("name"),
    }
    return render(request, "governance/project_detail.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = managed_scope(request, pk)
    project = scope.project
    initial = {name: getattr(project, name) for name in ProjectEditForm.base_fields}
    form = ProjectEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project_update(project=project, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(project)
    return render(request, "governance/project_form.html", {"form": form, "project": project})


@require_http_methods(["GET", "POST"])
@require_perm(Perm.VIEW_PROJECTS)
def risk_list(request: HttpRequest, pk: int) -> HttpResponse:
    scope = project_scope(user=member(request), pk=pk)
    form = RiskForm(request.POST or None)
    if request.method == "POST":
        if not scope.can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                risk_add(project=scope.project, **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                return redirect("governance:risk-list", pk=pk)
    context = {"scope": scope, "project": scope.project, "risks": scope.project.risks.all()}
    return render(request, "governance/risk_list.html", context | {"form": form})


urlpatterns: list[URLPattern] = [
    path(_("projects/"), project_list_view, name="project-list"),
    path(_("projects/new/"), project_new, name="project-new"),
    path(_("projects/<int:pk>/"), project_detail, name="project-detail"),
    path(_("projects/<int:pk>/edit/"), project_edit, name="project-edit"),
    path(_("projects/<int:pk>/risks/"), risk_list, name="risk-list"),
]


@require_http_methods(["GET", "POST"])
@require_perm(Perm.MANAGE_PROJECTS)
def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    scope = managed_scope(request, pk)
    form = MemberForm(request.POST or None, project=scope.project)
    if request.method == "POST" and form.is_valid():
        try:
            member_add(project=scope.project, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return redirect(scope.project)
    context = {"scope": scope, "project": scope.project, "form": form}
    return render(request, "governance/member_form.html", context)


urlpatterns += [
    path(_("projects/<int:pk>/members/new/"), member_add_view, name="member-add"),
]
