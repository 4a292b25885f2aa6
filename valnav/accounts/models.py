"""People, the organisations they work for, and the roles they hold there."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from valnav.core.models import BaseModel
from valnav.core.permissions import Role
from valnav.lib.orgnr import OrgNumberError, normalize_orgnr

ORGNR_MESSAGES = {
    "format": _("An organisationsnummer has ten digits, written NNNNNN-NNNN."),
    "group": _(
        "The third digit of an organisationsnummer is at least 2; this looks like a personnummer."
    ),
    "checksum": _("The check digit (the last digit) of this organisationsnummer is wrong."),
}


def validate_orgnr(value: str) -> None:
    try:
        normalize_orgnr(value)
    except OrgNumberError as error:
        raise ValidationError(ORGNR_MESSAGES[error.code], code=f"orgnr_{error.code}") from error


def normalise_email(value: str | None) -> str:
    """An e-mail address as accounts are stored and looked up: without surrounding spaces and in
    lower case. One person, one spelling: logins, lockouts and new accounts all use it."""
    return (value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Individuals being validated are not users."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Technical flag kept for Django; access follows the roles."),
    )
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        help_text=_("Demo personas can only log in on a development installation."),
    )
    date_joined = models.DateTimeField(_("joined"), auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        # Accounts made or changed in the admin are stored as logins look them up.
        super().clean()
        self.email = normalise_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def role_set(self) -> frozenset[str]:
        """Roles held in any organisation; cached for the request (the user object's life)."""
        return self._roles

    @cached_property
    def _roles(self) -> frozenset[str]:
        roles = set(self.memberships.values_list("role", flat=True))
        if self.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        return frozenset(roles)


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality / Komvux principal")
    BRANCH_ORGANISATION = "branch_organisation", _("Branch organisation / trade board")
    EDUCATION_PROVIDER = "education_provider", _("Education provider")
    PUBLIC_EMPLOYMENT_SERVICE = "public_employment_service", _("Arbetsförmedlingen")
    EMPLOYER = "employer", _("Employer")
    UNION = "union", _("Trade union")
    OTHER = "other", _("Other")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def in_county(self, county_code: str) -> OrganisationQuerySet:
        return self.filter(municipality__county__code=county_code)


class Organisation(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        validators=[validate_orgnr],
        help_text=_("Ten digits, NNNNNN-NNNN."),
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("home municipality"),
    )
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~models.Q(org_number=""),
                name="organisation_org_number_unique",
                violation_error_message=_("An organisation with this organisationsnummer exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.org_number:
            with contextlib.suppress(OrgNumberError):  # the field validator reports it
                self.org_number = normalize_orgnr(self.org_number)


class Membership(BaseModel):
    """A user's role in an organisation. One user may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"


class ExternalIdentity(BaseModel):
    """A login at an outside identity provider (OIDC: Freja eID or a broker for BankID; SAML:
    Sweden Connect or a municipality's SSO), bound to one Valnav account.

    Only the provider and its pseudonymous subject (`sub`) are kept: never the personnummer or
    any other claim, which the provider may send but Valnav does not need to know who logs in
    again. The first login links the subject to the account whose verified e-mail address the
    provider gives; accounts themselves are still created by administrators.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["issuer", "user"], name="external_identity_one_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"


class SecondFactorEnrolment(BaseModel):
    """A link that lets its holder set up a second-factor device for one account, once, before
    it expires. Setting up a device takes the password *and* this link, sent to the account's own
    e-mail address (by the user's request or an administrator's), so a stolen password alone
    cannot add the thief's phone. Only the SHA-256 of the link's token is kept: the token itself
    is in the e-mail and nowhere else."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="second_factor_enrolments",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    issued_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by administrator"),
    )

    class Meta:
        verbose_name = _("second-factor enrolment link")
        verbose_name_plural = _("second-factor enrolment links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
