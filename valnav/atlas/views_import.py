"""Importing offers from a spreadsheet (upload, preview, apply) and exporting any list of them.

An upload is checked first (a dry run) and shown as a preview of the changes and of every row
error; only then can it be applied. Large files are checked and applied in the background and
the page polls the progress (htmx, every second). See valnav.atlas.tasks for the jobs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from valnav.atlas.forms import SearchForm
from valnav.atlas.models import Offer, PublicationStatus
from valnav.atlas.offer_io import COLUMNS, ExportFormat, offers_export
from valnav.atlas.selectors import offer_search
from valnav.atlas.tasks import (
    ImportJob,
    JobState,
    import_job_apply,
    import_job_create,
    import_job_get,
)
from valnav.core.decorators import require_perm
from valnav.core.http import form_errors_from, member
from valnav.core.permissions import Perm
from valnav.core.tabular.forms import upload_form

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
# Errors listed on the page; the rest are counted.
ERRORS_SHOWN = 1000

CONTENT_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


ImportUploadForm = upload_form(
    max_bytes=MAX_UPLOAD_BYTES,
    label=_("Spreadsheet with offers"),
    help_text=_(
        "CSV (comma or semicolon separated, UTF-8 or the Windows-1252 that Excel writes) or "
        "an Excel workbook (.xlsx). The first row names the columns."
    ),
)


class ExportForm(forms.Form):
    """What an export adds to the public search's filters (parsed by SearchForm, so the file
    lists exactly what the page lists): the status and the file format."""

    status = forms.ChoiceField(required=False, choices=[("", "–"), *PublicationStatus.choices])
    format = forms.ChoiceField(required=False, choices=[("csv", "CSV"), ("xlsx", "XLSX")])


def _job_url(job: ImportJob) -> str:
    return f"{reverse('atlas:import')}?job={job.id}"


def _announcement(job: ImportJob) -> str:
    """Changes when the status worth announcing changes: the state and each tenth of the way."""
    return f"{job.state}-{job.dry_run:d}-{job.percent // 10}"


def _job_context(job: ImportJob) -> dict[str, Any]:
    report = job.report
    return {
        "form": ImportUploadForm(),  # to upload a corrected file right below the errors
        "job": job,
        "report": report,
        "errors_shown": report.errors[:ERRORS_SHOWN] if report else [],
        "errors_hidden": max(len(report.errors) - ERRORS_SHOWN, 0) if report else 0,
        "announcement": _announcement(job),
        "running": job.state in {JobState.QUEUED, JobState.RUNNING},
    }


@require_http_methods(["GET", "POST"])
@require_perm(Perm.IMPORT_ATLAS)
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file (GET, POST), see its preview or progress (?job=…), apply it (POST job)."""
    user = member(request)
    form = ImportUploadForm()
    if request.method == "POST" and "job" in request.POST:
        job = import_job_get(job_id=request.POST["job"], actor=user)
        if job is None:
            raise Http404
        job = import_job_apply(job=job)
        return redirect(_job_url(job))
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload: UploadedFile[bytes] = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    actor=user, source=upload.read(), filename=upload.name or "upload"
                )
            except ValidationError as error:  # the server could not keep the file
                form_errors_from(form, error)
            else:
                return redirect(_job_url(job))
    context: dict[str, Any] = {"form": form, "columns": COLUMNS}
    if request.method == "GET" and request.GET.get("job"):
        found = import_job_get(job_id=request.GET["job"], actor=user)
        if found is None:
            raise Http404
        context |= _job_context(found)
    return render(request, "atlas/import_offers.html", context)


@require_GET
@require_perm(Perm.IMPORT_ATLAS)
def import_progress_view(request: HttpRequest, job: str) -> HttpResponse:
    """The job's progress or, once done, its preview or result: an htmx-polled fragment."""
    found = import_job_get(job_id=job, actor=member(request))
    if found is None:
        raise Http404
    context = _job_context(found)
    context["announce"] = request.GET.get("announced") != context["announcement"]
    return render(request, "atlas/import_offers.html#job", context)


@require_GET
def export_view(request: HttpRequest) -> HttpResponse:
    """The offers a search lists, as CSV or XLSX: published ones for the public; members also
    get their own organisations' drafts, reviewers everything."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("The export parameters are not valid."), content_type="text/plain; charset=utf-8"
        )
    data = form.cleaned_data
    base = Offer.objects.visible_to(request.user)
    if data["status"]:
        base = base.filter(status=data["status"])
    queryset, _origin = offer_search(filters=SearchForm(request.GET).filters(), base=base)
    file_format: ExportFormat = "xlsx" if data["format"] == "xlsx" else "csv"
    response = HttpResponse(
        offers_export(queryset=queryset, format=file_format),
        content_type=CONTENT_TYPES[file_format],
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="valnav-offers-{stamp}.{file_format}"'
    return response


urlpatterns: list[URLPattern] = [
    path(_("atlas/import/"), import_view, name="import"),
    path(_("atlas/import/<slug:job>/progress/"), import_progress_view, name="import-progress"),
    path(_("atlas/export/"), export_view, name="export"),
]
