from django.urls import path
from django.utils.translation import gettext_lazy as _

from valnav.accounts import views

app_name = "accounts"

urlpatterns = [
    path(_("login/"), views.LoginView.as_view(), name="login"),
    path(_("logout/"), views.LogoutView.as_view(), name="logout"),
    path(
        _("two-step-verification/set-up/"),
        views.second_factor_setup,
        name="second-factor-setup",
    ),
    path(
        _("two-step-verification/code/"),
        views.second_factor_verify,
        name="second-factor-verify",
    ),
    path(
        _("two-step-verification/send-link/"),
        views.second_factor_link,
        name="second-factor-link",
    ),
    path(
        _("two-step-verification/link/<str:token>/"),
        views.second_factor_enrol,
        name="second-factor-enrol",
    ),
    path(
        _("two-step-verification/recovery-code/"),
        views.second_factor_recovery,
        name="second-factor-recovery",
    ),
    path(
        _("two-step-verification/new-recovery-codes/"),
        views.recovery_codes_new,
        name="recovery-codes-new",
    ),
    path(_("my-pages/"), views.dashboard, name="dashboard"),
    path(_("organisations/"), views.organisation_list_view, name="organisation-list"),
    path(_("password/change/"), views.PasswordChangeView.as_view(), name="password-change"),
    path(
        _("password/change/done/"),
        views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path(_("password/reset/"), views.PasswordResetView.as_view(), name="password-reset"),
    path(
        _("password/reset/sent/"),
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        _("password/reset/<uidb64>/<token>/"),
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        _("password/reset/complete/"),
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
