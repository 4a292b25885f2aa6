"""The atlas as Open Referral HSDS 3.0 (Human Services Data Specification): the HSDS API and
a data package of CSV tables, for directories and referral tools that read HSDS.

Mapping (what HSDS calls what):
- ValidationModel → service (active models; status "active"). A model's owner is the service's
  organization; a model without an owner is attributed to Valnav itself (VALNAV_ORGANISATION),
  since HSDS tables need an organization_id for every service.
- Organisation → organization (those owning an active model or providing a published offer);
  the organisationsnummer → organization_identifier.
- Offer (published, of an active model) → service_at_location, with its own location
  (provider, coordinates, address, assessment languages) and its contact.
- SSYK 2012 occupations and Valnav's kinds of validation → taxonomy and taxonomy_term, tied to
  services by attribute rows.

HSDS ids are UUIDs: uuid5 of a fixed namespace and our own keys, so an id never changes
between exports. Texts are exported in Swedish, the language of the data.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from django.db.models import Field as DjangoField
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from valnav.accounts.models import Organisation
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import DateTimeParam
from valnav.atlas.models import ModelKind, Offer, ValidationModel
from valnav.atlas.selectors import SearchFilters, offer_search
from valnav.lib.csv_io import spreadsheet_safe
from valnav.lib.languages import language_name
from valnav.taxonomy.models import Occupation

router = Router(tags=["hsds"])

HSDS_VERSION = "3.0"
HSDS_NAMESPACE: Final = uuid.UUID("46b75b59-9613-4e78-8d77-0c75f3b17657")
DATA_LANGUAGE = "sv"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


def hsds_id(kind: str, key: object) -> str:
    """The stable HSDS id of one of our objects (`kind` and our key for it)."""
    return str(uuid.uuid5(HSDS_NAMESPACE, f"{kind}:{key}"))


# HSDS objects (field names as in the HSDS 3.0 schemas; absent values are left out) ----------


class HsdsTaxonomy(Schema):
    id: str
    name: str
    description: str
    uri: str | None = None
    version: str | None = None


class HsdsTaxonomyTerm(Schema):
    id: str
    code: str | None = None
    name: str
    description: str
    parent_id: str | None = None
    taxonomy: str | None = None
    language: str | None = None
    taxonomy_id: str | None = None


class HsdsAttribute(Schema):
    id: str
    link_id: str
    taxonomy_term_id: str
    link_entity: str
    taxonomy_term: HsdsTaxonomyTerm | None = None


class HsdsOrganizationIdentifier(Schema):
    id: str
    organization_id: str
    identifier_type: str
    identifier: str


class HsdsOrganization(Schema):
    id: str
    name: str
    description: str
    website: str | None = None
    organization_identifiers: list[HsdsOrganizationIdentifier] | None = None


class HsdsPhone(Schema):
    id: str
    contact_id: str | None = None
    number: str


class HsdsContact(Schema):
    id: str
    service_at_location_id: str | None = None
    name: str | None = None
    email: str | None = None
    phones: list[HsdsPhone] | None = None


class HsdsLanguage(Schema):
    id: str
    location_id: str
    name: str
    code: str


class HsdsAddress(Schema):
    id: str
    location_id: str
    address_1: str
    city: str
    region: str | None = None
    state_province: str
    postal_code: str
    country: str
    address_type: str


class HsdsLocation(Schema):
    id: str
    location_type: str
    url: str | None = None
    organization_id: str
    name: str
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    languages: list[HsdsLanguage] | None = None
    addresses: list[HsdsAddress] | None = None


class HsdsServiceAtLocation(Schema):
    id: str
    service_id: str
    location_id: str
    description: str | None = None
    contacts: list[HsdsContact] | None = None
    location: HsdsLocation | None = None


class HsdsService(Schema):
    id: str
    organization_id: str
    name: str
    description: str | None = None
    url: str | None = None
    status: str
    fees_description: str | None = None
    assured_date: str | None = None
    last_modified: str | None = None
    organization: HsdsOrganization | None = None
    service_at_locations: list[HsdsServiceAtLocation] | None = None
    attributes: list[HsdsAttribute] | None = None


class HsdsPage(Schema):
    """Paging as in the HSDS reference API (its `Page` schema)."""

    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="The number of entities in this page")
    first_page: bool
    last_page: bool
    empty: bool


class ServicePage(HsdsPage):
    contents: list[HsdsService]


class OrganizationPage(HsdsPage):
    contents: list[HsdsOrganization]


class ServiceAtLocationPage(HsdsPage):
    contents: list[HsdsServiceAtLocation]


class TaxonomyPage(HsdsPage):
    contents: list[HsdsTaxonomy]


class TaxonomyTermPage(HsdsPage):
    contents: list[HsdsTaxonomyTerm]


class ApiInfo(Schema):
    version: str
    openapi_url: str


class NotFound(Schema):
    detail: str


# Taxonomies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyInfo:
    key: str
    name: str
    description: str
    uri: str | None
    version: str

    @property
    def id(self) -> str:
        return hsds_id("taxonomy", self.key)

    def hsds(self) -> HsdsTaxonomy:
        return HsdsTaxonomy(
            id=self.id,
            name=self.name,
            description=self.description,
            uri=self.uri,
            version=self.version,
        )


SSYK: Final = TaxonomyInfo(
    key="ssyk-2012",
    name="SSYK 2012",
    description="Standard för svensk yrkesklassificering 2012 (SCB): yrkena en valideringsmodell "
    "gäller.",
    uri="https://www.scb.se/ssyk",
    version="2012",
)
MODEL_KINDS: Final = TaxonomyInfo(
    key="valnav-model-kind",
    name="Valnav valideringsformer",
    description="Valnavs indelning av valideringsmodeller: branschvalidering, Komvux, "
    "högskola och yrkeshögskola, folkhögskola, upphandlad av Arbetsförmedlingen, annan.",
    uri=None,
    version="1",
)
TAXONOMIES: Final = (SSYK, MODEL_KINDS)


def ssyk_term(occupation: Occupation) -> HsdsTaxonomyTerm:
    """An SSYK group; its parent must be loaded (select_related) or absent."""
    description = f"SSYK 2012 nivå {occupation.level}"
    if occupation.name_en:
        description += f". English: {occupation.name_en}"
    return HsdsTaxonomyTerm(
        id=hsds_id(SSYK.key, occupation.code),
        code=occupation.code,
        name=occupation.name_sv,
        description=description,
        parent_id=hsds_id(SSYK.key, occupation.parent.code) if occupation.parent else None,
        taxonomy=SSYK.name,
        language=DATA_LANGUAGE,
        taxonomy_id=SSYK.id,
    )


def kind_term(kind: str) -> HsdsTaxonomyTerm:
    with translation.override(DATA_LANGUAGE):
        name = str(ModelKind(kind).label)
    with translation.override("en"):
        english = str(ModelKind(kind).label)
    return HsdsTaxonomyTerm(
        id=hsds_id(MODEL_KINDS.key, kind),
        code=kind,
        name=name,
        description=f"English: {english}",
        taxonomy=MODEL_KINDS.name,
        language=DATA_LANGUAGE,
        taxonomy_id=MODEL_KINDS.id,
    )


def all_terms() -> list[HsdsTaxonomyTerm]:
    """The kinds, then every SSYK group, in code order."""
    occupations = Occupation.objects.select_related("parent").order_by("code")
    return [kind_term(kind) for kind in ModelKind.values] + [
        ssyk_term(occupation) for occupation in occupations
    ]


def attribute(*, link_id: str, link_entity: str, term: HsdsTaxonomyTerm) -> HsdsAttribute:
    return HsdsAttribute(
        id=hsds_id("attribute", f"{link_entity}:{link_id}:{term.id}"),
        link_id=link_id,
        taxonomy_term_id=term.id,
        link_entity=link_entity,
        taxonomy_term=term,
    )


# Organisations ----------------------------------------------------------------------------

VALNAV_ORGANISATION: Final = HsdsOrganization(
    id=hsds_id("organisation", "valnav"),
    name="Valideringsnavet Östra Mellansverige (Valnav)",
    description="Regionernas gemensamma struktur för validering i Östra Mellansverige. Står som "
    "organisation för valideringsmodeller som saknar en enskild ägare; vem som genomför "
    "valideringen framgår av varje plats (location.organization_id).",
)


def organisation_id(organisation: Organisation | None) -> str:
    return hsds_id("organisation", organisation.pk) if organisation else VALNAV_ORGANISATION.id


def organization(organisation: Organisation, *, full: bool = False) -> HsdsOrganization:
    with translation.override(DATA_LANGUAGE):
        description = str(organisation.get_kind_display())
    if organisation.municipality is not None:
        description += f", {organisation.municipality.name}"
    result = HsdsOrganization(
        id=organisation_id(organisation),
        name=organisation.name,
        description=description,
        website=organisation.website or None,
    )
    if full:
        result.organization_identifiers = identifiers(organisation)
    return result


def identifiers(organisation: Organisation) -> list[HsdsOrganizationIdentifier]:
    if not organisation.org_number:
        return []
    return [
        HsdsOrganizationIdentifier(
            id=hsds_id("organisation-number", organisation.pk),
            organization_id=organisation_id(organisation),
            identifier_type="Organisationsnummer",
            identifier=organisation.org_number,
        )
    ]


# Offers: service_at_location and location -------------------------------------------------

# "Storgatan 1, 722 13 Västerås": a street part, a Swedish postcode and a post town.
_ADDRESS = re.compile(r"^(?P<street>.+?)[,\s]+(?P<postcode>\d{3}\s?\d{2})\s+(?P<town>\D+?)\s*$")


def _postal_address(offer: Offer, location_id: str) -> HsdsAddress | None:
    """An HSDS address needs a postcode; free-text addresses without one stay in the
    location's description."""
    found = _ADDRESS.match(offer.address.strip())
    if found is None:
        return None
    postcode = found["postcode"].replace(" ", "")
    return HsdsAddress(
        id=hsds_id("offer-address", offer.pk),
        location_id=location_id,
        address_1=found["street"].strip(" ,"),
        city=found["town"],
        region=offer.municipality.name,
        state_province=offer.municipality.county.name,
        postal_code=f"{postcode[:3]} {postcode[3:]}",
        country="SE",
        address_type="physical",
    )


def _ways(offer: Offer) -> list[str]:
    names = [
        ("on_site", offer.on_site),
        ("at_workplace", offer.at_workplace),
        ("remote", offer.remote),
    ]
    return [_label(Offer, name) for name, held in names if held]


def _label(model: type[Model], name: str) -> str:
    """The (translated) verbose name of a model field."""
    found = model._meta.get_field(name)
    return str(found.verbose_name) if isinstance(found, DjangoField) else name


def location(offer: Offer, *, full: bool = False) -> HsdsLocation:
    """The place of an offer. Remote-only offers are "virtual" locations."""
    location_id = hsds_id("offer-location", offer.pk)
    address = _postal_address(offer, location_id)
    with translation.override(DATA_LANGUAGE):
        ways = _ways(offer)
        description = _("Assessment: %(ways)s.") % {"ways": ", ".join(ways)} if ways else ""
        if offer.address and address is None:
            description += " " + _("Address: %(address)s.") % {"address": offer.address}
    virtual = offer.remote and not offer.on_site and not offer.at_workplace
    located = offer.latitude is not None and offer.longitude is not None
    result = HsdsLocation(
        id=location_id,
        location_type="virtual" if virtual else "physical",
        url=offer.url or None,
        organization_id=organisation_id(offer.provider),
        name=f"{offer.provider.name}, {offer.municipality.name}",
        description=description.strip() or None,
        latitude=offer.latitude if located else None,
        longitude=offer.longitude if located else None,
    )
    if full:
        result.addresses = [address] if address else []
        result.languages = [
            HsdsLanguage(
                id=hsds_id("offer-language", f"{offer.pk}:{code}"),
                location_id=location_id,
                name=language_name(code, language=DATA_LANGUAGE),
                code=code,
            )
            for code in offer.language_codes
        ]
    return result


def _contacts(offer: Offer, service_at_location_id: str) -> list[HsdsContact]:
    if not (offer.contact_name or offer.contact_email or offer.contact_phone):
        return []
    contact_id = hsds_id("offer-contact", offer.pk)
    phones = (
        [
            HsdsPhone(
                id=hsds_id("offer-phone", offer.pk),
                contact_id=contact_id,
                number=offer.contact_phone,
            )
        ]
        if offer.contact_phone
        else []
    )
    return [
        HsdsContact(
            id=contact_id,
            service_at_location_id=service_at_location_id,
            name=offer.contact_name or None,
            email=offer.contact_email or None,
            phones=phones,
        )
    ]


def service_at_location(offer: Offer, *, full: bool = False) -> HsdsServiceAtLocation:
    """An offer; its location is one-to-one, so even the short form carries it."""
    sal_id = hsds_id("offer", offer.pk)
    result = HsdsServiceAtLocation(
        id=sal_id,
        service_id=hsds_id("validation-model", offer.model.key),
        location_id=hsds_id("offer-location", offer.pk),
        description=offer.description or None,
        location=location(offer, full=full),
    )
    if full:
        result.contacts = _contacts(offer, sal_id)
    return result


# Validation models: services --------------------------------------------------------------


def service(
    model: ValidationModel,
    *,
    full: bool = False,
    offers: Sequence[Offer] = (),
) -> HsdsService:
    """A validation model. `full` needs its owner and occupations (with parents) loaded."""
    service_id = hsds_id("validation-model", model.key)
    with translation.override(DATA_LANGUAGE):
        fees = f"{capfirst(_label(ValidationModel, 'payer'))}: "
        fees += str(model.get_payer_display())
    urls = [url for url in model.source_urls or [] if str(url).startswith(("http://", "https://"))]
    result = HsdsService(
        id=service_id,
        organization_id=organisation_id(model.owner),
        name=model.name,
        description=model.summary or None,
        url=urls[0] if urls else None,
        status="active" if model.is_active else "inactive",
        fees_description=fees,
        assured_date=model.last_verified.isoformat() if model.last_verified else None,
        last_modified=model.updated_at.isoformat(),
    )
    if full:
        result.organization = (
            organization(model.owner, full=True) if model.owner else VALNAV_ORGANISATION
        )
        result.service_at_locations = [service_at_location(offer, full=True) for offer in offers]
        result.attributes = service_attributes(model)
    return result


def service_attributes(model: ValidationModel) -> list[HsdsAttribute]:
    service_id = hsds_id("validation-model", model.key)
    terms = [kind_term(model.kind)] + [
        ssyk_term(occupation)
        for occupation in sorted(model.occupations.all(), key=lambda o: o.code)
    ]
    return [attribute(link_id=service_id, link_entity="service", term=term) for term in terms]


# What is exported -------------------------------------------------------------------------


def exported_models() -> QuerySet[ValidationModel]:
    return ValidationModel.objects.active().select_related("owner__municipality")


def exported_offers() -> QuerySet[Offer]:
    """Published offers of the exported models."""
    return (
        Offer.objects.published()
        .filter(model__is_active=True)
        .select_related("model", "provider", "municipality__county")
        .order_by("model__name", "municipality__code", "pk")
    )


def exported_organisations() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(
            Q(pk__in=ValidationModel.objects.active().values("owner_id"))
            | Q(pk__in=exported_offers().values("provider_id"))
        )
        .select_related("municipality")
        .order_by("name", "pk")
    )


def with_occupations(models: QuerySet[ValidationModel]) -> QuerySet[ValidationModel]:
    return models.prefetch_related(
        Prefetch("occupations", queryset=Occupation.objects.select_related("parent"))
    )


def _valnav_named() -> bool:
    return ValidationModel.objects.active().filter(owner__isnull=True).exists()


def organizations_for_export(*, full: bool = False) -> list[HsdsOrganization]:
    """Every organisation the export names, Valnav included when an ownerless model needs it."""
    found = [organization(o, full=full) for o in exported_organisations()]
    if _valnav_named():
        found.append(VALNAV_ORGANISATION)
    return sorted(found, key=lambda o: (o.name, o.id))


# Paging and lookups -----------------------------------------------------------------------


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1")
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)


@dataclass
class Paged[T]:
    """One page of a sequence, in the HSDS API's terms."""

    total_items: int
    page_number: int
    per_page: int
    contents: list[T] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        total_pages = math.ceil(self.total_items / self.per_page)
        return {
            "total_items": self.total_items,
            "total_pages": total_pages,
            "page_number": self.page_number,
            "size": len(self.contents),
            "first_page": self.page_number == 1,
            "last_page": self.page_number >= total_pages,
            "empty": not self.contents,
            "contents": self.contents,
        }


def paged[R, T](
    items: QuerySet[Any] | Sequence[R], params: PageParams, convert: Callable[[R], T]
) -> dict[str, Any]:
    start = (params.page - 1) * params.per_page
    total = items.count() if isinstance(items, QuerySet) else len(items)
    page = items[start : start + params.per_page]
    return Paged(
        total_items=total,
        page_number=params.page,
        per_page=params.per_page,
        contents=[convert(item) for item in page],
    ).fields()


def _matching(wanted: str, kind: str, keys: Iterable[tuple[object, int]]) -> int | None:
    """The pk whose HSDS id (of `kind` and key) is `wanted`. uuid5 cannot be reversed, so the
    candidates are hashed; there are at most some thousands."""
    for key, pk in keys:
        if hsds_id(kind, key) == wanted:
            return pk
    return None


def _term_filter(term_id: str) -> Q | None:
    """Models tied to a taxonomy term: a kind, or an SSYK group with the groups under it."""
    for kind in ModelKind.values:
        if hsds_id(MODEL_KINDS.key, kind) == term_id:
            return Q(kind=kind)
    for code in Occupation.objects.values_list("code", flat=True):
        if hsds_id(SSYK.key, code) == term_id:
            return Q(
                pk__in=ValidationModel.objects.filter(occupations__code__startswith=code).values(
                    "pk"
                )
            )
    return None


def _taxonomy_filter(taxonomy_id: str) -> Q | None:
    if taxonomy_id == MODEL_KINDS.id:
        return Q()
    if taxonomy_id == SSYK.id:
        return Q(pk__in=ValidationModel.objects.filter(occupations__isnull=False).values("pk"))
    return None


def _organisation_pk(organization_id: str) -> int | None:
    return _matching(
        organization_id,
        "organisation",
        ((pk, pk) for pk in exported_organisations().values_list("pk", flat=True)),
    )


class ServiceFilters(Schema):
    search: str = Field("", max_length=200, description="Words in the name or summary")
    taxonomy_term_id: str = Field("", description="An SSYK term (groups under it count) or kind")
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: DateTimeParam | None = None


def _model_filter(filters: ServiceFilters) -> Q | None:
    """The models that `filters` allow, as a condition; None when nothing can match."""
    condition = Q()
    for word in filters.search.split():
        condition &= Q(name__icontains=word) | Q(summary__icontains=word)
    if filters.taxonomy_term_id:
        term = _term_filter(filters.taxonomy_term_id)
        if term is None:
            return None
        condition &= term
    if filters.taxonomy_id:
        taxonomy = _taxonomy_filter(filters.taxonomy_id)
        if taxonomy is None:
            return None
        condition &= taxonomy
    if filters.organization_id:
        if filters.organization_id == VALNAV_ORGANISATION.id:
            condition &= Q(owner__isnull=True)
        else:
            owner = _organisation_pk(filters.organization_id)
            if owner is None:
                return None
            condition &= Q(owner_id=owner)
    return condition


def _modified_after(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# Endpoints --------------------------------------------------------------------------------


@router.get(
    "/",
    response=ApiInfo,
    url_name="hsds-root",
    summary="About this HSDS API",
)
def hsds_root(request: HttpRequest) -> ApiInfo:
    return ApiInfo(
        version=HSDS_VERSION,
        openapi_url=request.build_absolute_uri(reverse("api-v1:openapi-json")),
    )


@router.get(
    "/services",
    response={200: ServicePage, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-service-list",
    summary="Services (validation models), one-to-one fields only",
)
def hsds_services(
    request: HttpRequest, params: Query[PageParams], filters: Query[ServiceFilters]
) -> dict[str, Any]:
    models = exported_models().order_by("name", "pk")
    condition = _model_filter(filters)
    models = models.filter(condition) if condition is not None else models.none()
    if filters.modified_after:
        models = models.filter(updated_at__gte=_modified_after(filters.modified_after))
    return paged(models, params, service)


@router.get(
    "/services/{service_id}",
    response={200: HsdsService, 404: NotFound, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-service-detail",
    summary="One service, fully nested",
)
def hsds_service(request: HttpRequest, service_id: str) -> HsdsService:
    models = exported_models()
    pk = _matching(service_id, "validation-model", models.values_list("key", "pk"))
    model = with_occupations(models).filter(pk=pk).first() if pk else None
    if model is None:
        raise Http404("No such service.")
    return service(model, full=True, offers=list(exported_offers().filter(model=model)))


class OrganizationFilters(Schema):
    search: str = Field("", max_length=200, description="Words in the name")


@router.get(
    "/organizations",
    response={200: OrganizationPage, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-organization-list",
    summary="Organizations, one-to-one fields only",
)
def hsds_organizations(
    request: HttpRequest, params: Query[PageParams], filters: Query[OrganizationFilters]
) -> dict[str, Any]:
    found = organizations_for_export()
    words = filters.search.casefold().split()
    found = [o for o in found if all(word in o.name.casefold() for word in words)]
    return paged(found, params, lambda o: o)


@router.get(
    "/organizations/{organization_id}",
    response={200: HsdsOrganization, 404: NotFound, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-organization-detail",
    summary="One organization with its identifiers",
)
def hsds_organization(request: HttpRequest, organization_id: str) -> HsdsOrganization:
    if organization_id == VALNAV_ORGANISATION.id and _valnav_named():
        return VALNAV_ORGANISATION
    pk = _organisation_pk(organization_id)
    found = exported_organisations().filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404("No such organization.")
    return organization(found, full=True)


class ServiceAtLocationFilters(ServiceFilters):
    search: str = Field("", max_length=200, description="Words, as on the search page")
    organization_id: str = Field("", description="The provider, or the owner of the model")


@router.get(
    "/service_at_locations",
    response={200: ServiceAtLocationPage, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-service-at-location-list",
    summary="Services at locations (offers) with their locations",
)
def hsds_service_at_locations(
    request: HttpRequest, params: Query[PageParams], filters: Query[ServiceAtLocationFilters]
) -> dict[str, Any]:
    offers = exported_offers()
    if filters.search:
        found, _origin = offer_search(filters=SearchFilters(query=filters.search), base=offers)
        offers = offers.filter(pk__in=found.values("pk"))
    if filters.taxonomy_term_id or filters.taxonomy_id:
        condition = _model_filter(
            ServiceFilters(
                search="",
                taxonomy_term_id=filters.taxonomy_term_id,
                taxonomy_id=filters.taxonomy_id,
            )
        )
        offers = (
            offers.filter(model__in=ValidationModel.objects.filter(condition))
            if condition is not None
            else offers.none()
        )
    if filters.organization_id:
        if filters.organization_id == VALNAV_ORGANISATION.id:
            offers = offers.filter(model__owner__isnull=True)
        else:
            pk = _organisation_pk(filters.organization_id)
            offers = (
                offers.filter(Q(provider_id=pk) | Q(model__owner_id=pk)) if pk else offers.none()
            )
    if filters.modified_after:
        offers = offers.filter(updated_at__gte=_modified_after(filters.modified_after))
    return paged(offers, params, service_at_location)


@router.get(
    "/service_at_locations/{service_at_location_id}",
    response={200: HsdsServiceAtLocation, 404: NotFound, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-service-at-location-detail",
    summary="One service at a location, fully nested",
)
def hsds_service_at_location(
    request: HttpRequest, service_at_location_id: str
) -> HsdsServiceAtLocation:
    offers = exported_offers()
    pk = _matching(
        service_at_location_id, "offer", ((pk, pk) for pk in offers.values_list("pk", flat=True))
    )
    offer = offers.filter(pk=pk).first() if pk else None
    if offer is None:
        raise Http404("No such service at location.")
    return service_at_location(offer, full=True)


@router.get(
    "/taxonomies",
    response={200: TaxonomyPage, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-taxonomy-list",
    summary="The taxonomies: SSYK 2012 and Valnav's kinds of validation",
)
def hsds_taxonomies(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return paged(TAXONOMIES, params, TaxonomyInfo.hsds)


@router.get(
    "/taxonomies/{taxonomy_id}",
    response={200: HsdsTaxonomy, 404: NotFound, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-taxonomy-detail",
    summary="One taxonomy",
)
def hsds_taxonomy(request: HttpRequest, taxonomy_id: str) -> HsdsTaxonomy:
    for taxonomy in TAXONOMIES:
        if taxonomy.id == taxonomy_id:
            return taxonomy.hsds()
    raise Http404("No such taxonomy.")


class TermFilters(Schema):
    search: str = Field("", max_length=200, description="Words in the code or name")
    taxonomy_id: str = ""
    parent_id: str = ""
    top_only: bool = Field(False, description="Only terms without a parent")


@router.get(
    "/taxonomy_terms",
    response={200: TaxonomyTermPage, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-taxonomy-term-list",
    summary="Taxonomy terms: every SSYK 2012 group and kind of validation",
)
def hsds_taxonomy_terms(
    request: HttpRequest, params: Query[PageParams], filters: Query[TermFilters]
) -> dict[str, Any]:
    terms = all_terms()
    words = filters.search.casefold().split()
    terms = [
        term
        for term in terms
        if (not filters.taxonomy_id or term.taxonomy_id == filters.taxonomy_id)
        and (not filters.parent_id or term.parent_id == filters.parent_id)
        and (not filters.top_only or term.parent_id is None)
        and all(word in f"{term.code} {term.name}".casefold() for word in words)
    ]
    return paged(terms, params, lambda term: term)


@router.get(
    "/taxonomy_terms/{taxonomy_term_id}",
    response={200: HsdsTaxonomyTerm, 404: NotFound, 422: FieldErrors},
    exclude_none=True,
    url_name="hsds-taxonomy-term-detail",
    summary="One taxonomy term",
)
def hsds_taxonomy_term(request: HttpRequest, taxonomy_term_id: str) -> HsdsTaxonomyTerm:
    for term in all_terms():
        if term.id == taxonomy_term_id:
            return term
    raise Http404("No such taxonomy term.")


# The data package -------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One CSV table of the HSDS tabular format: its columns as in the HSDS schema."""

    name: str
    path: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (column, table it points at)


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


TABLES: Final = (
    Table(
        "organization",
        "organizations.csv",
        _columns(
            "id name alternate_name description email website tax_status tax_id "
            "year_incorporated legal_status logo uri parent_organization_id"
        ),
        ("id", "name", "description"),
    ),
    Table(
        "service",
        "services.csv",
        _columns(
            "id organization_id program_id name alternate_name description url email status "
            "interpretation_services application_process fees_description wait_time fees "
            "accreditations eligibility_description minimum_age maximum_age assured_date "
            "assurer_email licenses alert last_modified"
        ),
        ("id", "name", "status", "organization_id"),
        (("organization_id", "organization"),),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        ("id", "service_id", "location_id", "description"),
        ("id", "service_id", "location_id"),
        (("service_id", "service"), ("location_id", "location")),
    ),
    Table(
        "location",
        "locations.csv",
        _columns(
            "id location_type url organization_id name alternate_name description "
            "transportation latitude longitude external_identifier external_identifier_type"
        ),
        ("id", "location_type"),
        (("organization_id", "organization"),),
    ),
    Table(
        "address",
        "addresses.csv",
        _columns(
            "id location_id attention address_1 address_2 city region state_province "
            "postal_code country address_type"
        ),
        ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        (("location_id", "location"),),
    ),
    Table(
        "contact",
        "contacts.csv",
        _columns(
            "id organization_id service_id service_at_location_id location_id name title "
            "department email"
        ),
        ("id",),
        (("service_at_location_id", "service_at_location"),),
    ),
    Table(
        "phone",
        "phones.csv",
        _columns(
            "id location_id service_id organization_id contact_id service_at_location_id number "
            "extension type description"
        ),
        ("id", "number"),
        (("contact_id", "contact"),),
    ),
    Table(
        "language",
        "languages.csv",
        ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
        ("id",),
        (("location_id", "location"),),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
        ("id", "identifier_type", "identifier", "organization_id"),
        (("organization_id", "organization"),),
    ),
    Table(
        "taxonomy",
        "taxonomies.csv",
        ("id", "name", "description", "uri", "version"),
        ("id", "name", "description"),
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        _columns("id code name description parent_id taxonomy language taxonomy_id term_uri"),
        ("id", "name", "description"),
        (("taxonomy_id", "taxonomy"), ("parent_id", "taxonomy_term")),
    ),
    Table(
        "attribute",
        "attributes.csv",
        ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
        ("id", "link_id", "taxonomy_term_id", "link_entity"),
        (("taxonomy_term_id", "taxonomy_term"),),
    ),
)
_NUMBERS = frozenset(
    {"latitude", "longitude", "year_incorporated", "minimum_age", "maximum_age", "extension"}
)
_EMAILS = frozenset({"email", "assurer_email"})
_URIS = frozenset({"url", "website", "uri", "term_uri"})


def _field(table: Table, column: str) -> dict[str, Any]:
    """A Frictionless table-schema field for an HSDS column."""
    spec: dict[str, Any] = {"name": column, "type": "string"}
    if column == "id" or column.endswith("_id"):
        spec["format"] = "uuid"
    elif column in _EMAILS:
        spec["format"] = "email"
    elif column in _URIS:
        spec["format"] = "uri"
    elif column in _NUMBERS:
        spec["type"] = "number"
    elif column == "assured_date":
        spec["type"] = "date"
    elif column == "last_modified":
        spec["type"] = "datetime"
    unique = column == "id" or (column == "code" and table.name == "taxonomy_term")
    spec["constraints"] = {"required": column in table.required, "unique": unique}
    return spec


def datapackage_descriptor(*, created: datetime) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "valnav-hsds",
        "title": "Valnav – validering i Östra Mellansverige (HSDS 3.0)",
        "description": "Valideringsmodeller, deras erbjudanden och organisationer som Open "
        "Referral Human Services Data Specification 3.0.",
        "created": created.isoformat(),
        "resources": [
            {
                "name": table.name,
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [_field(table, column) for column in table.columns],
                    "primaryKey": "id",
                    "foreignKeys": [
                        {"fields": column, "reference": {"resource": target, "fields": "id"}}
                        for column, target in table.foreign_keys
                    ],
                },
            }
            for table in TABLES
        ],
    }


@dataclass
class Rows:
    """The rows of each table, as HSDS objects (their nested lists are written separately)."""

    by_table: dict[str, list[Schema]] = field(default_factory=lambda: {t.name: [] for t in TABLES})

    def add(self, table: str, *objects: Schema) -> None:
        self.by_table[table].extend(objects)


def export_rows() -> Rows:
    """Every exported object, flattened into the HSDS tables."""
    rows = Rows()
    for org in organizations_for_export(full=True):
        rows.add("organization", org)
        rows.add("organization_identifier", *(org.organization_identifiers or []))
    for model in with_occupations(exported_models()).order_by("name", "pk"):
        rows.add("service", service(model))
        rows.add("attribute", *service_attributes(model))
    for offer in exported_offers().iterator(chunk_size=2000):
        sal = service_at_location(offer, full=True)
        rows.add("service_at_location", sal)
        place = sal.location
        if place is not None:
            rows.add("location", place)
            rows.add("address", *(place.addresses or []))
            rows.add("language", *(place.languages or []))
        for contact in sal.contacts or []:
            rows.add("contact", contact)
            rows.add("phone", *(contact.phones or []))
    rows.add("taxonomy", *(taxonomy.hsds() for taxonomy in TAXONOMIES))
    rows.add("taxonomy_term", *all_terms())
    return rows


def _csv(table: Table, objects: Iterable[Schema]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=table.columns, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for obj in objects:
        values = obj.model_dump(exclude_none=True)
        writer.writerow(
            {
                column: spreadsheet_safe(value) if isinstance(value, str) else value
                for column in table.columns
                if column in values and not isinstance(value := values[column], list | dict)
            }
        )
    return out.getvalue()


def datapackage_zip() -> bytes:
    rows = export_rows()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json",
            json.dumps(
                datapackage_descriptor(created=timezone.now()), ensure_ascii=False, indent=2
            ),
        )
        for table in TABLES:
            archive.writestr(table.path, _csv(table, rows.by_table[table.name]))
    return buffer.getvalue()


@router.get(
    "/datapackage.zip",
    url_name="hsds-datapackage",
    summary="Everything as an HSDS 3.0 data package (datapackage.json and a CSV per table)",
    openapi_extra={
        # An int key, like Ninja's own: "200" beside 200 would repeat the key in the JSON.
        "responses": {
            200: {
                "description": "A zip file with datapackage.json and the HSDS CSV tables",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def hsds_datapackage(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(datapackage_zip(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="valnav-hsds.zip"'
    return response
