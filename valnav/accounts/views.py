"""Login, password pages and the signed-in user's own pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from valnav.accounts.forms import LoginForm
from valnav.accounts.models import User
from valnav.accounts.selectors import membership_list_for_user, organisation_list
from valnav.core.decorators import require_perm
from valnav.core.permissions import Perm, user_perms


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


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
        },
    )


@require_GET
@require_perm(Perm.VIEW_ORGANISATIONS)
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/organisation_list.html", {"organisations": organisation_list()}
    )
