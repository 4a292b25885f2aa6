"""Two-step verification (TOTP) for administrators and assessors: without the second factor a
correct password opens nothing but the pages that set it up or ask for it.

Codes are made the way an authenticator app makes them, from the device's own secret and the
clock; django-otp accepts each time step once, so every code here is for a step the device has
not used yet.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.models import User
from valnav.accounts.personas import DEMO_PASSWORD
from valnav.accounts.services import user_create
from valnav.core.checks import second_factor_required
from valnav.core.permissions import needs_second_factor


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.VALNAV_REQUIRE_SECOND_FACTOR = True


def log_in(user: User, *, next_url: str = "") -> tuple[Client, str]:
    """Log in through the login form with the right password; the client and where it went."""
    client = Client()
    data = {"username": user.email, "password": DEMO_PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 302, "the password itself is accepted"
    return client, response["Location"]


def _window(device: TOTPDevice) -> tuple[int, list[int]]:
    """The time step now (as the device counts it) and the steps it accepts a code for."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    steps = range(now - device.tolerance, now + device.tolerance + 1)
    return now, [step for step in steps if step > device.last_t]


def _code(device: TOTPDevice, step: int) -> str:
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def right_code(device: TOTPDevice) -> str:
    """The code the user's app shows: now's, or the next step's if now's is spent already (both
    stay accepted if the clock ticks over before the request)."""
    now, open_steps = _window(device)
    step = now if now in open_steps else now + 1
    assert step in open_steps
    return _code(device, step)


def wrong_code(device: TOTPDevice) -> str:
    _now, open_steps = _window(device)
    accepted = {_code(device, step) for step in open_steps}
    return next(code for code in ("000000", "111111", "222222") if code not in accepted)


def pending_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def set_up(client: Client, user: User) -> TOTPDevice:
    """Set up the second factor as the user would: open the page, type the app's code."""
    assert client.get(reverse("accounts:second-factor-setup")).status_code == 200
    device = pending_device(user)
    response = client.post(reverse("accounts:second-factor-setup"), {"code": right_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def post_in_english(client: Client, url_name: str, data: dict[str, str]):
    """POST to the English page; Swedish is active again afterwards (for `reverse`)."""
    with translation.override("en"):
        return client.post(reverse(url_name), data)


def log_out(client: Client) -> None:
    assert client.post(reverse("accounts:logout")).status_code == 302


# Who is asked


@pytest.mark.django_db
def test_an_administrator_with_the_right_password_reaches_no_page_before_setting_up(personas):
    client, landing = log_in(personas["admin"])
    setup = reverse("accounts:second-factor-setup")
    for url in [landing, reverse("accounts:organisation-list"), reverse("admin:index")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{setup}?next="), url
    page = client.get(setup).content.decode()
    assert "<svg" in page
    assert "<script" not in page.split("</main>")[0].split('<main id="main"')[1]
    assert TOTPDevice.objects.filter(user=personas["admin"], confirmed=False).count() == 1


@pytest.mark.django_db
def test_an_assessor_with_the_right_password_reaches_no_page_before_setting_up(personas):
    client, landing = log_in(personas["assessor_vasteras_komvux"])
    setup = reverse("accounts:second-factor-setup")
    for url in [landing, reverse("casework:case-list"), reverse("atlas:my-offers")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(setup), url


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["counsellor_orebro", "employer_linkoping"])
def test_a_counsellor_or_employer_is_not_asked_for_a_second_factor(personas, persona):
    client, landing = log_in(personas[persona])
    assert client.get(landing).status_code == 200
    assert client.get(reverse("accounts:second-factor-setup"))["Location"] == landing
    assert not TOTPDevice.objects.filter(user=personas[persona]).exists()


@pytest.mark.django_db
def test_nothing_is_asked_when_the_setting_is_off(personas, settings):
    settings.VALNAV_REQUIRE_SECOND_FACTOR = False
    client, landing = log_in(personas["admin"])
    assert client.get(landing).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_superusers_and_staff_need_a_second_factor_whatever_their_roles(reference_data):
    superuser = User.objects.create_superuser(email="root@example.se", full_name="Root")
    staff = user_create(email="staff@example.se", full_name="Staff", password=None)
    staff.is_staff = True
    plain = user_create(email="plain@example.se", full_name="Plain", password=None)
    assert needs_second_factor(superuser)
    assert needs_second_factor(staff)
    assert not needs_second_factor(plain)
    assert not needs_second_factor(AnonymousUser())


# Setting up


@pytest.mark.django_db
def test_a_wrong_code_at_set_up_is_refused_at_the_code_field_and_confirms_nothing(personas):
    client, _landing = log_in(personas["admin"])
    url = reverse("accounts:second-factor-setup")
    client.get(url)
    device = pending_device(personas["admin"])
    response = post_in_english(client, "accounts:second-factor-setup", {"code": wrong_code(device)})
    assert response.status_code == 200
    message = "The code is wrong or has expired. Enter the code your app shows now."
    assert response.context["form"].errors == {"code": [message]}
    page = response.content.decode()
    assert f'<a href="#id_code">Six-digit code: {message}</a>' in page
    assert 'aria-invalid="true"' in page
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(url)


@pytest.mark.django_db
def test_a_code_that_is_not_six_digits_is_refused_before_it_is_checked(personas):
    client, _landing = log_in(personas["admin"])
    url = reverse("accounts:second-factor-setup")
    client.get(url)
    response = post_in_english(client, "accounts:second-factor-setup", {"code": "12ab56"})
    with translation.override("en"):  # the errors are lazy: read them in the page's language
        assert response.context["form"].errors == {
            "code": ["Enter the six digits of the code, without letters."]
        }
    assert pending_device(personas["admin"]).throttling_failure_count == 0


@pytest.mark.django_db
def test_right_after_a_wrong_code_even_the_right_one_must_wait(personas):
    """django-otp's throttling: each wrong code doubles the wait before the next try."""
    client, _landing = log_in(personas["admin"])
    url = reverse("accounts:second-factor-setup")
    client.get(url)
    device = pending_device(personas["admin"])
    client.post(url, {"code": wrong_code(device)})
    response = post_in_english(client, "accounts:second-factor-setup", {"code": right_code(device)})
    assert response.context["form"].errors == {
        "code": ["Too many wrong codes in a row. Wait a moment and try again."]
    }
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_the_right_code_at_set_up_verifies_the_session_and_opens_the_pages(personas):
    admin = personas["admin"]
    client, landing = log_in(admin)
    setup = client.get(landing)["Location"]
    client.get(setup)
    device = pending_device(admin)
    response = client.post(setup, {"code": right_code(device), "next": landing})
    assert response.status_code == 302
    assert response["Location"] == landing
    device.refresh_from_db()
    assert device.confirmed
    assert list(TOTPDevice.objects.filter(user=admin)) == [device]
    for url in [landing, reverse("accounts:organisation-list"), reverse("admin:index")]:
        assert client.get(url).status_code == 200, url
    # Once verified, the set-up page has nothing more to do.
    assert client.get(reverse("accounts:second-factor-setup"))["Location"] == landing


@pytest.mark.django_db
def test_the_set_up_page_shows_the_same_key_until_it_is_confirmed(personas):
    client, _landing = log_in(personas["admin"])
    url = reverse("accounts:second-factor-setup")
    first = client.get(url)
    second = client.get(url)
    assert first.context["secret_groups"] == second.context["secret_groups"]
    assert TOTPDevice.objects.filter(user=personas["admin"]).count() == 1


# Later logins


@pytest.mark.django_db
def test_a_later_login_asks_for_the_code_and_a_wrong_code_keeps_them_out(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    device = set_up(client, admin)
    log_out(client)

    client, landing = log_in(admin)
    verify = reverse("accounts:second-factor-verify")
    assert client.get(landing)["Location"].startswith(f"{verify}?next=")
    # A password alone cannot replace the device with a new one.
    assert client.get(reverse("accounts:second-factor-setup"))["Location"] == verify
    code = wrong_code(device)
    response = post_in_english(client, "accounts:second-factor-verify", {"code": code})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert client.get(landing)["Location"].startswith(verify)
    assert client.get(reverse("admin:index"))["Location"].startswith(verify)
    assert TOTPDevice.objects.filter(user=admin).count() == 1


@pytest.mark.django_db
def test_a_later_login_with_the_right_code_returns_to_the_page_asked_for(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    device = set_up(client, admin)
    log_out(client)

    admin_index = reverse("admin:index")
    client, landing = log_in(admin, next_url=admin_index)
    assert landing == admin_index
    verify = client.get(admin_index)["Location"]
    assert client.get(verify).status_code == 200
    response = client.post(verify, {"code": right_code(device), "next": admin_index})
    assert response["Location"] == admin_index
    assert client.get(admin_index).status_code == 200


@pytest.mark.django_db
def test_a_code_already_used_is_not_accepted_again(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    device = set_up(client, admin)
    device.refresh_from_db()
    spent = _code(device, device.last_t)
    log_out(client)
    client, _landing = log_in(admin)
    response = client.post(reverse("accounts:second-factor-verify"), {"code": spent})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_device_by_deleting_it_in_the_admin(personas):
    assessor = personas["assessor_vasteras_komvux"]
    client, _landing = log_in(assessor)
    device = set_up(client, assessor)

    admin = personas["admin"]
    admin_client, _landing = log_in(admin)
    set_up(admin_client, admin)
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = admin_client.get(change).content.decode()
    assert assessor.full_name in page
    assert device.key not in page  # the secret stays with its owner
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()

    # The assessor's session lost its verification with the device: set up anew.
    setup = reverse("accounts:second-factor-setup")
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(setup)


# The rest of the site


@pytest.mark.django_db
def test_the_api_answers_403_to_a_session_without_the_second_factor(personas):
    assessor = personas["assessor_vasteras_komvux"]
    client, _landing = log_in(assessor)
    cases = reverse("api-v1:case-list")
    response = client.get(cases)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert client.get(reverse("api-v1:counties")).status_code == 403
    set_up(client, assessor)
    assert client.get(cases).status_code == 200


@pytest.mark.django_db
def test_logging_out_works_from_the_set_up_page(personas):
    client, _landing = log_in(personas["admin"])
    page = client.get(reverse("accounts:second-factor-setup")).content.decode()
    assert f'action="{reverse("accounts:logout")}"' in page
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_pages_of_the_second_factor_open_in_both_languages(personas):
    client, _landing = log_in(personas["admin"])
    with translation.override("en"):
        response = client.get(reverse("accounts:second-factor-setup"))
    assert response.status_code == 200
    assert "Set up two-step verification" in response.content.decode()
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.django_db
def test_an_htmx_request_without_the_second_factor_sends_the_window_to_set_up(personas):
    client, landing = log_in(personas["admin"])
    response = client.get(landing, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:second-factor-setup")


# Deploy check


def test_the_deploy_check_refuses_production_without_the_second_factor(settings):
    settings.DEBUG = False
    settings.VALNAV_REQUIRE_SECOND_FACTOR = False
    assert [error.id for error in second_factor_required(None)] == ["valnav.E006"]
    settings.VALNAV_REQUIRE_SECOND_FACTOR = True
    assert second_factor_required(None) == []
    settings.DEBUG = True
    settings.VALNAV_REQUIRE_SECOND_FACTOR = False
    assert second_factor_required(None) == []
