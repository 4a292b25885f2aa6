"""Reads over users and organisations."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from valnav.accounts.models import Membership, Organisation, User


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__municipality__county"
    )


def organisation_list() -> QuerySet[Organisation]:
    return (
        Organisation.objects.select_related("municipality__county")
        .annotate(member_count=Count("memberships__user", distinct=True))
        .order_by("name")
    )
