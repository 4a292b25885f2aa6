"""The insights' upload pages, as data: Arbetsförmedlingen's Yrkesbarometer and SCB's
population, for those who import demand data.

As with the case import, an upload is not kept between the check and the import: the files
are small, so the person checks one (a dry run with every row error) and imports the same file.
"""

from __future__ import annotations

from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _

from valnav.core.permissions import Perm
from valnav.core.tabular.forms import upload_form
from valnav.core.tabular.views import UploadPage
from valnav.insights.demand import COLUMNS, OFFICIAL_URL, demand_import
from valnav.places.population_io import COLUMNS as POPULATION_COLUMNS
from valnav.places.population_io import population_import

JSON_OR_TABLE = (
    ".json,.csv,.xlsx,.txt,application/json,text/csv,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

DemandImportForm = upload_form(
    accept=JSON_OR_TABLE,
    label=_("Yrkesbarometer file"),
    help_text=_(
        "Arbetsförmedlingen's yrkesbarometer.json as published, or the same columns as CSV "
        "(any delimiter, UTF-8 or the Windows-1252 that Excel writes) or XLSX."
    ),
)
PopulationImportForm = upload_form(
    accept=JSON_OR_TABLE,
    label=_("Population file from SCB"),
    help_text=_(
        "The table Folkmängd efter region, ålder, kön och år from SCB's Statistikdatabasen, "
        "saved as JSON-stat or CSV."
    ),
)

UPLOADS = (
    UploadPage(
        name="demand-import",
        route=_("demand/import/"),
        perm=Perm.IMPORT_DEMAND,
        form_class=DemandImportForm,
        run=demand_import,
        template="insights/demand_import.html",
        context={
            "columns": COLUMNS,
            "columns_caption": _("Columns of a demand file"),
            "official_url": OFFICIAL_URL,
        },
    ),
    UploadPage(
        name="population-import",
        route=_("insights/population/import/"),
        perm=Perm.IMPORT_DEMAND,
        form_class=PopulationImportForm,
        run=population_import,
        template="insights/population_import.html",
        context={
            "columns": POPULATION_COLUMNS,
            "columns_caption": _("Columns of a population file"),
        },
    ),
)

urlpatterns: list[URLPattern] = [page.url() for page in UPLOADS]
