"""Reads over users and organisations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.models import (
    Membership,
    Organisation,
    OrganisationKind,
    SecondFactorEnrolment,
    User,
)
from valnav.core.permissions import ROLE_PERMISSIONS, Perm, user_has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# Whoever holds REVIEW_ATLAS reviews, and so edits and imports, every organisation's atlas
# entries. Scoping a regional strategist to their own county is a product decision left for
# later; until then a reviewer anywhere is a reviewer everywhere.
_ATLAS_PERMS = frozenset({Perm.EDIT_OWN_ATLAS, Perm.IMPORT_ATLAS, Perm.REVIEW_ATLAS})


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


def guidance_organisations() -> QuerySet[Organisation]:
    """Each municipality's own organisation (its Komvux principal), where a visitor asks for
    study and career guidance (vägledning): the route finder, the search's empty result and the
    places page name it, first by name where a municipality has more than one."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, municipality__isnull=False)
        .select_related("municipality")
        .order_by("name", "pk")
    )


def guidance_contacts_by_municipality() -> dict[int, Organisation]:
    """The vägledning contact of every municipality that has one, by municipality id."""
    contacts: dict[int, Organisation] = {}
    for organisation in guidance_organisations():
        if organisation.municipality_id is not None:  # always: filtered above
            contacts.setdefault(organisation.municipality_id, organisation)
    return contacts


def organisations_with_perm(*, user: User | AnonymousUser, perm: Perm) -> QuerySet[Organisation]:
    """The organisations in which the user may use `perm`: those where they hold a role whose
    permissions include it.

    A role counts only in the organisation that gave it: an assessor at Komvux who is also an
    employer representative at a firm edits the atlas of Komvux, not of the firm. Superusers may
    do everything everywhere, and atlas reviewers (REVIEW_ATLAS) act on every organisation's
    atlas entries. The result is lazy, so it can be used as a subquery without a query of its own.
    """
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    if (
        perm in _ATLAS_PERMS
        and user_has_perm(user, perm)
        and user_has_perm(user, Perm.REVIEW_ATLAS)
    ):
        return Organisation.objects.all()
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk, role__in=roles).values("organisation_id")
    )


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's TOTP device that a correct code has confirmed, if any. An administrator resets
    a lost one by deleting it in the admin; the user then sets up a new one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _enrolments_open() -> QuerySet[SecondFactorEnrolment]:
    return SecondFactorEnrolment.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())


def enrolment_by_token_hash(*, token_hash: str) -> SecondFactorEnrolment | None:
    """The unused, unexpired enrolment link whose token has this hash, if any."""
    return _enrolments_open().filter(token_hash=token_hash).first()


def enrolment_for(*, user: User, pk: object) -> SecondFactorEnrolment | None:
    """The unused, unexpired enrolment link `pk` if it is `user`'s, else None."""
    if not isinstance(pk, int):
        return None
    return _enrolments_open().filter(pk=pk, user=user).first()


def recovery_codes_left(*, user: User) -> int:
    count: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return count
