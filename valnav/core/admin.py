"""The admin site: for administrators only, with access decided by Valnav's own permissions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from valnav.core.models import AccessLogEntry, ReferenceDataset
from valnav.core.permissions import Perm, user_has_perm


class ValnavAdminSite(admin.AdminSite):
    site_header = _("Valnav administration")
    site_title = _("Valnav administration")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return user_has_perm(request.user, Perm.USE_ADMIN)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One login page for the whole platform (with its lockout and demo rules).
        return redirect_to_login(request.GET.get("next", request.get_full_path()))


class ValnavModelAdmin[M: Model](admin.ModelAdmin[M]):
    """Admin whose every action needs `perm`; Django's per-model permissions are not used."""

    perm: Perm = Perm.USE_ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_has_perm(request.user, self.perm)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_perm(request.user, self.perm)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return user_has_perm(request.user, self.perm)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_perm(request.user, self.perm)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_perm(request.user, self.perm)


class ReadOnlyReferenceAdmin[M: Model](ValnavModelAdmin[M]):
    """Reference rows change only through `import_reference`, so the admin shows them."""

    perm = Perm.MANAGE_REFERENCE_DATA

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(ReadOnlyReferenceAdmin[ReferenceDataset]):
    list_display = ["key", "title", "version", "row_count", "licence", "imported_at"]
    search_fields = ["key", "title"]


@admin.register(AccessLogEntry)
class AccessLogAdmin(ValnavModelAdmin[AccessLogEntry]):
    """Administrators search the access log; nobody changes or deletes it."""

    perm = Perm.USE_ADMIN
    list_display = ["at", "actor", "action", "record_type", "record_ref", "purpose"]
    list_filter = ["action", "record_type"]
    search_fields = ["record_ref", "actor__email", "purpose"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
