"""Login by e-mail address; demo personas only where demo logins are enabled."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


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
    ) -> AbstractBaseUser | None:
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user: AbstractBaseUser | None) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_demo", False) or demo_login_allowed()
