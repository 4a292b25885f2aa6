"""Writes for accounts: users, organisations and the roles people hold in them."""

from __future__ import annotations

from django.db import transaction

from valnav.accounts.models import Membership, Organisation, OrganisationKind, User
from valnav.core.permissions import Role
from valnav.places.models import Municipality


def user_create(*, email: str, full_name: str, password: str | None, is_demo: bool = False) -> User:
    with transaction.atomic():
        return User.objects.create_user(
            email=email, password=password, full_name=full_name, is_demo=is_demo
        )


def organisation_create(
    *,
    name: str,
    kind: OrganisationKind | str,
    org_number: str = "",
    municipality: Municipality | None = None,
    is_demo: bool = False,
) -> Organisation:
    """Create an organisation; an invalid organisationsnummer raises ValidationError."""
    organisation = Organisation(
        name=name, kind=kind, org_number=org_number, municipality=municipality, is_demo=is_demo
    )
    with transaction.atomic():
        organisation.full_clean()
        organisation.save()
    return organisation


def membership_grant(*, user: User, organisation: Organisation, role: Role | str) -> Membership:
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
    return membership
