from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from valnav.atlas.models import (
    ComplementaryEducation,
    Criterion,
    ModelStep,
    Offer,
    RegionPolicy,
    ValidationModel,
)
from valnav.atlas.services import education_stems, offer_stems, search_stems_refresh
from valnav.core.admin import ValnavModelAdmin
from valnav.core.permissions import Perm


class StepInline(admin.TabularInline[ModelStep, ValidationModel]):
    model = ModelStep
    extra = 0


class CriterionInline(admin.TabularInline[Criterion, ValidationModel]):
    model = Criterion
    extra = 0


@admin.register(ValidationModel)
class ValidationModelAdmin(ValnavModelAdmin[ValidationModel]):
    """The catalogue comes from data/reference/validation_models.toml; edits here are for
    corrections between releases of that file."""

    perm = Perm.REVIEW_ATLAS
    list_display = ["name", "kind", "branch", "owner", "last_verified", "is_active"]
    list_filter = ["kind", "branch", "is_active"]
    search_fields = ["key", "name"]
    autocomplete_fields = ["owner", "occupations"]
    inlines = [StepInline, CriterionInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A model's name and occupations are part of its offers' search text.
        search_stems_refresh(model_ids=[form.instance.pk])


@admin.register(Offer)
class OfferAdmin(ValnavModelAdmin[Offer]):
    perm = Perm.REVIEW_ATLAS
    list_display = ["model", "provider", "municipality", "status", "last_reviewed", "is_demo"]
    list_filter = ["status", "is_demo", "model__kind", "municipality__county"]
    search_fields = ["external_id", "model__name", "provider__name", "municipality__name"]
    autocomplete_fields = ["model", "provider", "municipality"]
    list_select_related = ["model", "provider", "municipality"]

    def save_model(self, request: HttpRequest, obj: Offer, form: Any, change: bool) -> None:
        obj.search_stems = offer_stems(obj)
        super().save_model(request, obj, form, change)


@admin.register(ComplementaryEducation)
class ComplementaryEducationAdmin(ValnavModelAdmin[ComplementaryEducation]):
    perm = Perm.REVIEW_ATLAS
    list_display = ["title", "provider", "municipality", "form", "status", "is_demo"]
    list_filter = ["status", "form", "is_demo", "municipality__county"]
    search_fields = ["title", "code", "provider__name"]
    autocomplete_fields = ["provider", "municipality", "occupations", "closes_gaps_of"]
    list_select_related = ["provider", "municipality"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        education = form.instance
        education.search_stems = education_stems(education)
        education.save(update_fields=["search_stems"])


@admin.register(RegionPolicy)
class RegionPolicyAdmin(ValnavModelAdmin[RegionPolicy]):
    perm = Perm.REVIEW_ATLAS
    list_display = ["county", "review_required"]
