"""Two-step verification in the browser. An administrator's first login: the set-up page asks
for a link by e-mail, the link opens the page with its QR code, a wrong code, the right one, the
recovery codes, and a later login asking for the code. A guidance counsellor, who reads personal
data, is stopped before the case list and the register extract until the same set-up is done,
and logs in with a recovery code later. And the page that asks a visitor sending too many logins
to wait. axe on each page."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.helpers import field_label, sv, url
from valnav.accounts.personas import DEMO_PASSWORD, PERSONAS_BY_KEY


@pytest.fixture
def second_factor_on(settings, server):
    settings.VALNAV_REQUIRE_SECOND_FACTOR = True
    settings.VALNAV_PUBLIC_URL = server  # the set-up link in the e-mail leads to this server


def set_up_link(email: str) -> str:
    """The link of the last set-up e-mail to `email`."""
    message = mail.outbox[-1]
    assert message.to == [email]
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return found.group(0)


def ask_for_the_link_and_open_it(page, check_a11y, email: str) -> None:
    """On the set-up page without a link: send it, and open it from the e-mail."""
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Set up two-step verification"))
    expect(
        page.get_by_role("img", name=sv("QR code for Valnav in your authenticator app"))
    ).to_have_count(0)
    check_a11y(page)
    page.get_by_role("button", name=sv("Send me the link")).click()
    expect(page.get_by_role("status")).to_contain_text(email)
    page.goto(set_up_link(email))
    expect(
        page.get_by_role("img", name=sv("QR code for Valnav in your authenticator app"))
    ).to_be_visible()


def recovery_codes_shown(page, check_a11y) -> list[str]:
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Your recovery codes"))
    check_a11y(page)
    codes = page.get_by_role("list", name=sv("Recovery codes")).get_by_role("listitem")
    expect(codes).to_have_count(10)
    return [text.strip() for text in codes.all_inner_texts()]


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
    # The password is right, but the dashboard waits behind the set-up page, and that needs
    # the link sent to the account's e-mail address.
    expect(page).to_have_url(re.compile(re.escape(url(server, "accounts:second-factor-setup"))))
    ask_for_the_link_and_open_it(page, check_a11y, admin.email)
    check_a11y(page)

    code = page.get_by_label(field_label("Six-digit code"))
    code.fill("12345")
    page.get_by_role("button", name=sv("Turn on two-step verification")).click()
    expect(page.get_by_role("main")).to_contain_text(sv("There is a problem"))
    check_a11y(page)

    device = TOTPDevice.objects.get(user__email=admin.email)
    page.get_by_label(field_label("Six-digit code")).fill(current_code(device))
    page.get_by_role("button", name=sv("Turn on two-step verification")).click()
    recovery_codes_shown(page, check_a11y)
    page.get_by_role("link", name=sv("I have saved the codes, continue")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("My pages"))

    page.context.clear_cookies()
    log_in(page, server, admin.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Enter your code"))
    check_a11y(page)
    page.get_by_label(field_label("Six-digit code")).fill(current_code(device))
    page.get_by_role("button", name=sv("Continue")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))


def test_a_counsellor_reaches_cases_only_after_setting_up_the_second_factor(
    page, server, check_a11y, second_factor_on, browser_data
):
    counsellor = PERSONAS_BY_KEY["counsellor_orebro"]
    log_in(page, server, counsellor.email)
    setup = re.compile(re.escape(url(server, "accounts:second-factor-setup")))
    expect(page).to_have_url(setup)
    # Neither the case list nor a register extract opens with the password alone.
    page.goto(url(server, "casework:case-list"))
    expect(page).to_have_url(setup)
    page.goto(url(server, "casework:register-extract-pdf", pseudonym="P-ANYONE01"))
    expect(page).to_have_url(setup)

    ask_for_the_link_and_open_it(page, check_a11y, counsellor.email)
    check_a11y(page)
    device = TOTPDevice.objects.get(user__email=counsellor.email)
    page.get_by_label(field_label("Six-digit code")).fill(current_code(device))
    page.get_by_role("button", name=sv("Turn on two-step verification")).click()
    codes = recovery_codes_shown(page, check_a11y)
    page.goto(url(server, "casework:case-list"))
    expect(page).to_have_url(url(server, "casework:case-list"))
    check_a11y(page)

    # The link works once: opened again, it says so.
    link = set_up_link(counsellor.email)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("The link does not work"))
    check_a11y(page)

    # Without the phone, a recovery code opens the next login, once.
    page.context.clear_cookies()
    log_in(page, server, counsellor.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Enter your code"))
    page.get_by_role("link", name=sv("Use a recovery code instead")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Use a recovery code"))
    check_a11y(page)
    page.get_by_label(field_label("Recovery code")).fill(codes[0])
    page.get_by_role("button", name=sv("Continue")).click()
    expect(page).to_have_url(url(server, "accounts:dashboard"))
    check_a11y(page)


@pytest.mark.answers_with(429)
def test_too_many_logins_from_one_address_get_a_page_that_says_how_long_to_wait(
    page, server, check_a11y, settings, browser_data, monkeypatch
):
    # The limit counts per clock minute: held half a minute into one, so that the two logins
    # of a slow run cannot fall into two windows (the live server runs in this process).
    now = int(time.time()) // 60 * 60 + 30
    monkeypatch.setattr("valnav.core.ratelimit.time", SimpleNamespace(time=lambda: now))
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "login": 1}
    log_in(page, server, "nobody@example.se")  # refused as a wrong password, and counted
    log_in(page, server, "nobody@example.se")
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Too many attempts"))
    check_a11y(page)
