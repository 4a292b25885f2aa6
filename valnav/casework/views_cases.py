"""Case pages for assessors and counsellors: the case list, registering a person, opening a
case, and the case itself (process, assessment, education plan, evidence, referrals and
documents).

Every case is fetched through `selectors.case_for` (one case) or `case_accesses` (a page of
them), over `ValidationCase.objects.visible_to(user)`: another organisation's case is a 404,
not a 403. What of a visible case is shown, and whether it may be changed, is its CaseAccess
(a referral shares only the parts it lists); templates ask it, they decide nothing. Every page
that shows personal data leaves a VIEW in the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from valnav.accounts.models import User
from valnav.casework.forms import (
    AssessmentForm,
    CaseFilterForm,
    CaseForm,
    CourseMatchForm,
    EvidenceForm,
    ExaminationForm,
    IndividualForm,
    PlanItemForm,
    ReferralAnswerForm,
    ReferralForm,
    TransitionForm,
)
from valnav.casework.models import EducationPlanItem, ValidationCase
from valnav.casework.selectors import (
    CaseAccess,
    CriterionLine,
    DecisionSummary,
    case_accesses,
    case_decision_summary,
    case_education_suggestions,
    case_for,
    case_lead_times,
    case_organisations_for_user,
    case_page_for_user,
    case_plan_educations,
    case_referral_targets,
    case_referrals_for,
    individual_for_user,
)
from valnav.casework.services import (
    ASSESSABLE_STATES,
    EXAMINATION_STATES,
    MATCHABLE_STATES,
    AssessmentEntry,
    ConcurrentEditError,
    assessments_record,
    case_is_komvux,
    case_open,
    case_roles,
    case_transition,
    case_transition_targets,
    case_views_log,
    evidence_add,
    individual_register,
    plan_item_add,
    plan_item_update,
    referral_respond,
    referral_send,
)
from valnav.casework.states import MAIN_LINE, CaseState
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.models import AccessAction
from valnav.core.permissions import Perm, Role
from valnav.core.services import access_log_record

PAGE_SIZE = 25

# The main path of the process, in order, for the steps list (side exits are shown apart).
PROCESS = (*MAIN_LINE, CaseState.CLOSED)


def _messages(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You may not do this.")


def _detail_url(case: ValidationCase, anchor: str = "") -> str:
    url = reverse("casework:case-detail", kwargs={"reference": case.reference})
    return f"{url}#{anchor}" if anchor else url


# --- the list -----------------------------------------------------------------------------------


@require_GET
@require_perm(Perm.HANDLE_CASES)
def case_list(request: HttpRequest) -> HttpResponse:
    user = member(request)
    form = CaseFilterForm(request.GET or None)
    state, only_open, query = form.filters() if form.is_bound else ("", False, "")
    cases = case_page_for_user(user=user, state=state, only_open=only_open, query=query)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = case_accesses(user=user, cases=list(page.object_list))
    case_views_log(actor=user, cases=[row.case for row in rows], purpose=gettext("Case list"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "casework/case_list.html",
        {"form": form, "page": page, "rows": rows, "query_string": params.urlencode()},
    )


# --- registering and opening --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_perm(Perm.HANDLE_CASES)
def individual_new(request: HttpRequest) -> HttpResponse:
    user = member(request)
    organisations = case_organisations_for_user(user=user)
    form = IndividualForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            person = individual_register(actor=user, **form.service_arguments())
        except ValidationError as error:
            form_errors_from(form, error, moved=form.purpose_targets())
        except PermissionDenied as error:
            form.add_error(None, _messages(error))
        else:
            messages.success(
                request,
                gettext(
                    "The person is registered with the pseudonym %(pseudonym)s. Now open "
                    "their case."
                )
                % {"pseudonym": person.pseudonym},
            )
            return redirect(f"{reverse('casework:case-new')}?individual={person.pseudonym}")
    return render(
        request,
        "casework/individual_form.html",
        {"form": form, "has_organisations": organisations.exists()},
    )


@require_http_methods(["GET", "POST"])
@require_perm(Perm.HANDLE_CASES)
def case_new(request: HttpRequest) -> HttpResponse:
    user = member(request)
    organisations = case_organisations_for_user(user=user)
    form = CaseForm(
        request.POST or None,
        initial={"individual": request.GET.get("individual", "")[:12]},
        organisations=organisations,
        find_individual=lambda pseudonym: individual_for_user(user=user, pseudonym=pseudonym),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open(
                actor=user,
                individual=data["individual"],
                organisation=data["organisation"],
                first_contact=data["first_contact"],
                target=form.target(),
                reason=data["reason"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied as error:
            form.add_error(None, _messages(error))
        else:
            messages.success(
                request,
                gettext("Case %(reference)s is opened.") % {"reference": case.reference},
            )
            return redirect(_detail_url(case))
    return render(
        request,
        "casework/case_form.html",
        {"form": form, "has_organisations": organisations.exists()},
    )


# --- the case -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    state: CaseState
    reached: bool
    current: bool


@dataclass
class CriterionRow:
    line: CriterionLine
    form: AssessmentForm | None
    error: str = ""
    saved: bool = False


@dataclass
class PlanRow:
    item: EducationPlanItem
    form: PlanItemForm | None


def _case_for(request: HttpRequest, reference: str) -> tuple[User, CaseAccess]:
    user = member(request)
    return user, case_for(user=user, reference=reference)


def _case_to_change(request: HttpRequest, reference: str) -> tuple[User, CaseAccess]:
    """A case the user may change: a receiver of a referral only reads (403, the case is
    visible to them)."""
    user, access = _case_for(request, reference)
    if not access.can_change:
        raise PermissionDenied
    return user, access


def _assessment_form(line: CriterionLine, data: Any = None) -> AssessmentForm:
    assessment = line.assessment
    initial = (
        {"result": assessment.result, "method": assessment.method, "note": assessment.note}
        if assessment
        else {}
    )
    return AssessmentForm(data, prefix=f"c{line.criterion.pk}", initial=initial)


def _plan_update_form(item: EducationPlanItem, data: Any = None) -> PlanItemForm:
    return PlanItemForm(
        data,
        prefix=f"plan{item.pk}",
        initial={
            "status": item.status,
            "started_on": item.started_on,
            "finished_on": item.finished_on,
            "note": item.note,
        },
    )


def _open_sections(state: str) -> frozenset[str]:
    """The sections of the case page that start open: those of the current step."""
    if state in ASSESSABLE_STATES:
        return frozenset({"criteria", "decide", "evidence"})
    if state == CaseState.DECISION:
        return frozenset({"decide", "komvux", "documents", "plan"})
    if state == CaseState.COMPLEMENTARY_EDUCATION:
        return frozenset({"plan", "decide"})
    return frozenset({"process", "decide", "referrals"})


def _render_detail(
    request: HttpRequest,
    user: User,
    access: CaseAccess,
    *,
    status: int = 200,
    transition_form: TransitionForm | None = None,
    plan_form: PlanItemForm | None = None,
    plan_update: tuple[int, PlanItemForm] | None = None,
    evidence_form: EvidenceForm | None = None,
    referral_form: ReferralForm | None = None,
    course_form: CourseMatchForm | None = None,
    examination_form: ExaminationForm | None = None,
    criterion_rows: list[CriterionRow] | None = None,
) -> HttpResponse:
    """The case page, with any form the user just sent (bound, with its errors) in place of
    the empty one, so that nothing typed is lost."""
    case = access.case
    full = access.full
    is_assessor = Role.ASSESSOR in case_roles(user, case.organisation)
    summary: DecisionSummary | None = None
    if access.criteria and case.model_id is not None:
        summary = case_decision_summary(case)
        can_assess = full and is_assessor and case.state in ASSESSABLE_STATES
        criterion_rows = criterion_rows or [
            CriterionRow(line, _assessment_form(line) if can_assess else None)
            for line in summary.lines
        ]
    context: dict[str, Any] = {
        "case": case,
        "assessment_errors": [row.error for row in criterion_rows or [] if row.error],
        "access": access,
        "full": full,
        "is_assessor": is_assessor,
        "summary": summary,
        "criterion_rows": criterion_rows or [],
        "open_sections": _open_sections(case.state),
        "assessable": case.state in ASSESSABLE_STATES,
        "referrals": list(case_referrals_for(user=user, access=access)),
        "my_organisation_ids": set(
            case_organisations_for_user(user=user).values_list("pk", flat=True)
        ),
    }
    if full:
        transitions = list(case.transitions.select_related("actor").order_by("at", "pk"))
        reached = {transition.to_state for transition in transitions}
        targets = case_transition_targets(case=case, actor=user)
        if transition_form is None and targets:
            transition_form = TransitionForm(
                targets=targets,
                initial={
                    "version": case.version,
                    "decision": summary.suggested if summary and summary.suggested else "",
                },
            )
        plan_items = list(
            case.plan_items.select_related("criterion", "education__municipality").defer(
                "education__municipality__boundary"
            )
        )
        if plan_form is None and case.model is not None:
            plan_form = PlanItemForm(
                criteria=case.model.criteria.order_by("position"),
                educations=case_plan_educations(case=case),
                initial={"criterion": summary.gaps[0].pk if summary and summary.gaps else None},
            )
        context |= {
            "steps": [Step(state, state in reached, state == case.state) for state in PROCESS],
            "ended_aside": case.state in (CaseState.WITHDRAWN, CaseState.REFERRED),
            "transitions": transitions,
            "lead_times": case_lead_times(case),
            "transition_form": transition_form,
            "suggestions": case_education_suggestions(case) if summary and summary.gaps else [],
            "plan_rows": [
                PlanRow(
                    item,
                    plan_update[1]
                    if plan_update and plan_update[0] == item.pk
                    else _plan_update_form(item),
                )
                for item in plan_items
            ],
            "plan_form": plan_form,
            "evidence_form": evidence_form
            or EvidenceForm(assessments=case.assessments.select_related("criterion")),
            "referral_form": referral_form
            or ReferralForm(targets=case_referral_targets(case=case)),
            "can_issue": is_assessor and bool(case.decision),
        }
    if access.criteria:
        context["evidence"] = list(
            case.evidence.select_related("assessment__criterion", "uploaded_by")
        )
    if access.criteria and case_is_komvux(case):
        context |= _komvux_context(
            case,
            can_change=full and is_assessor,
            course_form=course_form,
            examination_form=examination_form,
        )
    if access.documents:
        context["credentials"] = list(case.credentials.order_by("-issued_at", "-pk"))
    access_log_record(
        actor=user,
        action=AccessAction.VIEW,
        record_type="casework.validationcase",
        record_ref=case.reference,
        purpose=gettext("Case page viewed"),
    )
    return render(request, "casework/case_detail.html", context, status=status)


def _komvux_context(
    case: ValidationCase,
    *,
    can_change: bool,
    course_form: CourseMatchForm | None,
    examination_form: ExaminationForm | None,
) -> dict[str, Any]:
    """The courses matched for the intyg and the prövningar, with their forms while the case
    is in a state that takes them (casework.views_komvux)."""
    today = timezone.localdate()
    if course_form is None and can_change and case.state in MATCHABLE_STATES:
        course_form = CourseMatchForm(on=today)
    if examination_form is None and can_change and case.state in EXAMINATION_STATES:
        examination_form = ExaminationForm(on=today, initial={"held_on": today})
    return {
        "komvux": True,
        "course_matches": list(case.course_matches.all()),
        "examinations": list(case.examinations.all()),
        "course_form": course_form,
        "examination_form": examination_form,
    }


@require_GET
@require_perm(Perm.HANDLE_CASES)
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_for(request, reference)
    return _render_detail(request, user, access)


@require_POST
@require_perm(Perm.HANDLE_CASES)
def case_transition_view(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    targets = case_transition_targets(case=case, actor=user)
    form = TransitionForm(request.POST, targets=targets)
    if not form.is_valid():
        return _render_detail(request, user, access, transition_form=form, status=400)
    data = form.cleaned_data
    try:
        case = case_transition(
            case=case,
            actor=user,
            to_state=data["to_state"],
            expected_version=data["version"],
            reason=data["reason"],
            decision=data.get("decision", ""),
        )
    except ConcurrentEditError as error:
        # Keep what the user chose and wrote, against the version now shown on the page: they
        # see the other change and can send theirs again.
        fresh = request.POST.copy()
        fresh["version"] = str(case.version)
        form = TransitionForm(fresh, targets=targets)
        form.is_valid()
        form.add_error(None, _messages(error))
        return _render_detail(request, user, access, transition_form=form, status=409)
    except ValidationError as error:
        form_errors_from(form, error)
        return _render_detail(request, user, access, transition_form=form, status=400)
    except PermissionDenied as error:
        form.add_error(None, _messages(error))
        return _render_detail(request, user, access, transition_form=form, status=403)
    messages.success(
        request,
        gettext("The case is now in the state “%(state)s”.")
        % {"state": CaseState(case.state).label},
    )
    return redirect(_detail_url(case))


@require_POST
@require_perm(Perm.HANDLE_CASES)
def case_assess(request: HttpRequest, reference: str) -> HttpResponse:
    """All criteria in one form with one save. Rows left without a result, and rows that are
    unchanged, are left as they are; the changed ones are saved together or not at all."""
    user, access = _case_to_change(request, reference)
    case = access.case
    if case.model_id is None:
        raise Http404
    summary = case_decision_summary(case)
    bound = [(line, _assessment_form(line, request.POST)) for line in summary.lines]
    entries: list[AssessmentEntry] = []
    for line, form in bound:
        if not form.is_valid():
            continue
        data = form.cleaned_data
        current = line.assessment
        unchanged = current is not None and (current.result, current.method, current.note) == (
            data["result"],
            data["method"],
            data["note"],
        )
        if data["result"] and not unchanged:
            entries.append(
                AssessmentEntry(
                    criterion=line.criterion,
                    result=data["result"],
                    method=data["method"],
                    note=data["note"],
                )
            )
    rows = [CriterionRow(line, form, error=_row_errors(line, form)) for line, form in bound]
    if any(row.error for row in rows):
        return _render_detail(request, user, access, criterion_rows=rows, status=400)
    try:
        assessments_record(case=case, actor=user, entries=entries)
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, _messages(refused))
        return _render_detail(request, user, access, criterion_rows=rows, status=400)
    messages.success(
        request,
        ngettext("%(count)d assessment is saved.", "%(count)d assessments are saved.", len(entries))
        % {"count": len(entries)},
    )
    # All assessed: on to the decision, right below the criteria.
    done = not case_decision_summary(case).unassessed
    return redirect(_detail_url(case, "decide" if done else "criteria"))


def _row_errors(line: CriterionLine, form: AssessmentForm) -> str:
    """The row's errors with the criterion and the field named, for the row and the summary."""
    return " ".join(
        gettext("%(criterion)s, %(field)s: %(message)s")
        % {"criterion": line.criterion.code, "field": form[name].label, "message": message}
        for name, errors in form.errors.items()
        for message in errors
    )


@require_POST
@require_perm(Perm.HANDLE_CASES)
def plan_item_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    if case.model is None:
        raise Http404
    form = PlanItemForm(
        request.POST,
        criteria=case.model.criteria.order_by("position"),
        educations=case_plan_educations(case=case),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_item_add(
                case=case,
                actor=user,
                criterion=data["criterion"],
                education=data["education"],
                status=data["status"],
                started_on=data["started_on"],
                finished_on=data["finished_on"],
                note=data["note"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The step is added to the education plan."))
            return redirect(_detail_url(case, "plan"))
    return _render_detail(request, user, access, plan_form=form, status=400)


@require_POST
@require_perm(Perm.HANDLE_CASES)
def plan_item_update_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    item = get_object_or_404(case.plan_items.all(), pk=pk)
    form = _plan_update_form(item, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_item_update(
                item=item,
                actor=user,
                status=data["status"],
                started_on=data["started_on"],
                finished_on=data["finished_on"],
                note=data["note"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The education plan is updated."))
            return redirect(_detail_url(case, "plan"))
    item.refresh_from_db()
    return _render_detail(request, user, access, plan_update=(item.pk, form), status=400)


@require_POST
@require_perm(Perm.HANDLE_CASES)
def evidence_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    form = EvidenceForm(
        request.POST,
        request.FILES,
        assessments=case.assessments.select_related("criterion"),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            evidence_add(
                case=case,
                actor=user,
                upload=data["file"],
                assessment=data["assessment"],
                description=data["description"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The file is added."))
            return redirect(_detail_url(case, "evidence"))
    return _render_detail(request, user, access, evidence_form=form, status=400)


@require_GET
@require_perm(Perm.HANDLE_CASES)
def evidence_file(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The stored file as an attachment with the content type recognised at upload: never
    rendered by the browser as a page of this site."""
    user, access = _case_for(request, reference)
    if not access.criteria:
        raise Http404
    case = access.case
    evidence = get_object_or_404(case.evidence.all(), pk=pk)
    try:
        with evidence.file.open("rb") as handle:
            content = handle.read()  # at most VALNAV_EVIDENCE_MAX_BYTES
    except FileNotFoundError as missing:  # culled by retention, or lost
        raise Http404 from missing
    access_log_record(
        actor=user,
        action=AccessAction.VIEW,
        record_type="casework.evidencefile",
        record_ref=case.reference,
        purpose=gettext("Evidence file opened"),
    )
    response = HttpResponse(content, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition_header(True, evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@require_perm(Perm.HANDLE_CASES)
def referral_new(request: HttpRequest, reference: str) -> HttpResponse:
    user, access = _case_to_change(request, reference)
    case = access.case
    form = ReferralForm(request.POST, targets=case_referral_targets(case=case))
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral_send(
                case=case,
                actor=user,
                to_organisation=data["to_organisation"],
                shares=data["shares"],
                consent_how=data["consent_how"],
                message=data["message"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, gettext("The case is referred."))
            return redirect(_detail_url(case, "referrals"))
    return _render_detail(request, user, access, referral_form=form, status=400)


@require_POST
@require_perm(Perm.HANDLE_CASES)
def referral_answer(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The receiving organisation accepts or declines a referral sent to it."""
    user, access = _case_for(request, reference)
    case = access.case
    referral = get_object_or_404(
        case.referrals.filter(to_organisation__in=case_organisations_for_user(user=user)), pk=pk
    )
    form = ReferralAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose to accept or decline the referral."))
        return redirect(_detail_url(case, "referrals"))
    accept = form.cleaned_data["answer"] == "accept"
    try:
        referral_respond(referral=referral, actor=user, accept=accept)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _messages(error))
        return redirect(_detail_url(case, "referrals"))
    if accept:
        messages.success(request, gettext("The referral is accepted."))
        return redirect(_detail_url(case, "referrals"))
    messages.success(
        request,
        gettext("The referral of %(reference)s is declined.") % {"reference": case.reference},
    )
    return redirect("casework:case-list")


urlpatterns: list[URLPattern] = [
    path(_("cases/"), case_list, name="case-list"),
    path(_("cases/new/"), case_new, name="case-new"),
    path(_("cases/people/new/"), individual_new, name="individual-new"),
    path(_("cases/<str:reference>/"), case_detail, name="case-detail"),
    path(_("cases/<str:reference>/transition/"), case_transition_view, name="case-transition"),
    path(_("cases/<str:reference>/criteria/"), case_assess, name="case-assess"),
    path(_("cases/<str:reference>/plan/"), plan_item_add_view, name="plan-item-add"),
    path(_("cases/<str:reference>/plan/<int:pk>/"), plan_item_update_view, name="plan-item-update"),
    path(_("cases/<str:reference>/evidence/"), evidence_add_view, name="evidence-add"),
    path(_("cases/<str:reference>/evidence/<int:pk>/"), evidence_file, name="evidence-file"),
    path(_("cases/<str:reference>/referrals/"), referral_new, name="referral-new"),
    path(
        _("cases/<str:reference>/referrals/<int:pk>/answer/"),
        referral_answer,
        name="referral-answer",
    ),
]
