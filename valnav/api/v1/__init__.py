"""Valnav's open API, version 1. Public reference data needs no login."""

from __future__ import annotations

from ninja import NinjaAPI

from valnav.api.v1.places import router as places_router
from valnav.api.v1.taxonomy import router as taxonomy_router

api = NinjaAPI(
    title="Valnav API",
    version="1.0.0",
    description=(
        "Öppet API för Valideringsnavet Östra Mellansverige: regioner, kommuner, yrken "
        "(SSYK 2012) och – efter hand – valideringsmodeller, erbjudanden och utbildningar. "
        "Open API of Valnav, the validation hub of Östra Mellansverige."
    ),
    urls_namespace="api-v1",
)
api.add_router("/", places_router)
api.add_router("/", taxonomy_router)
