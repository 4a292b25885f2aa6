"""App configurations that give Valnav's admin its site and the third-party apps it shows
(login lockouts, second-factor devices, background tasks) Swedish names beside English ones,
instead of their labels "AXES", "OTP_TOTP" and "Tasks Database Backend"."""

from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OtpStaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpDefaultConfig
from django_tasks_db.apps import TasksAppConfig


class ValnavAdminConfig(AdminConfig):
    """Django's admin with Valnav's site (role-based access) as `admin.site`."""

    default_site = "valnav.core.admin.ValnavAdminSite"


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # django-axes has no type hints
    verbose_name = _("Login protection")


class OtpTotpConfig(OtpTotpDefaultConfig):  # type: ignore[misc]  # django-otp: no type hints
    verbose_name = _("Two-step verification")

    def ready(self) -> None:
        super().ready()
        # django-otp names the device in English only. A lazy translation of the same words
        # reads as the migrations' "TOTP device" to makemigrations, which runs in English.
        meta: Any = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("TOTP device")
        meta.verbose_name_plural = _("TOTP devices")


class OtpStaticConfig(OtpStaticDefaultConfig):  # type: ignore[misc]  # django-otp: no hints
    verbose_name = _("Recovery codes")


class TasksConfig(TasksAppConfig):
    # django-tasks-db declares a plain str; Django reads a lazy translation here as its own
    # apps do.
    verbose_name = _("Background tasks")  # type: ignore[assignment]
