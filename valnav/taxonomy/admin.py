from __future__ import annotations

from django.contrib import admin

from valnav.core.admin import ReadOnlyReferenceAdmin
from valnav.taxonomy.models import Industry, Occupation, OccupationName, S3Area


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyReferenceAdmin[Occupation]):
    list_display = ["code", "level", "name_sv", "name_en"]
    list_filter = ["level"]
    search_fields = ["code", "name_sv", "name_en"]


@admin.register(OccupationName)
class OccupationNameAdmin(ReadOnlyReferenceAdmin[OccupationName]):
    list_display = ["label", "occupation_field", "concept_id"]
    list_filter = ["occupation_field"]
    search_fields = ["label", "concept_id"]


@admin.register(Industry)
class IndustryAdmin(ReadOnlyReferenceAdmin[Industry]):
    list_display = ["code", "level", "name_sv"]
    list_filter = ["level"]
    search_fields = ["code", "name_sv"]


@admin.register(S3Area)
class S3AreaAdmin(ReadOnlyReferenceAdmin[S3Area]):
    list_display = ["name", "county", "strategy", "verified"]
    list_filter = ["county", "verified"]
    search_fields = ["name"]
