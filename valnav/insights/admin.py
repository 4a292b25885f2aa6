from __future__ import annotations

from django.contrib import admin

from valnav.core.admin import ValnavModelAdmin
from valnav.core.permissions import Perm
from valnav.insights.models import DemandObservation, ShortageRule


@admin.register(DemandObservation)
class DemandObservationAdmin(ValnavModelAdmin[DemandObservation]):
    """Observations come from `import_demand`; edits here are corrections."""

    perm = Perm.IMPORT_DEMAND
    list_display = [
        "round",
        "county",
        "occupation",
        "yb_occupation",
        "recruitment_situation",
        "source",
        "is_demo",
    ]
    list_filter = ["round", "county", "recruitment_situation", "source", "is_demo"]
    search_fields = ["occupation__code", "occupation__name_sv", "yb_occupation"]
    raw_id_fields = ["occupation"]
    list_select_related = ["county", "occupation"]


@admin.register(ShortageRule)
class ShortageRuleAdmin(ValnavModelAdmin[ShortageRule]):
    """The rule is also edited on the page insights:demand-rule."""

    perm = Perm.IMPORT_DEMAND
    list_display = ["__str__", "national_fallback", "is_active", "updated_at"]
