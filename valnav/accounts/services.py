"""Writes for accounts: users, organisations, the roles people hold in them and their second
factor (django-otp's TOTP devices)."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from valnav.accounts.models import (
    ExternalIdentity,
    Membership,
    Organisation,
    OrganisationKind,
    SecondFactorEnrolment,
    User,
)
from valnav.core.http import public_url
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
    LINK_SPENT = "link_spent"  # the enrolment link was used or expired meanwhile


def enrolment_token_hash(token: str) -> str:
    """What is stored of an enrolment token. The token has 128 random bits, so a plain SHA-256
    cannot be reversed by trying tokens; a slow hash would only slow the login."""
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_link_issue(*, user: User, issued_by: User | None = None) -> str:
    """A new token for setting up a device on `user`'s account, returned once: only its hash is
    stored. It replaces the user's earlier unused links."""
    # 128 random bits, far beyond guessing within the link's day; and short enough that the link
    # stays on one line of a quoted-printable e-mail (the console backend of `make run` prints it
    # raw, and a link broken by a soft line break cannot be opened).
    token = secrets.token_urlsafe(16)
    with transaction.atomic():
        SecondFactorEnrolment.objects.filter(user=user, used_at__isnull=True).delete()
        SecondFactorEnrolment.objects.create(
            user=user,
            token_hash=enrolment_token_hash(token),
            expires_at=timezone.now() + timedelta(hours=settings.VALNAV_ENROLMENT_LINK_HOURS),
            issued_by=issued_by,
        )
    return token


def enrolment_link_send(*, user: User, issued_by: User | None = None) -> None:
    """E-mail `user` a link to set up a second-factor device, to the address of the account.

    Sent at once, not through a background task: a task keeps its arguments in the database,
    and the token must be nowhere but in the e-mail."""
    token = enrolment_link_issue(user=user, issued_by=issued_by)
    link = public_url(reverse("accounts:second-factor-enrol", kwargs={"token": token}))
    body = render_to_string(
        "accounts/second_factor_enrolment_email.txt",
        {
            "user": user,
            "link": link,
            "hours": settings.VALNAV_ENROLMENT_LINK_HOURS,
            "by_administrator": issued_by is not None,
        },
    )
    send_mail(_("Set up two-step verification for Valnav"), body, None, [user.email])


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


def totp_device_enrol(
    *, enrolment: SecondFactorEnrolment, device: TOTPDevice, code: str
) -> tuple[CodeCheck, list[str]]:
    """Confirm the new `device` with `code`, spending the enrolment link, and make the user's
    recovery codes: what became of the code, and the codes (to be shown once; empty unless
    accepted). The link is locked and checked first, so two requests cannot both use it."""
    with transaction.atomic():
        link = SecondFactorEnrolment.objects.select_for_update().get(pk=enrolment.pk)
        if (
            link.used_at is not None
            or link.expires_at <= timezone.now()
            or link.user_id != device.user_id
        ):
            return CodeCheck.LINK_SPENT, []
        result = totp_device_check(device=device, code=code)
        if result is not CodeCheck.ACCEPTED:
            return result, []
        link.used_at = timezone.now()
        link.save(update_fields=["used_at", "updated_at"])
        return result, recovery_codes_replace(user=link.user)


def recovery_codes_replace(*, user: User) -> list[str]:
    """New recovery codes for `user` (django-otp's static tokens), replacing any earlier ones;
    returned so that they can be shown once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="Recovery codes", defaults={"confirmed": True}
        )
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.VALNAV_RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_code_check(*, user: User, code: str) -> tuple[CodeCheck, StaticDevice | None]:
    """Check a recovery code of `user`; an accepted one is spent (django-otp deletes it). Wrong
    codes make the next try wait, as for the app's codes."""
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return CodeCheck.WRONG, None
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            return CodeCheck.THROTTLED, device
        if not device.verify_token(code):
            return CodeCheck.WRONG, device
    return CodeCheck.ACCEPTED, device


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
