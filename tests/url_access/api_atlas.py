"""The atlas API, its HSDS export and the API-key pages.

Every GET of the API answers 200 for everyone: the session plays no part in it. Ninja names a
path once per operation, so the names of writes that share a path with a read (offer-create is
POST /offers, beside GET /offers) answer that read here; publish exists only as POST (405).
"""

from __future__ import annotations

from django.core.cache import cache

from tests.url_access import everyone, only, posting

EXPECTED: dict[str, dict[str, int]] = {
    "api-v1:offer-list": everyone(200),
    "api-v1:offer-create": everyone(200),  # GET /offers
    "api-v1:offer-detail": everyone(200),
    "api-v1:offer-update": everyone(200),  # GET /offers/{id}
    "api-v1:offer-publish": everyone(405),  # POST only
    "api-v1:model-list": everyone(200),
    "api-v1:model-detail": everyone(200),
    "api-v1:education-list": everyone(200),
    "api-v1:education-create": everyone(200),  # GET /education
    "api-v1:education-detail": everyone(200),
    "api-v1:education-update": everyone(200),  # GET /education/{id}
    "api-v1:education-publish": everyone(405),  # POST only
    "api-v1:organisation-list": everyone(200),
    "api-v1:organisation-detail": everyone(200),
    "api-v1:hsds-root": everyone(200),
    "api-v1:hsds-service-list": everyone(200),
    "api-v1:hsds-service-detail": everyone(200),
    "api-v1:hsds-organization-list": everyone(200),
    "api-v1:hsds-organization-detail": everyone(200),
    "api-v1:hsds-service-at-location-list": everyone(200),
    "api-v1:hsds-service-at-location-detail": everyone(200),
    "api-v1:hsds-taxonomy-list": everyone(200),
    "api-v1:hsds-taxonomy-detail": everyone(200),
    "api-v1:hsds-taxonomy-term-list": everyone(200),
    "api-v1:hsds-taxonomy-term-detail": everyone(200),
    "api-v1:hsds-datapackage": everyone(200),
    "api:token-list": only({"admin", "rua_vastmanland", "assessor_vasteras_komvux"}),
    "api:token-create": everyone(405),  # POST only
    "api:token-revoke": everyone(405),  # POST only
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    from valnav.accounts.models import User
    from valnav.api.models import ApiToken
    from valnav.api.services import api_token_create
    from valnav.api.v1.hsds import SSYK, hsds_id
    from valnav.atlas.models import Offer
    from valnav.atlas.tests.factories import EducationFactory, OfferFactory

    # The matrix asks every API URL as every persona from one address within seconds, more
    # than the anonymous rate allows; the limit itself is tested in valnav/api/tests.
    cache.clear()
    offer = Offer.objects.filter(external_id="url-access").first() or OfferFactory(
        external_id="url-access", model__ssyk=["7212"]
    )
    if name in {"api-v1:offer-detail", "api-v1:offer-update", "api-v1:offer-publish"}:
        return {"offer_id": str(offer.pk)}
    if name == "api-v1:model-detail":
        return {"model_id": str(offer.model_id)}
    if name in {"api-v1:education-detail", "api-v1:education-update", "api-v1:education-publish"}:
        education = EducationFactory(provider=offer.provider)
        return {"education_id": str(education.pk)}
    if name == "api-v1:organisation-detail":
        return {"organisation_id": str(offer.provider_id)}
    if name == "api-v1:hsds-service-detail":
        return {"service_id": hsds_id("validation-model", offer.model.key)}
    if name == "api-v1:hsds-organization-detail":
        return {"organization_id": hsds_id("organisation", offer.provider_id)}
    if name == "api-v1:hsds-service-at-location-detail":
        return {"service_at_location_id": hsds_id("offer", offer.pk)}
    if name == "api-v1:hsds-taxonomy-detail":
        return {"taxonomy_id": SSYK.id}
    if name == "api-v1:hsds-taxonomy-term-detail":
        return {"taxonomy_term_id": hsds_id(SSYK.key, "7212")}
    if name == "api:token-revoke":
        token = (
            ApiToken.objects.first()
            or api_token_create(
                actor=User.objects.get(email="admin@valnav.example"), name="url access"
            ).token
        )
        return {"pk": str(token.pk)}
    return None


EDITORS = {"admin", "rua_vastmanland", "assessor_vasteras_komvux"}

POST_EXPECTED: dict[str, dict[str, int]] = {
    # A write through the API takes a token, never the session (no CSRF to lean on).
    "api-v1:offer-publish": everyone(401),
    "api-v1:education-publish": everyone(401),
    # The form for a new token, shown again with its error.
    "api:token-create": posting(EDITORS, 200),
    # The sample token is the administrator's: anyone else's revoke of it is a 404.
    "api:token-revoke": posting(EDITORS, 404) | {"admin": 302},
}
