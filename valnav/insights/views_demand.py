"""Demand pages: the latest Yrkesbarometer round with shortage flags, its import, and the
shortage rule.

As with the case import, the upload is not kept between the check and the import: a demand file
is small, so the person checks it (a dry run with every row error) and imports the same file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm, user_has_perm
from valnav.insights.demand import (
    COLUMNS,
    demand_import,
    demand_latest,
    shortage_rule_active,
    shortage_rule_update,
)
from valnav.insights.models import INDEX_MAX, INDEX_MIN
from valnav.places.models import County

MAX_UPLOAD_BYTES = 16 * 1024 * 1024
ERRORS_SHOWN = 1000


class DemandFilterForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.order_by("code"),
        required=False,
        empty_label=_("All counties"),
    )
    q = forms.CharField(label=_("Occupation"), required=False, max_length=100)


class DemandImportForm(forms.Form):
    file = forms.FileField(
        label=_("Yrkesbarometer file"),
        help_text=_(
            "CSV (comma or semicolon separated, UTF-8 or the Windows-1252 that Excel writes) or "
            "JSON (a list of objects). The first row of a CSV file names the columns."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.json,.txt,text/csv,application/json"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files."),
                params={"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


class ShortageRuleForm(forms.Form):
    threshold = forms.DecimalField(
        label=_("Threshold on the shortage index"),
        min_value=INDEX_MIN,
        max_value=INDEX_MAX,
        max_digits=3,
        decimal_places=2,
        localize=True,  # Swedish "3,80" as well as "3.80"
        help_text=_("An index above this counts as shortage; 4.00 means 4.01–5.00."),
    )
    rounds_counted = forms.IntegerField(
        label=_("Rounds counted"),
        min_value=1,
        max_value=20,
        help_text=_("How many of the latest rounds count; 1 is the latest only."),
    )
    description = forms.CharField(
        label=_("Description shown with the demand data"), widget=forms.Textarea, required=False
    )


@require_GET
@require_perm(Perm.VIEW_INSIGHTS)
def demand_view(request: HttpRequest) -> HttpResponse:
    """The latest round's observations per county, with shortage flags."""
    form = DemandFilterForm(request.GET or None)
    county: County | None = None
    query = ""
    if form.is_valid():
        county = form.cleaned_data["county"]
        query = form.cleaned_data["q"]
    overview = demand_latest(county=county, query=query)
    context: dict[str, Any] = {
        "form": form,
        "overview": overview,
        "shortages": sum(row.shortage for row in overview.rows),
        "can_import": user_has_perm(request.user, Perm.IMPORT_DEMAND),
    }
    return render(request, "insights/demand_list.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.IMPORT_DEMAND)
def demand_import_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: check the file (action=check) or import it (action=import)."""
    form = DemandImportForm()
    context: dict[str, Any] = {"columns": COLUMNS}
    if request.method == "POST":
        form = DemandImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload: UploadedFile[bytes] = form.cleaned_data["file"]
            report = demand_import(
                source=upload.read(),
                filename=upload.name or "upload",
                dry_run=request.POST.get("action") != "import",
            )
            context |= {
                "report": report,
                "filename": upload.name,
                "errors_shown": report.errors[:ERRORS_SHOWN],
                "errors_hidden": max(len(report.errors) - ERRORS_SHOWN, 0),
            }
            if report.applied:
                form = DemandImportForm()
    context["form"] = form
    return render(request, "insights/demand_import.html", context)


@require_http_methods(["GET", "POST"])
@require_perm(Perm.IMPORT_DEMAND)
def shortage_rule_view(request: HttpRequest) -> HttpResponse:
    """The rule that makes an observation a shortage (bristyrke)."""
    rule = shortage_rule_active()
    initial = {
        "threshold": rule.threshold,
        "rounds_counted": rule.rounds_counted,
        "description": rule.description,
    }
    form = ShortageRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        threshold: Decimal = form.cleaned_data["threshold"]
        shortage_rule_update(
            threshold=threshold,
            rounds_counted=form.cleaned_data["rounds_counted"],
            description=form.cleaned_data["description"],
        )
        return redirect("insights:demand")
    return render(request, "insights/demand_rule.html", {"form": form})


urlpatterns: list[URLPattern] = [
    path(_("demand/"), demand_view, name="demand"),
    path(_("demand/import/"), demand_import_view, name="demand-import"),
    path(_("demand/shortage-rule/"), shortage_rule_view, name="demand-rule"),
]
