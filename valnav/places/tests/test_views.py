"""The places page through the client: local contacts per municipality, no raw coordinates."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.places.models import Municipality

pytestmark = pytest.mark.django_db


def test_each_municipality_shows_its_guidance_contact_and_no_coordinates(
    reference_data, django_assert_max_num_queries
):
    vasteras = Municipality.objects.get(code="1980")
    Organisation.objects.create(
        name="Västerås stad",
        kind=OrganisationKind.MUNICIPALITY,
        municipality=vasteras,
        website="https://www.vasteras.se/",
    )
    # Not a vägledning contact: only the municipality's own organisation is.
    Organisation.objects.create(
        name="Arbetsgivaren AB", kind=OrganisationKind.EMPLOYER, municipality=vasteras
    )
    with django_assert_max_num_queries(8):
        response = Client().get(reverse("places:index"))
    page = response.content.decode()
    assert "Studie- och yrkesvägledningen hos Västerås stad" in page
    assert 'href="https://www.vasteras.se/"' in page
    assert "Arbetsgivaren AB" not in page
    assert f"?municipality={vasteras.code}" in page
    assert "Latitud" not in page
    table = page[page.index("<h2>Län och kommuner") :]
    assert f"{vasteras.centroid_lat:.3f}".replace(".", ",") not in table
    assert f"{vasteras.centroid_lat:.3f}" not in table
    assert 'id="places-map-data"' in page  # the map stays
