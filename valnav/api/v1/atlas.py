"""The atlas in the open API: offers, validation models, complementary education and the
organisations behind them.

Reads use the same search as the public pages (`offer_search`, `education_search`); writes go
through the atlas services, so the API obeys exactly the rules of the member pages. Anonymous
clients see what is published; a token also shows the drafts of its user's organisations.
"""

# No `from __future__ import annotations` here: Ninja resolves string annotations in the
# globals of the function it sees, which for @paginate views is ninja.pagination's.
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder, Status
from pydantic import ValidationInfo, field_validator

from valnav.accounts.models import Organisation, OrganisationKind
from valnav.api.auth import READ_AUTH, READ_SECURITY, WRITE_AUTH, api_user, token_user
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import (
    ApiPagination,
    Count,
    DateTimeParam,
    ObjectId,
    PageInput,
    Ref,
)
from valnav.atlas.models import (
    ComplementaryEducation,
    Criterion,
    EducationForm,
    ModelKind,
    ModelStep,
    Offer,
    Payer,
    PublicationStatus,
    ValidationModel,
)
from valnav.atlas.selectors import (
    SearchFilters,
    education_search,
    occupation_codes,
    offer_detail_queryset,
    offer_search_rows,
)
from valnav.atlas.services import (
    education_create,
    education_publish,
    education_update,
    offer_create,
    offer_publish,
    offer_update,
)
from valnav.lib.languages import ISO_639_1
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

router = Router(tags=["atlas"])

# Outgoing ---------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class OrganisationRef(Schema):
    id: int
    name: str


class MunicipalityRef(Schema):
    code: str = Field(description="SCB municipality code, four digits")
    name: str
    county_code: str

    @staticmethod
    def resolve_county_code(obj: Municipality) -> str:
        return obj.county.code


class ModelRef(Schema):
    id: int
    name: str
    kind: ModelKind


class BranchRef(Schema):
    key: str
    name_sv: str
    name_en: str


def _codes(occupations: Any) -> list[str]:
    """SSYK codes of a prefetched (or small) occupation relation, in code order."""
    return sorted(occupation.code for occupation in occupations.all())


class OfferOut(Schema):
    id: int
    model: ModelRef
    provider: OrganisationRef
    municipality: MunicipalityRef
    occupations: list[str] = Field(description="SSYK 2012 codes of the model's occupations")
    external_id: str = Field(description="The provider's own identifier")
    status: PublicationStatus
    address: str
    latitude: float | None
    longitude: float | None
    description: str
    on_site: bool
    remote: bool
    at_workplace: bool
    languages: list[str] = Field(description="ISO 639-1 codes of the assessment languages")
    capacity_per_year: int | None
    lead_time_weeks: int | None
    cost_to_individual: int | None = Field(
        description="SEK; 0: free of charge, null: the cost is not known"
    )
    eligibility: str
    contact_name: str
    contact_email: str
    contact_phone: str
    url: str
    valid_from: date | None
    valid_to: date | None
    last_reviewed: date | None
    updated_at: datetime
    distance_km: float | None = Field(
        None, description="From the centroid of the `municipality` asked for, if any"
    )

    @staticmethod
    def resolve_occupations(obj: Offer) -> list[str]:
        # A search page has them from the catalogue (offer_search_page); else the relation.
        codes: list[str] | None = getattr(obj, "occupation_codes", None)
        return codes if codes is not None else _codes(obj.model.occupations)

    @staticmethod
    def resolve_languages(obj: Offer) -> list[str]:
        return obj.language_codes

    @staticmethod
    def resolve_distance_km(obj: Offer) -> float | None:
        distance: float | None = getattr(obj, "distance_km", None)
        return distance


class StepOut(Schema):
    position: int
    title: str
    description: str


class CriterionOut(Schema):
    position: int
    code: str
    title: str
    description: str


class ModelOut(Schema):
    id: int
    key: str
    name: str
    kind: ModelKind
    branch: BranchRef | None
    owner: OrganisationRef | None
    summary: str
    occupations: list[str] = Field(description="SSYK 2012 codes")
    seqf_level: int | None
    outcome_documents: list[str]
    payer: Payer
    source_urls: list[str]
    last_verified: date | None
    updated_at: datetime

    @staticmethod
    def resolve_occupations(obj: ValidationModel) -> list[str]:
        return _codes(obj.occupations)


class ModelDetailOut(ModelOut):
    parties: str
    steps: list[StepOut]
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_steps(obj: ValidationModel) -> list[ModelStep]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_criteria(obj: ValidationModel) -> list[Criterion]:
        return list(obj.criteria.all())


class EducationOut(Schema):
    id: int
    title: str
    form: EducationForm
    code: str
    provider: OrganisationRef
    municipality: MunicipalityRef
    external_id: str
    status: PublicationStatus
    description: str
    occupations: list[str] = Field(description="SSYK 2012 codes")
    closes_gaps_of: list[int] = Field(
        description="Ids of the validation models whose gaps it closes"
    )
    start_dates: list[str]
    pace_percent: int
    remote: bool
    url: str
    valid_from: date | None
    valid_to: date | None
    last_reviewed: date | None
    updated_at: datetime
    distance_km: float | None = None

    @staticmethod
    def resolve_occupations(obj: ComplementaryEducation) -> list[str]:
        return _codes(obj.occupations)

    @staticmethod
    def resolve_closes_gaps_of(obj: ComplementaryEducation) -> list[int]:
        return sorted(model.pk for model in obj.closes_gaps_of.all())

    @staticmethod
    def resolve_start_dates(obj: ComplementaryEducation) -> list[str]:
        return [str(value) for value in obj.start_dates or []]

    @staticmethod
    def resolve_distance_km(obj: ComplementaryEducation) -> float | None:
        distance: float | None = getattr(obj, "distance_km", None)
        return distance


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    org_number: str = Field(description="Organisationsnummer, NNNNNN-NNNN, if known")
    municipality: MunicipalityRef | None
    website: str


# Filters ----------------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    """A time without zone is Swedish time, as everywhere on the platform."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class PlaceFilters(Schema):
    q: str = Field("", max_length=200, description="Words to search for, as on the search page")
    county: str = Field("", pattern=r"^(\d{2})?$", description="Two-digit county code")
    municipality: str = Field(
        "",
        pattern=r"^(\d{4})?$",
        description="Four-digit municipality code; results then carry distance_km",
    )
    within_km: int | None = Field(
        None,
        ge=0,
        le=2000,
        description="Only within this distance of `municipality`, which it needs (else 422)",
    )
    occupation: str = Field(
        "", pattern=r"^\d{0,4}$", description="SSYK code of any level (1–4 digits)"
    )
    remote: bool | None = None
    modified_after: DateTimeParam | None = Field(None, description="Changed after this time")

    @field_validator("within_km")
    @classmethod
    def distance_needs_a_place(cls, value: int | None, info: ValidationInfo) -> int | None:
        # A field validator (municipality is declared, so validated, before it), so that the
        # 422 names within_km rather than the whole query.
        if value is not None and not info.data.get("municipality"):
            raise ValueError("within_km needs municipality: the distance is counted from it")
        return value

    def search_filters(self, **extra: Any) -> SearchFilters:
        return SearchFilters(
            query=self.q,
            county=self.county,
            municipality=self.municipality,
            within_km=self.within_km if self.municipality else None,
            occupation=self.occupation,
            remote=self.remote,
            modified_after=_aware(self.modified_after),
            **extra,
        )


class OfferFilters(PlaceFilters):
    kind: ModelKind | None = None
    branch: str = Field("", max_length=40, description="Branch key, e.g. bygg")
    language: str = Field("", pattern=r"^([a-z]{2})?$", description="ISO 639-1 code")


class ModelFilters(Schema):
    kind: ModelKind | None = None
    branch: str = Field("", max_length=40)
    occupation: str = Field("", pattern=r"^\d{0,4}$", description="SSYK code of any level")
    modified_after: DateTimeParam | None = None


class OrganisationFilters(Schema):
    county: str = Field("", pattern=r"^(\d{2})?$")
    municipality: str = Field("", pattern=r"^(\d{4})?$")
    kind: OrganisationKind | None = None


# Incoming ---------------------------------------------------------------------------------


def _check_languages(codes: list[str] | None) -> list[str] | None:
    unknown = [code for code in codes or [] if code not in ISO_639_1]
    if unknown:
        raise ValueError(f"Not ISO 639-1 language codes: {', '.join(unknown)}")
    return codes


class OfferIn(Schema):
    model_id: Ref = Field(description="Id of an active validation model (GET /models)")
    provider_id: Ref = Field(description="Id of one of your organisations")
    external_id: str = Field(max_length=80, description="Your own identifier of the offer")
    municipality: str = Field(pattern=r"^\d{4}$", description="Four-digit municipality code")
    address: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    description: str = ""
    on_site: bool = True
    remote: bool = False
    at_workplace: bool = False
    languages: list[str] = Field(["sv"], description="ISO 639-1 codes")
    capacity_per_year: Count | None = None
    lead_time_weeks: Count | None = None
    cost_to_individual: Count | None = Field(
        None, description="SEK; 0: free of charge, null or left out: the cost is not known"
    )
    eligibility: str = ""
    contact_name: str = Field("", max_length=120)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=40)
    url: str = Field("", max_length=400)
    valid_from: date | None = None
    valid_to: date | None = None

    _languages = field_validator("languages")(_check_languages)


class OfferPatch(Schema):
    """Only the fields sent are changed."""

    model_id: Ref | None = None
    provider_id: Ref | None = None
    external_id: str | None = Field(None, max_length=80)
    municipality: str | None = Field(None, pattern=r"^\d{4}$")
    address: str | None = Field(None, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    description: str | None = None
    on_site: bool | None = None
    remote: bool | None = None
    at_workplace: bool | None = None
    languages: list[str] | None = None
    capacity_per_year: Count | None = None
    lead_time_weeks: Count | None = None
    cost_to_individual: Count | None = Field(None, description="SEK; null: the cost is not known")
    eligibility: str | None = None
    contact_name: str | None = Field(None, max_length=120)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=40)
    url: str | None = Field(None, max_length=400)
    valid_from: date | None = None
    valid_to: date | None = None

    _languages = field_validator("languages")(_check_languages)


class EducationIn(Schema):
    title: str = Field(max_length=200)
    provider_id: Ref = Field(description="Id of one of your organisations")
    external_id: str = Field(max_length=80)
    municipality: str = Field(pattern=r"^\d{4}$")
    form: EducationForm
    code: str = Field("", max_length=20)
    description: str = ""
    occupations: list[str] = Field([], description="SSYK 2012 codes")
    closes_gaps_of: list[Ref] = Field([], description="Ids of validation models")
    start_dates: list[date] = []
    pace_percent: int = Field(100, ge=1, le=100)
    remote: bool = False
    url: str = Field("", max_length=400)
    valid_from: date | None = None
    valid_to: date | None = None


class EducationPatch(Schema):
    """Only the fields sent are changed."""

    title: str | None = Field(None, max_length=200)
    provider_id: Ref | None = None
    external_id: str | None = Field(None, max_length=80)
    municipality: str | None = Field(None, pattern=r"^\d{4}$")
    form: EducationForm | None = None
    code: str | None = Field(None, max_length=20)
    description: str | None = None
    occupations: list[str] | None = None
    closes_gaps_of: list[Ref] | None = None
    start_dates: list[date] | None = None
    pace_percent: int | None = Field(None, ge=1, le=100)
    remote: bool | None = None
    url: str | None = Field(None, max_length=400)
    valid_from: date | None = None
    valid_to: date | None = None


# The model fields that the API names differently.
_API_NAMES = {"model": "model_id", "provider": "provider_id"}
_MODEL_NAMES = {api: model for model, api in _API_NAMES.items()}


def _errors(by_field: Mapping[str, list[str]]) -> NinjaValidationError:
    """Field errors in the shape Ninja gives its own 422 answers."""
    return NinjaValidationError(
        [
            {
                "loc": ["body", "payload"]
                + ([] if field == NON_FIELD_ERRORS else [_API_NAMES.get(field, field)]),
                "msg": str(message),
                "type": "validation_error",
            }
            for field, messages in by_field.items()
            for message in messages
        ]
    )


@contextmanager
def _service_errors() -> Iterator[None]:
    """A refusal by a service is 403; invalid data is 422 with the fields that are wrong."""
    try:
        yield
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Forbidden") from error
    except DjangoValidationError as error:
        by_field: Mapping[str, list[str]] = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {NON_FIELD_ERRORS: error.messages}
        )
        raise _errors(by_field) from error


def _references(target: type[Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Model data for `target` from API fields: ids and codes become the rows they name."""
    _refuse_nulls(target, fields)
    data = dict(fields)
    problems: dict[str, list[str]] = {}
    if "model_id" in data:
        model = ValidationModel.objects.active().filter(pk=data.pop("model_id")).first()
        if model is None:
            problems["model_id"] = [_("No active validation model has this id.")]
        data["model"] = model
    if "provider_id" in data:
        provider = Organisation.objects.filter(pk=data.pop("provider_id")).first()
        if provider is None:
            problems["provider_id"] = [_("No organisation has this id.")]
        data["provider"] = provider
    if "municipality" in data:
        municipality = Municipality.objects.filter(code=data["municipality"]).first()
        if municipality is None:
            problems["municipality"] = [_("No municipality has this code.")]
        data["municipality"] = municipality
    if "languages" in data:
        codes = list(dict.fromkeys(data["languages"] or []))
        data["languages"] = f",{','.join(codes)}," if codes else ""
    if "start_dates" in data:
        data["start_dates"] = [value.isoformat() for value in data["start_dates"] or []]
    if problems:
        raise _errors(problems)
    return data


def _refuse_nulls(model: type[Model], fields: Mapping[str, Any]) -> None:
    """A PATCH may send null only for fields that may be empty."""
    problems = {
        name: [_("This field cannot be null.")]
        for name, value in fields.items()
        if value is None and not _nullable(model, name)
    }
    if problems:
        raise _errors(problems)


def _nullable(model: type[Model], name: str) -> bool:
    field = model._meta.get_field(_MODEL_NAMES.get(name, name))
    return bool(getattr(field, "null", False))


def _occupations(codes: list[str]) -> list[Occupation]:
    found = list(Occupation.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {occupation.code for occupation in found})
    if unknown:
        message = _("Unknown SSYK codes: %(codes)s") % {"codes": ", ".join(unknown)}
        raise _errors({"occupations": [message]})
    return found


def _models(ids: list[int]) -> list[ValidationModel]:
    found = list(ValidationModel.objects.active().filter(pk__in=ids))
    unknown = sorted(set(ids) - {model.pk for model in found})
    if unknown:
        message = _("No active validation models have these ids: %(ids)s") % {
            "ids": ", ".join(map(str, unknown))
        }
        raise _errors({"closes_gaps_of": [message]})
    return found


# Offers -----------------------------------------------------------------------------------


def _offers_for(request: HttpRequest) -> QuerySet[Offer]:
    return Offer.objects.visible_to(api_user(request))


class OfferPage(Schema):
    count: int = Field(description="Number of all matching offers")
    items: list[OfferOut]


@router.get(
    "/offers",
    response={200: OfferPage, 422: FieldErrors},
    auth=READ_AUTH,
    openapi_extra=READ_SECURITY,
    url_name="offer-list",
    summary="Validation offers, filtered as on the search page",
)
def offer_list(
    request: HttpRequest, filters: Query[OfferFilters], page: Query[PageInput]
) -> HttpResponse:
    """Published offers, most relevant first (then nearest when `municipality` is given). With
    a token, also the drafts of the token user's organisations. `limit` (at most 200) and
    `offset` page through them.

    Rules between parameters, which OpenAPI cannot state in a parameter's schema: `within_km`
    needs `municipality` (the distance is counted from it); without it the answer is 422."""
    result = offer_search_rows(
        filters=filters.search_filters(
            kind=filters.kind or "",
            branch=filters.branch,
            language=filters.language,
            # The API reads English labels as well as Swedish words.
            words_language="en",
        ),
        offset=page.offset,
        size=page.limit,
        # Anonymous clients see what is published, which the search starts from by itself
        # (and can then count from its per-place table).
        base=_offers_for(request) if api_user(request).is_authenticated else None,
    )
    # Written out directly, in the shape OfferPage declares (tests compare the two): Ninja's
    # validation read each offer's thirty fields through its attribute wrapper, a fifth of the
    # request's time, to check values the database already gave in these types.
    body = {"count": result.count, "items": [_offer_out(row) for row in result.items]}
    return JsonResponse(body, encoder=NinjaJSONEncoder, content_type=JSON_CONTENT_TYPE)


JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _offer_out(row: dict[str, Any]) -> dict[str, Any]:
    """What OfferOut gives for a row of `offer_search_rows`, without validation."""
    latitude, longitude, distance = row["latitude"], row["longitude"], row["distance_km"]
    return {
        "id": row["id"],
        "model": {"id": row["model_id"], "name": row["model__name"], "kind": row["model__kind"]},
        "provider": {"id": row["provider_id"], "name": row["provider__name"]},
        "municipality": {
            "code": row["municipality__code"],
            "name": row["municipality__name"],
            "county_code": row["municipality__county__code"],
        },
        "occupations": row["occupation_codes"],
        "external_id": row["external_id"],
        "status": row["status"],
        "address": row["address"],
        "latitude": None if latitude is None else float(latitude),
        "longitude": None if longitude is None else float(longitude),
        "description": row["description"],
        "on_site": row["on_site"],
        "remote": row["remote"],
        "at_workplace": row["at_workplace"],
        "languages": [code for code in row["languages"].split(",") if code],
        "capacity_per_year": row["capacity_per_year"],
        "lead_time_weeks": row["lead_time_weeks"],
        "cost_to_individual": row["cost_to_individual"],
        "eligibility": row["eligibility"],
        "contact_name": row["contact_name"],
        "contact_email": row["contact_email"],
        "contact_phone": row["contact_phone"],
        "url": row["url"],
        "valid_from": row["valid_from"],
        "valid_to": row["valid_to"],
        "last_reviewed": row["last_reviewed"],
        "updated_at": row["updated_at"],
        "distance_km": None if distance is None else float(distance),
    }


@router.get(
    "/offers/{offer_id}",
    response={200: OfferOut, 404: Message, 422: FieldErrors},
    auth=READ_AUTH,
    openapi_extra=READ_SECURITY,
    url_name="offer-detail",
    summary="One offer",
)
def offer_detail(request: HttpRequest, offer_id: ObjectId) -> Offer:
    return get_object_or_404(offer_detail_queryset(_offers_for(request)), pk=offer_id)


@router.post(
    "/offers",
    response={201: OfferOut, 400: Message, 401: Message, 403: Message, 422: FieldErrors},
    auth=WRITE_AUTH,
    url_name="offer-create",
    summary="Create a draft offer for one of your organisations",
)
def offer_create_view(request: HttpRequest, payload: OfferIn) -> Status[Offer]:
    data = _references(Offer, payload.model_dump())
    with _service_errors():
        offer = offer_create(actor=token_user(request), data=data)
    return Status(201, offer)


@router.patch(
    "/offers/{offer_id}",
    response={
        200: OfferOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        422: FieldErrors,
    },
    auth=WRITE_AUTH,
    url_name="offer-update",
    summary="Change some fields of an offer",
)
def offer_update_view(request: HttpRequest, offer_id: ObjectId, payload: OfferPatch) -> Offer:
    offer = get_object_or_404(_offers_for(request), pk=offer_id)
    data = _references(Offer, payload.model_dump(exclude_unset=True))
    with _service_errors():
        return offer_update(offer=offer, actor=token_user(request), data=data)


@router.post(
    "/offers/{offer_id}/publish",
    response={200: OfferOut, 401: Message, 403: Message, 404: Message, 422: FieldErrors},
    auth=WRITE_AUTH,
    url_name="offer-publish",
    summary="Publish an offer (or send it for review where the region wants that)",
)
def offer_publish_view(request: HttpRequest, offer_id: ObjectId) -> Offer:
    offer = get_object_or_404(_offers_for(request), pk=offer_id)
    with _service_errors():
        return offer_publish(offer=offer, actor=token_user(request))


# Validation models ------------------------------------------------------------------------


def _models_queryset() -> QuerySet[ValidationModel]:
    return (
        ValidationModel.objects.active()
        .select_related("branch", "owner")
        .prefetch_related(Prefetch("occupations", queryset=Occupation.objects.order_by("code")))
    )


@router.get(
    "/models",
    response={200: list[ModelOut], 422: FieldErrors},
    url_name="model-list",
    summary="Active validation models",
)
@paginate(ApiPagination)
def model_list(request: HttpRequest, filters: Query[ModelFilters]) -> QuerySet[ValidationModel]:
    queryset = _models_queryset()
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.branch:
        queryset = queryset.filter(branch__key=filters.branch)
    if filters.occupation:
        queryset = queryset.filter(
            pk__in=ValidationModel.objects.filter(
                occupations__in=occupation_codes(filters.occupation)
            ).values("pk")
        )
    if filters.modified_after:
        queryset = queryset.filter(updated_at__gt=_aware(filters.modified_after))
    return queryset.order_by("name", "pk")


@router.get(
    "/models/{model_id}",
    response={200: ModelDetailOut, 404: Message, 422: FieldErrors},
    url_name="model-detail",
    summary="One validation model with its steps and criteria",
)
def model_detail(request: HttpRequest, model_id: ObjectId) -> ValidationModel:
    return get_object_or_404(_models_queryset().prefetch_related("steps", "criteria"), pk=model_id)


# Complementary education ------------------------------------------------------------------


def _education_for(request: HttpRequest) -> QuerySet[ComplementaryEducation]:
    return ComplementaryEducation.objects.visible_to(api_user(request))


def _with_relations(
    queryset: QuerySet[ComplementaryEducation],
) -> QuerySet[ComplementaryEducation]:
    return queryset.select_related("provider", "municipality__county").prefetch_related(
        Prefetch("occupations", queryset=Occupation.objects.order_by("code")),
        Prefetch("closes_gaps_of", queryset=ValidationModel.objects.only("pk")),
    )


@router.get(
    "/education",
    response={200: list[EducationOut], 422: FieldErrors},
    auth=READ_AUTH,
    openapi_extra=READ_SECURITY,
    url_name="education-list",
    summary="Complementary education, filtered as on the search page",
)
@paginate(ApiPagination)
def education_list(
    request: HttpRequest, filters: Query[PlaceFilters]
) -> QuerySet[ComplementaryEducation]:
    """Published complementary education, as on the search page; with a token, also the drafts
    of the token user's organisations.

    Rules between parameters, which OpenAPI cannot state in a parameter's schema: `within_km`
    needs `municipality` (the distance is counted from it); without it the answer is 422."""
    queryset, _origin = education_search(
        filters=filters.search_filters(), base=_education_for(request)
    )
    return _with_relations(queryset)


@router.get(
    "/education/{education_id}",
    response={200: EducationOut, 404: Message, 422: FieldErrors},
    auth=READ_AUTH,
    openapi_extra=READ_SECURITY,
    url_name="education-detail",
    summary="One complementary education",
)
def education_detail(request: HttpRequest, education_id: ObjectId) -> ComplementaryEducation:
    return get_object_or_404(_with_relations(_education_for(request)), pk=education_id)


@router.post(
    "/education",
    response={201: EducationOut, 400: Message, 401: Message, 403: Message, 422: FieldErrors},
    auth=WRITE_AUTH,
    url_name="education-create",
    summary="Create draft complementary education for one of your organisations",
)
def education_create_view(
    request: HttpRequest, payload: EducationIn
) -> Status[ComplementaryEducation]:
    fields = payload.model_dump()
    occupations = _occupations(fields.pop("occupations"))
    models = _models(fields.pop("closes_gaps_of"))
    data = _references(ComplementaryEducation, fields)
    with _service_errors():
        education = education_create(
            actor=token_user(request),
            data=data,
            occupations=occupations,
            closes_gaps_of=models,
        )
    return Status(201, education)


@router.patch(
    "/education/{education_id}",
    response={
        200: EducationOut,
        400: Message,
        401: Message,
        403: Message,
        404: Message,
        422: FieldErrors,
    },
    auth=WRITE_AUTH,
    url_name="education-update",
    summary="Change some fields of complementary education",
)
def education_update_view(
    request: HttpRequest, education_id: ObjectId, payload: EducationPatch
) -> ComplementaryEducation:
    education = get_object_or_404(_education_for(request), pk=education_id)
    fields = payload.model_dump(exclude_unset=True)
    _refuse_nulls(ComplementaryEducation, fields)
    codes = fields.pop("occupations", None)
    ids = fields.pop("closes_gaps_of", None)
    occupations = _occupations(codes) if codes is not None else None
    models = _models(ids) if ids is not None else None
    data = _references(ComplementaryEducation, fields)
    with _service_errors():
        return education_update(
            education=education,
            actor=token_user(request),
            data=data,
            occupations=occupations,
            closes_gaps_of=models,
        )


@router.post(
    "/education/{education_id}/publish",
    response={200: EducationOut, 401: Message, 403: Message, 404: Message, 422: FieldErrors},
    auth=WRITE_AUTH,
    url_name="education-publish",
    summary="Publish complementary education (or send it for review)",
)
def education_publish_view(request: HttpRequest, education_id: ObjectId) -> ComplementaryEducation:
    education = get_object_or_404(_education_for(request), pk=education_id)
    with _service_errors():
        return education_publish(education=education, actor=token_user(request))


# Organisations ----------------------------------------------------------------------------


def public_organisations() -> QuerySet[Organisation]:
    """Organisations that offer or own something public: the only ones the API names, so an
    employer that merely uses the platform is not listed."""
    return Organisation.objects.filter(
        Q(pk__in=Offer.objects.published().values("provider_id"))
        | Q(pk__in=ComplementaryEducation.objects.published().values("provider_id"))
        | Q(pk__in=ValidationModel.objects.active().values("owner_id"))
    ).select_related("municipality__county")


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], 422: FieldErrors},
    url_name="organisation-list",
    summary="Organisations that provide or own published offers, education or models",
)
@paginate(ApiPagination)
def organisation_list(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> QuerySet[Organisation]:
    queryset = public_organisations()
    if filters.county:
        queryset = queryset.filter(municipality__county__code=filters.county)
    if filters.municipality:
        queryset = queryset.filter(municipality__code=filters.municipality)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset.order_by("name", "pk")


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 404: Message, 422: FieldErrors},
    url_name="organisation-detail",
    summary="One organisation",
)
def organisation_detail(request: HttpRequest, organisation_id: ObjectId) -> Organisation:
    return get_object_or_404(public_organisations(), pk=organisation_id)
