"""Fixtures of casework tests: a Komvux organisation and one open case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.atlas.tests.factories import ValidationModelFactory
from valnav.casework.services import case_open, individual_register
from valnav.places.models import Municipality


@pytest.fixture
def komvux(personas):
    return Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")


@pytest.fixture
def case(personas, komvux):
    assessor = personas["assessor_vasteras_komvux"]
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={
            "given_name": "Amina",
            "family_name": "Testsson",
            "municipality": Municipality.objects.get(code="1980"),
        },
    )
    model = ValidationModelFactory(name="Validering inom vård och omsorg", ssyk=["5321"])
    return case_open(
        actor=assessor,
        individual=person,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=30),
        target={"model": model},
    )
