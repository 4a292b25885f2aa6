from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from valnav.accounts.models import User
from valnav.api.models import ApiToken
from valnav.api.services import api_token_revoke
from valnav.core.admin import ValnavModelAdmin
from valnav.core.permissions import Perm


@admin.register(ApiToken)
class ApiTokenAdmin(ValnavModelAdmin[ApiToken]):
    """Shows every key and revokes a leaked one. Keys are made by their users (only they see
    the secret) and end by revocation, which keeps the record; so there is neither an add nor
    a delete page, and nothing to edit."""

    perm = Perm.MANAGE_ACCOUNTS
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_urls(self) -> list[URLPattern]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        unused = {f"{info}_add", f"{info}_delete"}
        return [url for url in super().get_urls() if getattr(url, "name", None) not in unused]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user
        if not isinstance(actor, User):  # the admin site lets only signed-in users in
            return
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, actor=actor)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
