from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from valnav.accounts.models import Membership, Organisation, User
from valnav.core.admin import ValnavModelAdmin
from valnav.core.permissions import Perm

# Access follows Valnav's roles (Membership), not Django groups.
admin.site.unregister(Group)


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ValnavModelAdmin[User]):  # type: ignore[type-arg]  # stubs: generic clash
    perm = Perm.MANAGE_ACCOUNTS
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_demo", "last_login"]
    list_filter = ["is_active", "is_demo", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
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


@admin.register(Organisation)
class OrganisationAdmin(ValnavModelAdmin[Organisation]):
    perm = Perm.MANAGE_ACCOUNTS
    list_display = ["name", "kind", "org_number", "municipality", "is_demo"]
    list_filter = ["kind", "is_demo", "municipality__county"]
    search_fields = ["name", "org_number"]
    autocomplete_fields = ["municipality"]
