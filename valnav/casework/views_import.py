"""Importing earlier case records from a spreadsheet: upload, check, import.

Unlike the atlas import, the upload is not kept between the check and the import: a case file
holds names and personnummer, which Valnav keeps only encrypted, and never as a loose file.
The person checks the file (a dry run, with its preview and every row error) and then imports
the same file; case files are small enough to be handled during the request.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from valnav.accounts.models import Organisation, User
from valnav.casework.case_io import COLUMNS, case_import_organisations, cases_import
from valnav.core.decorators import require_perm
from valnav.core.http import member
from valnav.core.permissions import Perm
from valnav.core.tabular.forms import UploadField

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
# Errors listed on the page; the rest are counted.
ERRORS_SHOWN = 1000


class CaseImportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation responsible for the cases"),
        queryset=Organisation.objects.none(),
    )
    file = UploadField(
        max_bytes=MAX_UPLOAD_BYTES,
        label=_("Spreadsheet with cases"),
        help_text=_(
            "CSV (comma or semicolon separated, UTF-8 or the Windows-1252 that Excel writes) or "
            "an Excel workbook (.xlsx). The first row names the columns."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (declared above)
        field.queryset = case_import_organisations(user=user)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.IMPORT_CASES)
def import_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: check the file (action=check) or import it (action=import)."""
    user = member(request)
    form = CaseImportForm(user=user)
    context: dict[str, Any] = {"columns": COLUMNS}
    if request.method == "POST":
        form = CaseImportForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload: UploadedFile[bytes] = form.cleaned_data["file"]
            organisation: Organisation = form.cleaned_data["organisation"]
            try:
                report = cases_import(
                    actor=user,
                    organisation=organisation,
                    source=upload.read(),
                    filename=upload.name or "upload",
                    dry_run=request.POST.get("action") != "import",
                )
            except DatabaseError:
                # The database went away or refused partway: the import's one transaction is
                # rolled back, so the person is told that nothing was saved and may try again,
                # with the form as they filled it, instead of getting a server error.
                logger.exception("A case import failed in the database.")
                form.add_error(
                    None,
                    gettext(
                        "The import stopped because of an unexpected error. Nothing was saved. "
                        "Please try again, or contact the administrator."
                    ),
                )
            else:
                context |= {
                    "report": report,
                    "organisation": organisation,
                    "filename": upload.name,
                    "errors_shown": report.errors[:ERRORS_SHOWN],
                    "errors_hidden": max(len(report.errors) - ERRORS_SHOWN, 0),
                }
                if report.applied:  # a fresh form: the same file imported twice changes nothing
                    form = CaseImportForm(user=user)
    context["form"] = form
    context["has_organisations"] = form.fields["organisation"].queryset.exists()  # type: ignore[attr-defined]  # a ModelChoiceField
    return render(request, "casework/import_cases.html", context)


urlpatterns: list[URLPattern] = [
    path(_("cases/import/"), import_view, name="import"),
]
