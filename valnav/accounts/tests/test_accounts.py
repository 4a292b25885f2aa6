from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from valnav.accounts.models import Organisation, OrganisationKind, User
from valnav.accounts.personas import DEMO_PASSWORD
from valnav.accounts.services import organisation_create


@pytest.mark.django_db
def test_an_organisation_number_is_stored_in_its_normal_form():
    organisation = organisation_create(
        name="Region Västmanland", kind=OrganisationKind.REGION, org_number="2321000172"
    )
    assert organisation.org_number == "232100-0172"


@pytest.mark.django_db
def test_a_wrong_check_digit_is_refused_with_a_swedish_message():
    with translation.override("sv"), pytest.raises(ValidationError) as excinfo:
        organisation_create(
            name="Felaktig AB", kind=OrganisationKind.EMPLOYER, org_number="232100-0173"
        )
    assert excinfo.value.message_dict["org_number"] == [
        "Kontrollsiffran (den sista siffran) i organisationsnumret är fel."
    ]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_admin_form_refuses_an_invalid_organisation_number(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "Test AB", "kind": "employer", "org_number": "556000-0000"},
    )
    assert response.status_code == 200
    assert "organisationsnumret är fel" in response.content.decode()
    assert not Organisation.objects.filter(name="Test AB").exists()


@pytest.mark.django_db
def test_a_persona_logs_in_by_email_and_lands_on_my_pages(personas):
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "Counsellor_Orebro@valnav.example", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Vera Vägledare" in page
    assert "Örebro kommun, Vuxenutbildning och vägledning (demo)" in page


@pytest.mark.django_db
def test_demo_accounts_are_refused_when_demo_logins_are_off(personas, settings):
    settings.VALNAV_DEMO_LOGINS = False
    client = Client()
    response = client.post(
        reverse("accounts:login"),
        {"username": "admin@valnav.example", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert "Demokonton kan bara användas" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_out_from_that_address(personas, settings):
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "rua_vastmanland@valnav.example", "password": "fel"})
    response = client.post(
        url, {"username": "rua_vastmanland@valnav.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    other = client.post(
        url, {"username": "counsellor_orebro@valnav.example", "password": DEMO_PASSWORD}
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_failed_logins_count_for_the_person_however_the_address_is_spelt(personas, settings):
    """`COMMUNICATOR…` and `communicator…` are one account with one count of guesses."""
    client = Client()
    url = reverse("accounts:login")
    spellings = [
        "COMMUNICATOR_VASTMANLAND@VALNAV.EXAMPLE",
        "communicator_vastmanland@valnav.example",
        " Communicator_Vastmanland@Valnav.Example ",
    ]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": spellings[attempt % 3], "password": "fel"})
        assert response.status_code == 200, attempt  # a wrong password, said so on the form
    # The last guess allowed, in yet another spelling, locks the account.
    response = client.post(
        url, {"username": "Communicator_vastmanland@valnav.example", "password": "fel"}
    )
    assert response.status_code == 429
    for spelling in spellings:
        response = client.post(url, {"username": spelling, "password": DEMO_PASSWORD})
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "communicator_vastmanland@valnav.example"


@pytest.mark.django_db
def test_an_account_added_in_the_admin_in_capitals_logs_in_however_spelt(personas):
    admin = Client()
    admin.force_login(personas["admin"])
    password = "ett-langt-losenord-for-anna-42"
    response = admin.post(
        reverse("admin:accounts_user_add"),
        {
            "email": " Anna.Andersson@Example.SE",
            "full_name": "Anna Andersson",
            "password1": password,
            "password2": password,
            **{
                f"{inline}-{count}": "0"
                for inline in ["memberships", "external_identities"]
                for count in ["TOTAL_FORMS", "INITIAL_FORMS"]
            },
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="anna.andersson@example.se").exists()
    for spelling in ["anna.andersson@example.se", "ANNA.ANDERSSON@EXAMPLE.SE"]:
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": spelling, "password": password}
        )
        assert response.status_code == 302, spelling


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(personas, mailoutbox):
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": "outsider@valnav.example"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/losenord/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    new_password = "ett-nytt-langt-losenord-42"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    personas["outsider"].refresh_from_db()
    assert personas["outsider"].check_password(new_password)


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes(personas):
    client = Client()
    client.post(
        reverse("accounts:login"),
        {"username": "outsider@valnav.example", "password": DEMO_PASSWORD},
    )
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    # Each request pushes the end 30 minutes ahead of the last activity.
    assert client.session.get_expiry_age() == 30 * 60
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
