"""Factories for events. Registrations made here skip the services (no e-mail); tests of the
rules call the services."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from valnav.accounts.models import Organisation
from valnav.accounts.personas import DEMO_ORGANISATIONS_BY_KEY
from valnav.atlas.tests.factories import OrganisationFactory
from valnav.events.models import (
    Event,
    EventKind,
    EventState,
    ParticipantOrganisationKind,
    Registration,
    RegistrationStatus,
)


class EventFactory(factory.django.DjangoModelFactory[Event]):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Valideringsseminarium {n}")
    slug = factory.Sequence(lambda n: f"seminarium-{n}")
    description = "Om **validering** i Östra Mellansverige."
    kind = EventKind.SEMINAR
    # The staff personas' own organisation when it exists: staff run only their own events.
    organiser = factory.LazyFunction(
        lambda: (
            Organisation.objects.filter(
                org_number=DEMO_ORGANISATIONS_BY_KEY["region-vastmanland"].org_number
            ).first()
            or OrganisationFactory()
        )
    )
    place = "Västerås konserthus"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    registration_closes_at = factory.LazyAttribute(
        lambda event: event.starts_at - timedelta(days=1)
    )
    capacity = 20
    state = EventState.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory[Registration]):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Deltagare {n}")
    email = factory.Sequence(lambda n: f"deltagare{n}@example.org")
    organisation_name = "Komvux Västerås"
    organisation_kind = ParticipantOrganisationKind.KOMVUX
    status = RegistrationStatus.CONFIRMED
