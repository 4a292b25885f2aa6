"""Login, two-step verification, password pages and the signed-in user's own pages."""

from __future__ import annotations

import textwrap
from base64 import b32encode
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.forms import LoginForm, RecoveryCodeForm, SecondFactorCodeForm
from valnav.accounts.middleware import session_is_verified
from valnav.accounts.models import User
from valnav.accounts.selectors import (
    enrolment_by_token_hash,
    enrolment_for,
    membership_list_for_user,
    organisation_list,
    recovery_codes_left,
    totp_device_confirmed,
)
from valnav.accounts.services import (
    CodeCheck,
    enrolment_link_send,
    enrolment_token_hash,
    recovery_code_check,
    recovery_codes_replace,
    totp_device_check,
    totp_device_enrol,
    totp_device_start,
)
from valnav.core.decorators import require_perm
from valnav.core.http import member, safe_next
from valnav.core.permissions import Perm, needs_second_factor, user_perms
from valnav.core.ratelimit import rate_limited


@method_decorator(rate_limited("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        # Login through e-identification, where the region has configured it.
        context["oidc_login_url"] = (
            reverse("oidc_authentication_init") if settings.VALNAV_OIDC_ISSUER else ""
        )
        return context


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(rate_limited("password-reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # login_required guarantees a real user
        raise PermissionDenied
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": membership_list_for_user(user=user),
            "granted": sorted(perm.value for perm in user_perms(user)),
            # Only with a device set up: recovery codes stand in for it.
            "recovery_codes_left": (
                recovery_codes_left(user=user) if totp_device_confirmed(user=user) else None
            ),
        },
    )


@require_GET
@require_perm(Perm.VIEW_ORGANISATIONS)
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/organisation_list.html", {"organisations": organisation_list()}
    )


# Two-step verification (valnav.accounts.middleware sends those who need it here).

# The session remembers which enrolment link was opened (its id: the token itself is kept
# nowhere but in the e-mail).
ENROLMENT_SESSION_KEY = "valnav_second_factor_enrolment"


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is passed."""
    return safe_next(request, settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{QueryDict.fromkeys(['next'], target).urlencode()}" if target else url


CODE_ERRORS = {
    CodeCheck.WRONG: gettext_lazy(
        "The code is wrong or has expired. Enter the code your app shows now."
    ),
    CodeCheck.THROTTLED: gettext_lazy(
        "Too many wrong codes in a row. Wait a moment and try again."
    ),
}


def _code_refused(form: SecondFactorCodeForm | RecoveryCodeForm, result: CodeCheck) -> None:
    """A refused code becomes an error at the code field."""
    if isinstance(form, RecoveryCodeForm) and result is CodeCheck.WRONG:
        form.add_error("code", _("This recovery code is wrong or has been used."))
    elif result in CODE_ERRORS:
        form.add_error("code", str(CODE_ERRORS[result]))  # in the request's language


def _code_checked(form: SecondFactorCodeForm, device: TOTPDevice) -> bool:
    result = totp_device_check(device=device, code=form.cleaned_data["code"])
    _code_refused(form, result)
    return result is CodeCheck.ACCEPTED


def _session_verify(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    # The session now opens more than before: a new key, so one planted earlier is worthless.
    request.session.cycle_key()


def _qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (no image request, no script)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff"
    )
    # Named by the caption under it (second_factor_setup.html).
    svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-code-caption" ', 1)
    return mark_safe(svg)  # noqa: S308 - segno's own SVG of an address we made


@require_GET
def second_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail. It remembers in the session which link was opened and goes on
    to the set-up page at once, so the token leaves the address bar (and any Referer), as
    Django's password reset does. Nothing is spent by opening it: mail filters open links too."""
    enrolment = enrolment_by_token_hash(token_hash=enrolment_token_hash(token))
    if enrolment is None:
        # 200, not 404: Django logs the path of every 4xx answer, and this path holds the token.
        return render(request, "accounts/second_factor_link_invalid.html")
    request.session[ENROLMENT_SESSION_KEY] = enrolment.pk
    return redirect("accounts:second-factor-setup")


@require_http_methods(["GET", "POST"])
@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """A new TOTP device: scan the QR code (or type in the key), then confirm with a code. Only
    with an enrolment link opened in this session: without one, the page offers to send it."""
    user = member(request)
    if not needs_second_factor(user) or session_is_verified(request):
        return redirect(_next_url(request))
    if totp_device_confirmed(user=user) is not None:
        # Replacing a device takes an administrator (docs/deploy.md): a password alone must
        # not be enough to add one.
        return redirect(_with_next(reverse("accounts:second-factor-verify"), request))
    enrolment = enrolment_for(user=user, pk=request.session.get(ENROLMENT_SESSION_KEY))
    if enrolment is None:
        return render(
            request,
            "accounts/second_factor_link_needed.html",
            {
                "link_refused": ENROLMENT_SESSION_KEY in request.session,
                "hours": settings.VALNAV_ENROLMENT_LINK_HOURS,
                "next": request.GET.get("next", ""),
            },
        )
    device = totp_device_start(user=user)
    # No autofocus here: the steps above the field come first.
    form = SecondFactorCodeForm(request.POST or None, autofocus=False)
    if request.method == "POST" and form.is_valid():
        result, codes = totp_device_enrol(
            enrolment=enrolment, device=device, code=form.cleaned_data["code"]
        )
        if result is CodeCheck.LINK_SPENT:
            return redirect("accounts:second-factor-setup")
        if result is CodeCheck.ACCEPTED:
            del request.session[ENROLMENT_SESSION_KEY]
            _session_verify(request, device)
            messages.success(request, _("Two-step verification is set up."))
            return _recovery_codes_page(request, codes, _next_url(request))
        _code_refused(form, result)
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "qr_code": _qr_code_svg(device),
            "secret_groups": textwrap.wrap(b32encode(device.bin_key).decode(), 4),
        },
    )


@login_required
@require_POST
@rate_limited("second-factor-link")
def second_factor_link(request: HttpRequest) -> HttpResponse:
    """Send the signed-in user a link to set up their device, to their account's address."""
    user = member(request)
    if (
        needs_second_factor(user)
        and not session_is_verified(request)
        and totp_device_confirmed(user=user) is None
    ):
        enrolment_link_send(user=user)
        messages.success(
            request,
            _(
                "We have sent a link to %(email)s. Open it in this browser; it works once, "
                "within %(hours)s hours."
            )
            % {"email": user.email, "hours": settings.VALNAV_ENROLMENT_LINK_HOURS},
        )
    return redirect(_with_next(reverse("accounts:second-factor-setup"), request))


@require_http_methods(["GET", "POST"])
@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code from the app the user set up before, once per login."""
    user = member(request)
    if not needs_second_factor(user) or session_is_verified(request):
        return redirect(_next_url(request))
    device = totp_device_confirmed(user=user)
    if device is None:
        return redirect(_with_next(reverse("accounts:second-factor-setup"), request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _code_checked(form, device):
        _session_verify(request, device)
        return redirect(_next_url(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(
        request,
        "accounts/second_factor_verify.html",
        {
            "form": form,
            "next": next_url,
            "recovery_url": _with_next(reverse("accounts:second-factor-recovery"), request),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@rate_limited("recovery-code")
def second_factor_recovery(request: HttpRequest) -> HttpResponse:
    """A recovery code instead of the app's code, for a login without the phone. Each works
    once."""
    user = member(request)
    if not needs_second_factor(user) or session_is_verified(request):
        return redirect(_next_url(request))
    if totp_device_confirmed(user=user) is None:
        return redirect(_with_next(reverse("accounts:second-factor-setup"), request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, device = recovery_code_check(user=user, code=form.cleaned_data["code"])
        if result is CodeCheck.ACCEPTED and device is not None:
            _session_verify(request, device)
            messages.warning(
                request,
                _(
                    "You used a recovery code; %(count)s are left. If you have lost your phone, "
                    "ask an administrator to reset your two-step verification."
                )
                % {"count": recovery_codes_left(user=user)},
            )
            return redirect(_next_url(request))
        _code_refused(form, result)
    return render(
        request,
        "accounts/second_factor_recovery.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


def _recovery_codes_page(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    """The codes, in this answer and never again: they are not kept for another page."""
    response = render(
        request,
        "accounts/second_factor_recovery_codes.html",
        {"codes": codes, "next_url": next_url},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """New recovery codes for a user whose device is set up (and, where the second factor is
    required, whose session has passed it: the middleware sees to that); the old ones stop
    working. For those who have used up their codes, or set up their device before codes
    existed."""
    user = member(request)
    if totp_device_confirmed(user=user) is None:
        return redirect("accounts:dashboard")
    codes = recovery_codes_replace(user=user)
    messages.success(request, _("New recovery codes are made; the earlier ones no longer work."))
    return _recovery_codes_page(request, codes, reverse("accounts:dashboard"))
