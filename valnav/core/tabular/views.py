"""What every upload page does with a posted file: check it (action=check, a dry run) or
import it (action=import), and hand the template the report with the errors it shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm
from valnav.core.tabular.report import ImportReport

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The error table shows this many; the count above it is always complete.
ERRORS_SHOWN = 500

# run(source, filename, dry_run): the import of one page.
RunImport = Callable[[bytes, str, bool], ImportReport]


def upload_import(
    request: HttpRequest, form_class: type[forms.Form], run: RunImport
) -> tuple[forms.Form, dict[str, Any]]:
    """The page's form and its context: on a valid POST, `report`, `filename` and the errors
    shown and hidden; a fresh form once a file has been imported."""
    if request.method != "POST":
        return form_class(), {}
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return form, {}
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    report = run(upload.read(), upload.name or "upload", request.POST.get("action") != "import")
    context = {
        "report": report,
        "filename": upload.name,
        "errors_shown": report.errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(report.errors) - ERRORS_SHOWN, 0),
    }
    return (form_class() if report.applied else form), context


def upload_page(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    run: RunImport,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """An upload page whole: `upload_import` rendered with the page's own `context` (its
    `columns`, `columns_caption` and whatever else its template reads)."""
    form, report = upload_import(request, form_class, run)
    return render(request, template, {**context, **report, "form": form})


class Import(Protocol):
    """An app's import function as the upload pages call it."""

    def __call__(self, *, source: bytes, filename: str, dry_run: bool) -> ImportReport: ...


@dataclass(frozen=True)
class UploadPage:
    """One upload page as data: its URL (`route`, `name`), who may use it (`perm`), its form,
    the import it runs and its template with what else the template reads (`context`: its
    `columns`, `columns_caption` …). An app lists its pages and takes `urlpatterns` from them."""

    name: str
    route: str | _StrPromise
    perm: Perm
    form_class: type[forms.Form]
    run: Import
    template: str
    context: Mapping[str, object] = field(default_factory=dict)

    def view(self, request: HttpRequest) -> HttpResponse:
        """GET: the upload form. POST: check the file (action=check) or import it."""
        return upload_page(
            request,
            form_class=self.form_class,
            run=lambda source, filename, dry_run: self.run(
                source=source, filename=filename, dry_run=dry_run
            ),
            template=self.template,
            context=dict(self.context),
        )

    def url(self) -> URLPattern:
        view = require_http_methods(["GET", "POST"])(require_perm(self.perm)(self.view))
        return path(self.route, view, name=self.name)
