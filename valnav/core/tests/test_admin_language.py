"""The admin and the forms speak Swedish on Swedish pages (issue #17): no app shown by its
Python label, no English placeholder in a select."""

import re

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def admin_client(personas):
    client = Client()
    client.force_login(personas["admin"])
    return client


@pytest.mark.django_db
def test_the_admin_index_names_every_app_in_swedish(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    apps = re.findall(r"<caption>\s*<a[^>]*>(.*?)</a>", page, re.DOTALL)
    assert {"Inloggningsskydd", "Tvåstegsverifiering", "Bakgrundsjobb"} <= set(apps)
    for english in ("Axes", "Otp_Totp", "Tasks Database Backend", "TOTP devices", "Access"):
        assert english not in page


@pytest.mark.django_db
def test_a_select_asks_for_a_choice_in_swedish(admin_client):
    page = admin_client.get(reverse("admin:accounts_organisation_add")).text
    assert "- Välj ett alternativ -" in page
    assert "Select an option" not in page
