from __future__ import annotations

from django.contrib import admin

from valnav.core.admin import ReadOnlyReferenceAdmin
from valnav.places.models import County, Municipality


@admin.register(County)
class CountyAdmin(ReadOnlyReferenceAdmin[County]):
    list_display = ["code", "name", "region_name", "letter", "nuts3_code"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyReferenceAdmin[Municipality]):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]
