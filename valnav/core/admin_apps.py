from django.contrib.admin.apps import AdminConfig


class ValnavAdminConfig(AdminConfig):
    """Django's admin with Valnav's site (role-based access) as `admin.site`."""

    default_site = "valnav.core.admin.ValnavAdminSite"
