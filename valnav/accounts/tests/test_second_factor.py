"""Two-step verification (TOTP) for everyone who reads personal data: without the second factor
a correct password opens nothing but the pages that set it up or ask for it, and setting it up
takes a link sent to the account's e-mail address besides the password.

Codes are made the way an authenticator app makes them, from the device's own secret and the
clock; django-otp accepts each time step once, so every code here is for a step the device has
not used yet.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.models import Organisation, SecondFactorEnrolment, User
from valnav.accounts.personas import DEMO_PASSWORD
from valnav.accounts.services import (
    CodeCheck,
    enrolment_link_issue,
    enrolment_token_hash,
    membership_grant,
    totp_device_enrol,
    totp_device_start,
    user_create,
)
from valnav.atlas.models import ValidationModel
from valnav.casework.models import ValidationCase
from valnav.casework.services import case_open, individual_register
from valnav.core.checks import second_factor_required
from valnav.core.permissions import (
    ROLE_PERMISSIONS,
    SECOND_FACTOR_PERMS,
    Perm,
    Role,
    needs_second_factor,
)
from valnav.places.models import Municipality

LINK = re.compile(r"https?://\S+")


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


def link_in_last_email(user: User) -> str:
    """The set-up link of the last e-mail to `user`, as a path on this site."""
    message = mail.outbox[-1]
    assert message.to == [user.email]
    found = LINK.search(message.body)
    assert found, message.body
    return "/" + found.group(0).split("/", 3)[3]


def send_link(client: Client, user: User) -> str:
    """Ask for a set-up link as the user would, on the set-up page; the link's path."""
    response = client.post(reverse("accounts:second-factor-link"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second-factor-setup")
    return link_in_last_email(user)


def open_set_up(client: Client, user: User) -> TOTPDevice:
    """Send oneself the link and open it: the set-up page with its QR code; the new device."""
    link = send_link(client, user)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second-factor-setup")
    page = client.get(reverse("accounts:second-factor-setup"))
    assert page.status_code == 200
    assert "secret_groups" in page.context
    return pending_device(user)


def set_up(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up the second factor as the user would: the link from the e-mail, then the app's
    code; the device and the recovery codes shown."""
    device = open_set_up(client, user)
    response = client.post(reverse("accounts:second-factor-setup"), {"code": right_code(device)})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.confirmed
    return device, list(response.context["codes"])


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
    # Without a set-up link the page shows no key: it offers to send the link.
    response = client.get(setup)
    assert "secret_groups" not in response.context
    assert f'action="{reverse("accounts:second-factor-link")}"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas["admin"]).exists()


@pytest.mark.django_db
def test_an_assessor_with_the_right_password_reaches_no_page_before_setting_up(personas):
    client, landing = log_in(personas["assessor_vasteras_komvux"])
    setup = reverse("accounts:second-factor-setup")
    for url in [landing, reverse("casework:case-list"), reverse("atlas:my-offers")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(setup), url


@pytest.fixture
def counsellors_case(personas) -> ValidationCase:
    """A person registered, and a case opened, by the Örebro counsellor's own organisation."""
    counsellor = personas["counsellor_orebro"]
    orebro = Organisation.objects.get(name="Örebro kommun, Vuxenutbildning och vägledning (demo)")
    person = individual_register(
        actor=counsellor,
        organisation=orebro,
        data={
            "given_name": "Amina",
            "family_name": "Testsson",
            "municipality": Municipality.objects.get(code="1880"),
        },
        personnummer="19811218-9876",
    )
    model = ValidationModel.objects.create(
        key="test-vard", name="Vård och omsorg (test)", kind="komvux", payer="municipality"
    )
    return case_open(
        actor=counsellor, individual=person, organisation=orebro, target={"model": model}
    )


@pytest.mark.django_db
def test_a_counsellor_opens_no_case_and_no_register_extract_before_the_second_factor(
    personas, counsellors_case
):
    counsellor = personas["counsellor_orebro"]
    pseudonym = counsellors_case.individual.pseudonym
    personal = [
        reverse("casework:case-list"),
        reverse("casework:case-detail", kwargs={"reference": counsellors_case.reference}),
        reverse("casework:register-extract-json", kwargs={"pseudonym": pseudonym}),
        reverse("casework:register-extract-pdf", kwargs={"pseudonym": pseudonym}),
    ]
    client, _landing = log_in(counsellor)
    setup = reverse("accounts:second-factor-setup")
    for url in personal:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{setup}?next="), url
    assert client.get(reverse("api-v1:case-list")).status_code == 403

    _device, _codes = set_up(client, counsellor)
    for url in personal:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_an_employer_representative_is_not_asked_for_a_second_factor(personas):
    client, landing = log_in(personas["employer_linkoping"])
    assert client.get(landing).status_code == 200
    assert client.get(reverse("accounts:second-factor-setup"))["Location"] == landing
    assert not TOTPDevice.objects.filter(user=personas["employer_linkoping"]).exists()


def test_every_role_that_reads_personal_data_needs_the_second_factor_and_no_other():
    """Derived from the permissions, so a role given case access later is asked too."""
    assert {Perm.HANDLE_CASES, Perm.USE_ADMIN} <= SECOND_FACTOR_PERMS
    asked = {
        role
        for role, perms in ROLE_PERMISSIONS.items()
        if not perms.isdisjoint(SECOND_FACTOR_PERMS)
    }
    assert asked == {Role.ADMINISTRATOR, Role.ASSESSOR, Role.GUIDANCE_COUNSELLOR}


@pytest.mark.django_db
def test_a_role_held_in_any_organisation_that_handles_cases_brings_the_second_factor(personas):
    employer = personas["employer_linkoping"]
    assert not needs_second_factor(employer)
    orebro = Organisation.objects.get(name="Örebro kommun, Vuxenutbildning och vägledning (demo)")
    membership_grant(user=employer, organisation=orebro, role=Role.GUIDANCE_COUNSELLOR)
    assert needs_second_factor(User.objects.get(pk=employer.pk))


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


# The set-up link: a password alone cannot set up a device


@pytest.mark.django_db
def test_a_password_alone_cannot_set_up_a_device(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    url = reverse("accounts:second-factor-setup")
    page = client.get(url)
    assert "qr_code" not in page.context
    # A code sent without a link is not even looked at: there is no device to check it against.
    response = client.post(url, {"code": "123456"})
    assert response.status_code == 200
    assert "secret_groups" not in response.context
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(url)


@pytest.mark.django_db
def test_the_link_goes_to_the_accounts_own_address_and_only_its_hash_is_kept(personas, caplog):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    with caplog.at_level(logging.DEBUG):
        link = send_link(client, admin)
        client.get(link)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin.email]
    enrolment = SecondFactorEnrolment.objects.get(user=admin)
    assert enrolment.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert enrolment.used_at is None
    assert token not in caplog.text
    # The session remembers the link opened, not its token.
    assert not any(token in session.session_data for session in Session.objects.all())
    assert token not in str(client.session.items())


@pytest.mark.django_db
def test_a_used_link_does_not_open_the_set_up_again(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    device = open_set_up(client, admin)
    link = link_in_last_email(admin)
    client.post(reverse("accounts:second-factor-setup"), {"code": right_code(device)})
    assert SecondFactorEnrolment.objects.get(user=admin).used_at is not None

    other = Client()
    other.post(reverse("accounts:login"), {"username": admin.email, "password": DEMO_PASSWORD})
    response = other.get(link)
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/second_factor_link_invalid.html"
    assert "valnav_second_factor_enrolment" not in other.session


@pytest.mark.django_db
def test_an_expired_link_is_refused_and_the_page_offers_a_new_one(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    link = send_link(client, admin)
    client.get(link)  # opened in time ...
    SecondFactorEnrolment.objects.filter(user=admin).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    page = client.get(reverse("accounts:second-factor-setup"))  # ... but used too late
    assert page.context["link_refused"] is True
    assert "secret_groups" not in page.context
    assert client.get(link).templates[0].name == "accounts/second_factor_link_invalid.html"


@pytest.mark.django_db
def test_a_link_expiring_while_the_code_is_typed_confirms_nothing(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    device = open_set_up(client, admin)
    SecondFactorEnrolment.objects.filter(user=admin).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(reverse("accounts:second-factor-setup"), {"code": right_code(device)})
    assert response.status_code == 200
    assert response.context["link_refused"] is True
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=admin).exists()


@pytest.mark.django_db
def test_a_link_spent_by_another_request_meanwhile_confirms_nothing(personas):
    """Two set-up pages open on one link: the first code spends it, the second is refused."""
    admin = personas["admin"]
    token = enrolment_link_issue(user=admin)
    enrolment = SecondFactorEnrolment.objects.get(token_hash=enrolment_token_hash(token))
    first = totp_device_start(user=admin)
    second = TOTPDevice.objects.create(user=admin, name="TOTP", confirmed=False)
    first_code, second_code = right_code(first), right_code(second)
    result, codes = totp_device_enrol(enrolment=enrolment, device=first, code=first_code)
    assert result is CodeCheck.ACCEPTED
    assert len(codes) == 10
    result, codes = totp_device_enrol(enrolment=enrolment, device=second, code=second_code)
    assert (result, codes) == (CodeCheck.LINK_SPENT, [])
    assert list(TOTPDevice.objects.filter(user=admin, confirmed=True)) == [first]


@pytest.mark.django_db
def test_another_accounts_link_does_not_set_up_this_account(personas):
    """Opening the assessor's link while logged in as the administrator opens nothing."""
    assessor, admin = personas["assessor_vasteras_komvux"], personas["admin"]
    assessor_client, _landing = log_in(assessor)
    link = send_link(assessor_client, assessor)
    client, _landing = log_in(admin)
    client.get(link)
    page = client.get(reverse("accounts:second-factor-setup"))
    assert page.context["link_refused"] is True
    assert not TOTPDevice.objects.filter(user=admin).exists()


@pytest.mark.django_db
def test_a_new_link_replaces_the_earlier_one(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    first = send_link(client, admin)
    second = send_link(client, admin)
    assert client.get(first).templates[0].name == "accounts/second_factor_link_invalid.html"
    assert client.get(second)["Location"] == reverse("accounts:second-factor-setup")


@pytest.mark.django_db
def test_a_link_opened_before_logging_in_is_used_after_it(personas):
    assessor = personas["assessor_vasteras_komvux"]
    asking, _landing = log_in(assessor)
    link = send_link(asking, assessor)
    # A new browser: the link first, then the login form it leads to.
    browser = Client()
    setup = reverse("accounts:second-factor-setup")
    assert browser.get(link)["Location"] == setup
    assert browser.get(setup)["Location"].startswith(reverse("accounts:login"))
    browser.post(reverse("accounts:login"), {"username": assessor.email, "password": DEMO_PASSWORD})
    assert "secret_groups" in browser.get(setup).context


@pytest.mark.django_db
def test_asking_for_links_is_limited(personas, settings):
    settings.VALNAV_RATE_LIMITS = {**settings.VALNAV_RATE_LIMITS, "second-factor-link": 2}
    admin = personas["admin"]
    client, _landing = log_in(admin)
    url = reverse("accounts:second-factor-link")
    assert [client.post(url).status_code for _ in range(3)] == [302, 302, 429]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_an_administrator_sends_a_link_from_the_user_list_without_seeing_it(personas):
    assessor = personas["assessor_vasteras_komvux"]
    employer = personas["employer_linkoping"]
    admin_client, _landing = log_in(personas["admin"])
    set_up(admin_client, personas["admin"])
    mail.outbox.clear()
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_second_factor_link", "_selected_action": [assessor.pk, employer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [[assessor.email]]
    link = link_in_last_email(assessor)
    assert link not in response.content.decode()
    assert SecondFactorEnrolment.objects.get(user=assessor).issued_by == personas["admin"]
    assert "En administratör har skickat dig en länk" in mail.outbox[0].body

    client, _landing = log_in(assessor)
    assert client.get(link)["Location"] == reverse("accounts:second-factor-setup")
    assert not TOTPDevice.objects.filter(user=assessor).exists()  # made by the set-up page
    client.get(reverse("accounts:second-factor-setup"))
    response = client.post(
        reverse("accounts:second-factor-setup"), {"code": right_code(pending_device(assessor))}
    )
    assert len(response.context["codes"]) == 10


# Setting up


@pytest.mark.django_db
def test_a_wrong_code_at_set_up_is_refused_at_the_code_field_and_confirms_nothing(personas):
    client, _landing = log_in(personas["admin"])
    url = reverse("accounts:second-factor-setup")
    device = open_set_up(client, personas["admin"])
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
    assert SecondFactorEnrolment.objects.get().used_at is None
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(url)


@pytest.mark.django_db
def test_a_code_that_is_not_six_digits_is_refused_before_it_is_checked(personas):
    client, _landing = log_in(personas["admin"])
    open_set_up(client, personas["admin"])
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
    device = open_set_up(client, personas["admin"])
    client.post(url, {"code": wrong_code(device)})
    response = post_in_english(client, "accounts:second-factor-setup", {"code": right_code(device)})
    assert response.context["form"].errors == {
        "code": ["Too many wrong codes in a row. Wait a moment and try again."]
    }
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.django_db
def test_the_right_code_at_set_up_shows_the_recovery_codes_once_and_opens_the_pages(personas):
    admin = personas["admin"]
    client, landing = log_in(admin)
    setup = client.get(landing)["Location"]
    device = open_set_up(client, admin)
    response = client.post(setup, {"code": right_code(device), "next": landing})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    page = response.content.decode()
    assert all(f"<code>{code}</code>" in page for code in codes)
    assert f'href="{landing}"' in page
    device.refresh_from_db()
    assert device.confirmed
    assert list(TOTPDevice.objects.filter(user=admin)) == [device]
    for url in [landing, reverse("accounts:organisation-list"), reverse("admin:index")]:
        assert client.get(url).status_code == 200, url
        assert codes[0] not in client.get(url).content.decode()
    # Once verified, the set-up page has nothing more to do, and shows no codes again.
    assert client.get(reverse("accounts:second-factor-setup"))["Location"] == landing


@pytest.mark.django_db
def test_the_set_up_page_shows_the_same_key_until_it_is_confirmed(personas):
    client, _landing = log_in(personas["admin"])
    open_set_up(client, personas["admin"])
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
    device, _codes = set_up(client, admin)
    log_out(client)

    client, landing = log_in(admin)
    verify = reverse("accounts:second-factor-verify")
    assert client.get(landing)["Location"].startswith(f"{verify}?next=")
    # A password alone cannot replace the device with a new one, not even with a new link.
    assert client.get(reverse("accounts:second-factor-setup"))["Location"] == verify
    client.post(reverse("accounts:second-factor-link"))
    assert TOTPDevice.objects.filter(user=admin).count() == 1
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
    device, _codes = set_up(client, admin)
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
    device, _codes = set_up(client, admin)
    device.refresh_from_db()
    spent = _code(device, device.last_t)
    log_out(client)
    client, _landing = log_in(admin)
    response = client.post(reverse("accounts:second-factor-verify"), {"code": spent})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]


@pytest.mark.django_db
def test_a_recovery_code_opens_one_login_and_is_then_spent(personas):
    counsellor = personas["counsellor_orebro"]
    client, _landing = log_in(counsellor)
    _device, codes = set_up(client, counsellor)
    log_out(client)

    client, landing = log_in(counsellor)
    verify_page = client.get(reverse("accounts:second-factor-verify")).content.decode()
    recovery = reverse("accounts:second-factor-recovery")
    assert f'href="{recovery}"' in verify_page
    # Copied down in capitals with a hyphen: still the code.
    typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"
    response = client.post(recovery, {"code": typed, "next": landing})
    assert response["Location"] == landing
    assert client.get(reverse("casework:case-list")).status_code == 200
    assert StaticToken.objects.filter(device__user=counsellor).count() == 9
    log_out(client)

    client, _landing = log_in(counsellor)
    response = post_in_english(client, "accounts:second-factor-recovery", {"code": codes[0]})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["This recovery code is wrong or has been used."]
    }
    assert client.get(reverse("casework:case-list"))["Location"].startswith(
        reverse("accounts:second-factor-verify")
    )


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones_and_are_shown_once(personas):
    assessor = personas["assessor_vasteras_komvux"]
    client, _landing = log_in(assessor)
    _device, old_codes = set_up(client, assessor)
    page = client.get(reverse("accounts:dashboard"))
    assert page.context["recovery_codes_left"] == 10
    response = client.post(reverse("accounts:recovery-codes-new"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_codes = response.context["codes"]
    assert len(new_codes) == 10
    stored = set(StaticToken.objects.filter(device__user=assessor).values_list("token", flat=True))
    assert stored == set(new_codes)
    assert stored.isdisjoint(old_codes)
    log_out(client)

    client, _landing = log_in(assessor)
    recovery = reverse("accounts:second-factor-recovery")
    assert client.post(recovery, {"code": new_codes[0]}).status_code == 302
    log_out(client)
    client, _landing = log_in(assessor)
    response = client.post(recovery, {"code": old_codes[0]})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]


@pytest.mark.django_db
def test_without_a_device_there_are_no_recovery_codes_to_make(personas):
    employer = personas["employer_linkoping"]
    client, _landing = log_in(employer)
    assert client.get(reverse("accounts:dashboard")).context["recovery_codes_left"] is None
    response = client.post(reverse("accounts:recovery-codes-new"))
    assert response["Location"] == reverse("accounts:dashboard")
    assert not StaticToken.objects.filter(device__user=employer).exists()


@pytest.mark.django_db
def test_a_recovery_code_of_another_form_is_refused_before_it_is_checked(personas):
    admin = personas["admin"]
    client, _landing = log_in(admin)
    set_up(client, admin)
    log_out(client)
    client, _landing = log_in(admin)
    response = post_in_english(client, "accounts:second-factor-recovery", {"code": "123456"})
    with translation.override("en"):
        assert response.context["form"].errors == {
            "code": ["A recovery code has eight letters and digits, as it was shown to you."]
        }


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_device_by_deleting_it_in_the_admin(personas):
    assessor = personas["assessor_vasteras_komvux"]
    client, _landing = log_in(assessor)
    device, _codes = set_up(client, assessor)

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

    # The assessor's session lost its verification with the device: set up anew, with a link.
    setup = reverse("accounts:second-factor-setup")
    assert client.get(reverse("accounts:dashboard"))["Location"].startswith(setup)
    assert "secret_groups" not in client.get(setup).context
    set_up(client, assessor)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


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
