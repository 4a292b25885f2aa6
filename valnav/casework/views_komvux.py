"""The Komvux part of the case page: the courses and subject levels the assessment matched
(named on the intyg) and the prövningar that may follow (a betyg needs a passed one)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from valnav.casework.forms import CourseMatchForm, ExaminationForm
from valnav.casework.services import course_match_set, examination_record
from valnav.casework.views_cases import _case_to_change, _detail_url, _render_detail
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from
from valnav.core.permissions import Perm


@require_POST
@require_perm(Perm.HANDLE_CASES)
def course_match_view(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    form = CourseMatchForm(request.POST, on=timezone.localdate())
    if form.is_valid():
        try:
            course_match_set(
                case=case,
                actor=user,
                course_key=form.cleaned_data["course_key"],
                extent=form.cleaned_data["extent"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The course is recorded for the intyg."))
            return redirect(_detail_url(case, "komvux"))
    return _render_detail(request, user, access, course_form=form, status=400)


@require_POST
@require_perm(Perm.HANDLE_CASES)
def examination_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    form = ExaminationForm(request.POST, on=timezone.localdate())
    if form.is_valid():
        data = form.cleaned_data
        try:
            examination_record(
                case=case,
                actor=user,
                course_key=data["course_key"],
                examiner_name=data["examiner_name"],
                grade=data["grade"],
                held_on=data["held_on"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The examination (prövning) is recorded."))
            return redirect(_detail_url(case, "komvux"))
    return _render_detail(request, user, access, examination_form=form, status=400)


urlpatterns: list[URLPattern] = [
    path(_("cases/<str:reference>/courses/"), course_match_view, name="course-match"),
    path(_("cases/<str:reference>/examinations/"), examination_add_view, name="examination-add"),
]
