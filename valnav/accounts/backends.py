"""Login by e-mail address; demo personas only where demo logins are enabled."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from valnav.accounts.models import User, normalise_email
from valnav.core.permissions import Perm, user_has_perm


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failed logins under (AXES_USERNAME_CALLABLE): the normalised
    address, so that `Name@…` and `name@…` are one person with one count, not one each."""
    if credentials is not None:
        return normalise_email(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    data = getattr(request, "POST", None) or {}
    return normalise_email(data.get(settings.AXES_USERNAME_FORM_FIELD))


def demo_login_allowed() -> bool:
    """Demo accounts have published passwords: usable on development machines only."""
    return bool(settings.VALNAV_DEMO_LOGINS)


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is not None:
            username = normalise_email(username)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        # Administrators hold every Django model permission, so the admin pages of the
        # libraries we use (django-axes lockouts, task results) are theirs too.
        if user_obj.is_active and user_has_perm(user_obj, Perm.USE_ADMIN):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if user_obj.is_active and user_has_perm(user_obj, Perm.USE_ADMIN):
            return True
        return super().has_module_perms(user_obj, app_label)

    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_demo", False) or demo_login_allowed()
