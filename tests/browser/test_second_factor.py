"""An administrator's first login with two-step verification on: the set-up page with its QR
code, a wrong code, the right one, and a later login asking for the code; and the page that
asks a visitor sending too many logins to wait. axe on each page."""

from __future__ import annotations

import re
import time

import pytest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.helpers import field_label, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY


@pytest.fixture
def second_factor_on(settings):
    settings.VALNAV_REQUIRE_SECOND_FACTOR = True


def current_code(device: TOTPDevice) -> str:
    """What the administrator's app shows now (the next step's if this one is spent)."""
    device.refresh_from_db()
    step = (int(time.time()) - device.t0) // device.step + device.drift
    if step <= device.last_t:
        step = device.last_t + 1
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def log_in(page, server, email: str) -> None:
    page.goto(url(server, "accounts:login"))
    page.get_by_label(field_label("E-mail address")).fill(email)
    page.get_by_label(field_label("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name=sv("Log in")).click()


def test_an_administrator_sets_up_the_second_factor_before_anything_opens(
    page, server, check_a11y, second_factor_on, browser_data
):
    admin = PERSONAS_BY_KEY["admin"]
    log_in(page, server, admin.email)
    # The password is right, but the dashboard waits behind the set-up page.
    expect(page).to_have_url(re.compile(re.escape(url(server, "accounts:second-factor-setup"))))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Set up two-step verification"))
    expect(
        page.get_by_role("img", name=sv("QR code for Valnav in your authenticator app"))
    ).to_be_visible()
    check_a11y(page)

    code = page.get_by_label(field_label("Six-digit code"))
    code.fill("12345")
    page.get_by_role("button", name=sv("Turn on two-step verification")).click()
    expect(page.get_by_role("main")).to_contain_text(sv("There is a problem"))
    check_a11y(page)

    device = TOTPDevice.objects.get(user__email=admin.email)
    page.get_by_label(field_label("Six-digit code")).fill(current_code(device))
    page.get_by_role("button", name=sv("Turn on two-step verification")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("My pages"))

    page.context.clear_cookies()
    log_in(page, server, admin.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Enter your code"))
    check_a11y(page)
    page.get_by_label(field_label("Six-digit code")).fill(current_code(device))
    page.get_by_role("button", name=sv("Continue")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))


@pytest.mark.answers_with(429)
def test_too_many_logins_from_one_address_get_a_page_that_says_how_long_to_wait(
    page, server, check_a11y, settings, browser_data
):
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "login": 1}
    log_in(page, server, "nobody@example.se")  # refused as a wrong password, and counted
    log_in(page, server, "nobody@example.se")
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Too many attempts"))
    check_a11y(page)
