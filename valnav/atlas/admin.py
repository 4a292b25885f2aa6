from __future__ import annotations

from django.contrib import admin

from valnav.atlas.models import (
    ComplementaryEducation,
    Criterion,
    ModelStep,
    Offer,
    RegionPolicy,
    ValidationModel,
)
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


@admin.register(Offer)
class OfferAdmin(ValnavModelAdmin[Offer]):
    perm = Perm.REVIEW_ATLAS
    list_display = ["model", "provider", "municipality", "status", "last_reviewed", "is_demo"]
    list_filter = ["status", "is_demo", "model__kind", "municipality__county"]
    search_fields = ["external_id", "model__name", "provider__name", "municipality__name"]
    autocomplete_fields = ["model", "provider", "municipality"]
    list_select_related = ["model", "provider", "municipality"]


@admin.register(ComplementaryEducation)
class ComplementaryEducationAdmin(ValnavModelAdmin[ComplementaryEducation]):
    perm = Perm.REVIEW_ATLAS
    list_display = ["title", "provider", "municipality", "form", "status", "is_demo"]
    list_filter = ["status", "form", "is_demo", "municipality__county"]
    search_fields = ["title", "code", "provider__name"]
    autocomplete_fields = ["provider", "municipality", "occupations", "closes_gaps_of"]
    list_select_related = ["provider", "municipality"]


@admin.register(RegionPolicy)
class RegionPolicyAdmin(ValnavModelAdmin[RegionPolicy]):
    perm = Perm.REVIEW_ATLAS
    list_display = ["county", "review_required"]
