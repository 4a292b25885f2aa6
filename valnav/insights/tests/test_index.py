"""The insights index at /analys/: the page the README and the menu point to."""

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_the_index_is_at_analys_and_links_every_insights_page(personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    assert reverse("insights:index") == "/analys/"
    response = client.get("/analys/")
    assert response.status_code == 200
    page = response.text
    for name in ["dashboard", "gaps", "focus", "demand", "equity", "value"]:
        assert f'href="{reverse(f"insights:{name}")}"' in page
    assert "Antal personer från 1 till 4" in page


@pytest.mark.django_db
def test_the_menu_leads_strategists_to_the_index_and_no_one_else(personas):
    client = Client()
    client.force_login(personas["rua_vastmanland"])
    assert 'href="/analys/"' in client.get(reverse("core:home")).text
    client.force_login(personas["counsellor_orebro"])
    assert 'href="/analys/"' not in client.get(reverse("core:home")).text


@pytest.mark.django_db
def test_the_english_index_is_under_en(personas):
    client = Client()
    client.force_login(personas["project_manager"])
    response = client.get("/en/insights/")
    assert response.status_code == 200
    assert "Counts of people from 1 to 4" in response.text
