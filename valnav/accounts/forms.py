from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from valnav.accounts.backends import demo_login_allowed
from valnav.accounts.models import User, normalise_email


class LoginForm(AuthenticationForm):
    """E-mail and password; says plainly when a demo account is used where demo is off."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean(self) -> dict[str, Any]:
        email = normalise_email(self.data.get("username"))
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


class SecondFactorCodeForm(forms.Form):
    """The six-digit code from an authenticator app. Spaces are allowed, as apps show the code
    in two groups of three; whether it is right is for the device to say (services)."""

    code = forms.CharField(
        label=_("Six-digit code"),
        help_text=_("The code your authenticator app shows for Valnav right now."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def __init__(self, *args: Any, autofocus: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not autofocus:
            self.fields["code"].widget.attrs.pop("autofocus", None)

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(
                _("Enter the six digits of the code, without letters."), code="format"
            )
        return code


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes shown when the second factor was set up. Case, spaces and
    hyphens do not matter, as people copy codes down in their own way."""

    code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("One of the codes you wrote down when you set up two-step verification."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false", "size": 12}
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not re.fullmatch(r"[a-z2-7]{8}", code):
            raise forms.ValidationError(
                _("A recovery code has eight letters and digits, as it was shown to you."),
                code="format",
            )
        return code
