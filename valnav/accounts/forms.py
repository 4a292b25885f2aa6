from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from valnav.accounts.backends import demo_login_allowed
from valnav.accounts.models import User


class LoginForm(AuthenticationForm):
    """E-mail and password; says plainly when a demo account is used where demo is off."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean(self) -> dict[str, Any]:
        email = (self.data.get("username") or "").strip().lower()
        if (
            email
            and not demo_login_allowed()
            and User.objects.filter(email=email, is_demo=True).exists()
        ):
            raise forms.ValidationError(
                _("Demo accounts can only be used on a development installation."),
                code="demo_disabled",
            )
        return super().clean()
