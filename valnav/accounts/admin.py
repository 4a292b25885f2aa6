from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.models import ExternalIdentity, Membership, Organisation, User
from valnav.accounts.services import enrolment_link_send
from valnav.core.admin import ValnavModelAdmin
from valnav.core.http import member
from valnav.core.permissions import Perm, needs_second_factor

# Access follows Valnav's roles (Membership), not Django groups.
admin.site.unregister(Group)
# django-otp's own device admin follows Django's model permissions and can show a device's
# secret and QR code; Valnav's (below) follows the roles and never shows them.
admin.site.unregister(TOTPDevice)
# Recovery codes are shown once to their owner, never to an administrator.
admin.site.unregister(StaticDevice)


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class ExternalIdentityInline(admin.TabularInline[ExternalIdentity, User]):
    """Logins through e-identification (OIDC, SAML) bound to the account: an administrator links
    one by hand when the provider sends no e-mail address, or removes it."""

    model = ExternalIdentity
    extra = 0
    fields = ["issuer", "subject", "last_login_at"]
    readonly_fields = ["last_login_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ValnavModelAdmin[User]):  # type: ignore[type-arg]  # stubs: generic clash
    perm = Perm.MANAGE_ACCOUNTS
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_demo", "last_login"]
    list_filter = ["is_active", "is_demo", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline, ExternalIdentityInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Status"), {"fields": ("is_active", "is_demo", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()
    actions = ["send_second_factor_link"]

    @admin.action(description=_("Send a link to set up two-step verification"))
    def send_second_factor_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """E-mail each chosen account that needs a second factor a set-up link, to its own
        address: the administrator never sees the link, so cannot set up a device for them.
        After resetting a lost device (TOTP devices, delete) this lets the user set up anew."""
        sender = member(request)
        sent = 0
        for user in queryset.filter(is_active=True):
            if needs_second_factor(user):
                enrolment_link_send(user=user, issued_by=sender)
                sent += 1
        skipped = queryset.count() - sent
        if sent:
            self.message_user(
                request,
                ngettext(
                    "Sent a set-up link to %(count)d account.",
                    "Sent a set-up link to %(count)d accounts.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account was skipped: inactive, or it needs no second factor.",
                    "%(count)d accounts were skipped: inactive, or they need no second factor.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Organisation)
class OrganisationAdmin(ValnavModelAdmin[Organisation]):
    perm = Perm.MANAGE_ACCOUNTS
    list_display = ["name", "kind", "org_number", "municipality", "is_demo"]
    list_filter = ["kind", "is_demo", "municipality__county"]
    search_fields = ["name", "org_number"]
    autocomplete_fields = ["municipality"]


# The key is not among them: it stays with the device's owner.
_DEVICE_FIELDS = (
    "user",
    "confirmed",
    "created_at",
    "last_used_at",
    "throttling_failure_count",
    "throttling_failure_timestamp",
)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(ValnavModelAdmin[TOTPDevice]):
    """Second-factor devices (docs/deploy.md, Two-step verification). An administrator resets a
    lost device by deleting it; the user then sets up a new one with a link sent to their e-mail
    address (by themselves, or by the administrator: Users, "Send a link to set up two-step
    verification"). Devices are never added or edited here: only their owner may see the secret,
    once, when setting up."""

    perm = Perm.MANAGE_ACCOUNTS
    list_display = ["user", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    fields = _DEVICE_FIELDS
    readonly_fields = _DEVICE_FIELDS

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
