"""factory_boy factories for the atlas (reference data must be loaded: `reference_data`)."""

from __future__ import annotations

import factory

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.atlas.models import (
    ComplementaryEducation,
    EducationForm,
    ModelKind,
    Offer,
    Payer,
    PublicationStatus,
    ValidationModel,
)
from valnav.atlas.services import education_stems, offer_stems
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Anordnare {n}")
    kind = OrganisationKind.EDUCATION_PROVIDER


class ValidationModelFactory(factory.django.DjangoModelFactory[ValidationModel]):
    class Meta:
        model = ValidationModel
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"model-{n}")
    name = factory.Sequence(lambda n: f"Valideringsmodell {n}")
    kind = ModelKind.BRANCH
    payer = Payer.BRANCH

    @factory.post_generation
    def ssyk(self, create, extracted, **kwargs):
        if create and extracted:
            self.occupations.set(Occupation.objects.filter(code__in=extracted))


class OfferFactory(factory.django.DjangoModelFactory[Offer]):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    model = factory.SubFactory(ValidationModelFactory)
    provider = factory.SubFactory(OrganisationFactory)
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="1980"))
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def stems(self, create, extracted, **kwargs):
        if create:
            self.search_stems = offer_stems(self)
            self.save(update_fields=["search_stems"])


class EducationFactory(factory.django.DjangoModelFactory[ComplementaryEducation]):
    class Meta:
        model = ComplementaryEducation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kurs {n}")
    provider = factory.SubFactory(OrganisationFactory)
    external_id = factory.Sequence(lambda n: f"edu-{n}")
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="1980"))
    form = EducationForm.KOMVUX_COURSE
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def closes(self, create, extracted, **kwargs):
        if create and extracted:
            self.closes_gaps_of.set(extracted)
        if create:
            self.search_stems = education_stems(self)
            self.save(update_fields=["search_stems"])
