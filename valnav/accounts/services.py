"""Writes for accounts: users, organisations, the roles people hold in them and their second
factor (django-otp's TOTP devices)."""

from __future__ import annotations

import enum

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.models import (
    ExternalIdentity,
    Membership,
    Organisation,
    OrganisationKind,
    User,
)
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


class CodeCheck(enum.Enum):
    """What became of a code typed in from an authenticator app."""

    ACCEPTED = "accepted"
    WRONG = "wrong"  # wrong, expired or already used
    THROTTLED = "throttled"  # too soon after wrong codes; the code was not even looked at


def totp_device_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made with a new secret if they have none. The set-up
    page shows its secret until a correct code confirms it; the same secret on every visit, so a
    reload does not undo a scan already made."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def totp_device_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Check `code` against `device` with django-otp's own rules: each code counts once, and
    every wrong code doubles the wait before the next try (ThrottlingMixin). The row is locked
    so that two requests at once cannot both spend one code or both skip the wait. A first
    correct code confirms a new device and removes any other unconfirmed one of the user."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _details = locked.verify_is_allowed()
        if not allowed:
            return CodeCheck.THROTTLED
        if not locked.verify_token(code):
            return CodeCheck.WRONG
        if not locked.confirmed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=locked.user_id, confirmed=False).delete()
    return CodeCheck.ACCEPTED


def external_identity_login(
    *, issuer: str, subject: str, email: str, email_verified: bool
) -> User | None:
    """The account an outside login belongs to, or None. A known subject logs in to its account;
    an unknown one is linked to the active account with the provider's verified e-mail address,
    if that account has no subject at this provider yet. Nothing else from the provider is kept."""
    if not issuer or not subject:
        return None
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is None:
            if not email_verified or not email:
                return None
            user = (
                User.objects.filter(email__iexact=email.strip(), is_active=True)
                .exclude(external_identities__issuer=issuer)
                .first()
            )
            if user is None:
                return None
            identity = ExternalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        if not identity.user.is_active:
            return None
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at", "updated_at"])
        return identity.user
