"""Generate a large atlas for benchmarks: offers and education spread over ÖMS."""

from __future__ import annotations

import random
import time

from django.db import transaction

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.atlas.models import (
    ComplementaryEducation,
    EducationForm,
    Offer,
    PublicationStatus,
    ValidationModel,
)
from valnav.lib.stemming import stem_text
from valnav.places.models import Municipality

LANGUAGE_SETS = [",sv,", ",sv,en,", ",sv,ar,", ",sv,so,ti,", ",sv,fa,en,"]


def generate(*, offers: int, educations: int, seed: int = 7) -> float:
    """Insert `offers` and `educations` rows (marked demo); returns seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    models = list(ValidationModel.objects.prefetch_related("occupations").select_related("branch"))
    municipalities = list(Municipality.objects.select_related("county"))
    with transaction.atomic():
        providers = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench-anordnare {n}",
                    kind=OrganisationKind.EDUCATION_PROVIDER,
                    municipality=rng.choice(municipalities),
                    is_demo=True,
                )
                for n in range(500)
            ]
        )
        stems_cache: dict[tuple[int, int, int], str] = {}
        batch: list[Offer] = []
        for n in range(offers):
            model = rng.choice(models)
            municipality = rng.choice(municipalities)
            provider = rng.choice(providers)
            key = (model.pk, municipality.pk, provider.pk)
            if key not in stems_cache:
                stems_cache[key] = stem_text(
                    model.name,
                    model.summary,
                    " ".join(f"{o.name_sv} {o.name_en}" for o in model.occupations.all()),
                    model.branch.name_sv if model.branch else "",
                    provider.name,
                    municipality.name,
                    municipality.county.name,
                )
            batch.append(
                Offer(
                    model=model,
                    provider=provider,
                    external_id=f"bench-{n}",
                    municipality=municipality,
                    languages=rng.choice(LANGUAGE_SETS),
                    remote=rng.random() < 0.2,
                    capacity_per_year=rng.randint(5, 120),
                    lead_time_weeks=rng.randint(1, 12),
                    status=PublicationStatus.PUBLISHED
                    if rng.random() < 0.9
                    else PublicationStatus.DRAFT,
                    is_demo=True,
                    search_stems=stems_cache[key],
                )
            )
            if len(batch) == 5000:
                Offer.objects.bulk_create(batch)
                batch = []
        Offer.objects.bulk_create(batch)
        forms = list(EducationForm.values)
        education_batch = [
            ComplementaryEducation(
                title=f"{rng.choice(models).name} – kompletterande kurs {n}",
                provider=rng.choice(providers),
                external_id=f"bench-edu-{n}",
                municipality=(place := rng.choice(municipalities)),
                form=rng.choice(forms),
                status=PublicationStatus.PUBLISHED,
                is_demo=True,
                search_stems=stem_text(f"kompletterande kurs {n}", place.name),
            )
            for n in range(educations)
        ]
        ComplementaryEducation.objects.bulk_create(education_batch, batch_size=5000)
    return time.perf_counter() - started
