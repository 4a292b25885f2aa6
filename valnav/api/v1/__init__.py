"""Valnav's open API, version 1. Published data needs no login; writes need an API key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from valnav.api.auth import AnonymousThrottle, TokenThrottle
from valnav.api.v1.atlas import router as atlas_router
from valnav.api.v1.casework import router as casework_router
from valnav.api.v1.credentials import router as credentials_router
from valnav.api.v1.docs import ReferencePage
from valnav.api.v1.errors import in_english, refuse_nul_characters
from valnav.api.v1.events import router as events_router
from valnav.api.v1.governance import router as governance_router
from valnav.api.v1.hsds import router as hsds_router
from valnav.api.v1.insights import router as insights_router
from valnav.api.v1.insights_equity import router as insights_equity_router
from valnav.api.v1.insights_focus import router as insights_focus_router
from valnav.api.v1.networks import router as networks_router
from valnav.api.v1.outreach import router as outreach_router
from valnav.api.v1.places import router as places_router
from valnav.api.v1.taxonomy import router as taxonomy_router

# Requests per client: anonymous clients by address, token holders by token. Ninja keeps the
# counts in Django's cache (shared by all workers only with a shared cache backend).
# Settings may raise them (the benchmark does, to measure the search rather than the limit).
ANONYMOUS_PER_MINUTE = getattr(settings, "VALNAV_API_ANONYMOUS_PER_MINUTE", 120)
TOKEN_PER_MINUTE = getattr(settings, "VALNAV_API_TOKEN_PER_MINUTE", 600)
ANONYMOUS_RATE = f"{ANONYMOUS_PER_MINUTE}/min"
TOKEN_RATE = f"{TOKEN_PER_MINUTE}/min"

# Every operation is throttled (below), so every operation may answer this.
THROTTLED_RESPONSE: dict[str, Any] = {
    "description": "Too many requests from this client (see the API's description for the "
    "limits); try again after the number of seconds in Retry-After.",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before the next request",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        }
    },
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


class ValnavAPI(NinjaAPI):
    """Ninja's API, whose OpenAPI document also names the 429 that the throttle may give any
    operation (Ninja documents only the responses an operation declares)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault(429, THROTTLED_RESPONSE)
        return schema


api = ValnavAPI(
    title="Valnav API",
    version="1.0.0",
    description=(
        "Öppet API för Valideringsnavet Östra Mellansverige: regioner, kommuner, yrken "
        "(SSYK 2012), valideringsmodeller, erbjudanden, kompletterande utbildning och "
        "organisationer, och samma atlas enligt Open Referral HSDS 3.0 under /hsds/. "
        "Allt publicerat läses utan inloggning; medlemmar skriver med en API-nyckel "
        "(`Authorization: Bearer …`) från sidan Mina API-nycklar. "
        "Open API of Valnav, the validation hub of Östra Mellansverige: published data is open "
        "to read; members write with an API key. Anonymous clients may make "
        f"{ANONYMOUS_PER_MINUTE} requests a minute, each key {TOKEN_PER_MINUTE}; beyond that "
        "every operation answers 429 with a Retry-After header. Error messages are in English."
    ),
    urls_namespace="api-v1",
    docs=ReferencePage(),
    throttle=[AnonymousThrottle(ANONYMOUS_RATE), TokenThrottle(TOKEN_RATE)],
)
# Before authentication and validation: a NUL character anywhere in the input is a 422.
api.add_decorator(refuse_nul_characters(api), mode="view")
# Around everything, the NUL check's refusal included: every answer in English.
api.add_decorator(in_english, mode="view")
api.add_router("/", places_router)
api.add_router("/", taxonomy_router)
api.add_router("/", atlas_router)
api.add_router("/hsds/", hsds_router)
api.add_router("/", credentials_router)
api.add_router("/", casework_router)
api.add_router("/", insights_router)
api.add_router("/", insights_focus_router)
api.add_router("/", insights_equity_router)
api.add_router("/", events_router)
api.add_router("/", outreach_router)
api.add_router("/", networks_router)
api.add_router("/", governance_router)
