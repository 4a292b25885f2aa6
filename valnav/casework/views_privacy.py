"""Register extracts (GDPR art. 15) as JSON and as an accessible PDF, and the access log page
for administrators. The rules live in valnav.casework.privacy; these views parse, call and
render."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from valnav.casework.models import Individual
from valnav.casework.privacy import (
    access_log_search,
    individual_for_extract,
    register_extract_export,
)
from valnav.core.decorators import require_perm
from valnav.core.http import member
from valnav.core.models import AccessAction, AccessLogEntry
from valnav.core.permissions import Perm
from valnav.core.services import access_log_record
from valnav.lib.csv_io import spreadsheet_safe

ACCESS_LOG_PAGE_SIZE = 50
ACCESS_LOG_RECORD = "core.accesslogentry"


def _individual(request: HttpRequest, pseudonym: str) -> Individual:
    individual = individual_for_extract(user=member(request), pseudonym=pseudonym)
    if individual is None:
        raise Http404
    return individual


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no copy in the browser's or a proxy's cache.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require_perm(Perm.HANDLE_CASES)
def register_extract_json_view(request: HttpRequest, pseudonym: str) -> HttpResponse:
    individual = _individual(request, pseudonym)
    extract = register_extract_export(
        individual=individual, actor=member(request), file_format="JSON"
    )
    response = HttpResponse(
        json.dumps(extract, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    return _attachment(response, f"{individual.pseudonym}.json")


@require_GET
@require_perm(Perm.HANDLE_CASES)
def register_extract_pdf_view(request: HttpRequest, pseudonym: str) -> HttpResponse:
    from valnav.core.pdf import render_pdf  # WeasyPrint is slow to import; only this view

    individual = _individual(request, pseudonym)
    # The extract goes to the person, in Swedish (the language of the authority's records).
    with translation.override("sv"):
        extract = register_extract_export(
            individual=individual, actor=member(request), file_format="PDF"
        )
        pdf = render_pdf(
            "casework/privacy/register_extract_pdf.html", {"extract": extract, "lang": "sv"}
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    return _attachment(response, f"{individual.pseudonym}.pdf")


class AccessLogFilterForm(forms.Form):
    record_ref = forms.CharField(
        label=gettext_lazy("Record reference"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("A case (V-…) or a person (P-…); a person finds their cases too."),
    )
    actor_email = forms.EmailField(
        label=gettext_lazy("Staff user (e-mail)"), required=False, max_length=254
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All actions")), *AccessAction.choices],
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> dict[str, Any]:
        """The filters given (all None for an empty form); call only when valid or unbound."""
        data = self.cleaned_data if self.is_bound else {}
        return {name: data.get(name) or None for name in self.fields}


CSV_COLUMNS = ["when", "who", "e-mail", "action", "record type", "record", "why"]


def _access_log_csv(entries: list[AccessLogEntry]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = [
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.actor.full_name if entry.actor else _("the system"),
            entry.actor.email if entry.actor else "",
            entry.get_action_display(),
            entry.record_type,
            entry.record_ref,
            entry.purpose,
        ]
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    # With a byte-order mark, so Excel reads the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


@require_GET
@require_perm(Perm.VIEW_ACCESS_LOG)
def access_log_view(request: HttpRequest) -> HttpResponse:
    """Search the access log; `?format=csv` downloads every matching entry."""
    form = AccessLogFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter that cannot be read shows its error and no entries, never all of them.
        return render(request, "casework/privacy/access_log.html", {"form": form, "page": None})
    filters = form.filters()
    entries = access_log_search(
        record_ref=filters["record_ref"] or "",
        actor_email=filters["actor_email"] or "",
        action=filters["action"] or "",
        date_from=filters["date_from"],
        date_to=filters["date_to"],
    )
    if request.GET.get("format") == "csv":
        rows = list(entries)
        described = ", ".join(f"{key}={value}" for key, value in filters.items() if value)
        access_log_record(
            actor=member(request),
            action=AccessAction.EXPORT,
            record_type=ACCESS_LOG_RECORD,
            record_ref="access-log",
            purpose=_("Access log exported as CSV (%(count)s entries; %(filters)s)")
            % {"count": len(rows), "filters": described or _("no filter")},
        )
        response = HttpResponse(_access_log_csv(rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        return _attachment(response, f"access-log-{stamp}.csv")
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "casework/privacy/access_log.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@require_GET
def privacy_notice_view(request: HttpRequest) -> HttpResponse:
    """The public notice to the people validated (GDPR art. 13): what is recorded, on what
    grounds, who sees it, how long it is kept and their rights. Facts as in docs/privacy.md."""
    return render(request, "casework/privacy/notice.html")


urlpatterns: list[URLPattern] = [
    path(gettext_lazy("privacy/"), privacy_notice_view, name="privacy-notice"),
    path(
        gettext_lazy("cases/people/<str:pseudonym>/register-extract.json"),
        register_extract_json_view,
        name="register-extract-json",
    ),
    path(
        gettext_lazy("cases/people/<str:pseudonym>/register-extract.pdf"),
        register_extract_pdf_view,
        name="register-extract-pdf",
    ),
    path(gettext_lazy("access-log/"), access_log_view, name="access-log"),
]
