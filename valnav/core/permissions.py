"""Who may do what, defined once and used by views, the API and the admin alike.

A person holds roles through memberships in organisations. A permission is granted to a set of
roles; `user_has_perm` answers for a user and `valnav.core.decorators.require_perm` guards
a view.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    REGIONAL_STRATEGIST = "regional_strategist", _("Regional strategist (RUA)")
    ASSESSOR = "assessor", _("Assessor")
    GUIDANCE_COUNSELLOR = "guidance_counsellor", _("Guidance counsellor")
    COMMUNICATOR = "communicator", _("Communicator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    EMPLOYER_REPRESENTATIVE = "employer_representative", _("Employer representative")


class Perm(enum.StrEnum):
    """Capabilities. Add one here and grant it in ROLE_PERMISSIONS; never check roles directly."""

    USE_ADMIN = "use_admin"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_REFERENCE_DATA = "manage_reference_data"
    VIEW_STAFF_PAGES = "view_staff_pages"
    VIEW_ORGANISATIONS = "view_organisations"
    EDIT_OWN_ATLAS = "edit_own_atlas"  # offers and education of one's own organisations
    REVIEW_ATLAS = "review_atlas"  # see and publish every organisation's atlas entries
    IMPORT_ATLAS = "import_atlas"
    MANAGE_API_TOKENS = "manage_api_tokens"  # one's own tokens for writing through the API
    # Casework. Which cases is decided by ValidationCase.objects.visible_to (own organisation
    # and referrals); these say who gets the pages at all.
    HANDLE_CASES = "handle_cases"
    IMPORT_CASES = "import_cases"
    VIEW_ACCESS_LOG = "view_access_log"  # search and export who read or wrote personal data
    VIEW_CASE_STATISTICS = "view_case_statistics"  # aggregates only, suppressed below 5
    # Insights: demand, gaps, equity, focus scoring and value. Public figures need no perm.
    VIEW_INSIGHTS = "view_insights"
    IMPORT_DEMAND = "import_demand"  # Yrkesbarometer and population files
    # Outreach: information material, events and networks. Published pages need no perm.
    EDIT_MATERIALS = "edit_materials"  # write drafts and send them for review
    PUBLISH_MATERIALS = "publish_materials"  # review, publish and archive
    MANAGE_EVENTS = "manage_events"  # events, registrations, attendance, evaluations
    MANAGE_NETWORKS = "manage_networks"  # networks, meetings, minutes and efforts
    # Governance: which projects and which region's part is decided by the project's own
    # roles (governance.Project.objects.visible_to); these say who gets the pages at all.
    VIEW_PROJECTS = "view_projects"
    MANAGE_PROJECTS = "manage_projects"  # edit goals, budget, import ledgers, requisitions


_EVERY_MEMBER = frozenset({Perm.VIEW_STAFF_PAGES})

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.ADMINISTRATOR: frozenset(Perm),
    Role.REGIONAL_STRATEGIST: _EVERY_MEMBER
    | {
        Perm.VIEW_ORGANISATIONS,
        Perm.EDIT_OWN_ATLAS,
        Perm.REVIEW_ATLAS,
        Perm.IMPORT_ATLAS,
        Perm.MANAGE_API_TOKENS,
        Perm.VIEW_CASE_STATISTICS,
        Perm.VIEW_INSIGHTS,
        Perm.IMPORT_DEMAND,
        Perm.EDIT_MATERIALS,
        Perm.MANAGE_EVENTS,
        Perm.MANAGE_NETWORKS,
        Perm.VIEW_PROJECTS,
    },
    Role.ASSESSOR: _EVERY_MEMBER
    | {
        Perm.EDIT_OWN_ATLAS,
        Perm.IMPORT_ATLAS,
        Perm.MANAGE_API_TOKENS,
        Perm.HANDLE_CASES,
        Perm.IMPORT_CASES,
    },
    Role.GUIDANCE_COUNSELLOR: _EVERY_MEMBER | {Perm.HANDLE_CASES},
    Role.COMMUNICATOR: _EVERY_MEMBER
    | {Perm.EDIT_MATERIALS, Perm.PUBLISH_MATERIALS, Perm.MANAGE_EVENTS, Perm.MANAGE_NETWORKS},
    Role.PROJECT_MANAGER: _EVERY_MEMBER
    | {
        Perm.VIEW_PROJECTS,
        Perm.MANAGE_PROJECTS,
        Perm.VIEW_ORGANISATIONS,
        Perm.VIEW_CASE_STATISTICS,
        Perm.VIEW_INSIGHTS,
        Perm.EDIT_MATERIALS,
        Perm.PUBLISH_MATERIALS,
        Perm.MANAGE_EVENTS,
        Perm.MANAGE_NETWORKS,
    },
    Role.EMPLOYER_REPRESENTATIVE: _EVERY_MEMBER,
}


class RoleHolder(Protocol):
    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...

    def role_set(self) -> frozenset[str]: ...


def perms_for_roles(roles: frozenset[str]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(granted)


def user_perms(user: RoleHolder | AnonymousUser) -> frozenset[Perm]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    role_set = getattr(user, "role_set", None)
    if role_set is None:
        return frozenset()
    return perms_for_roles(role_set())


def user_has_perm(user: RoleHolder | AnonymousUser, perm: Perm) -> bool:
    return perm in user_perms(user)


# Permissions that open individuals' personal data (cases with their personnummer, evidence,
# register extracts, the access log) or every account and role on the platform (the admin). Whoever
# holds one of them confirms each login with a second factor (TOTP) besides the password, so a
# guessed or leaked password alone opens none of it. Derived from permissions, not roles: a role
# that is given one of these later is asked too. (Event registrations, with names and e-mail
# addresses of the public, are not among them: ordinary contact details, not case data under
# secrecy.)
SECOND_FACTOR_PERMS: frozenset[Perm] = frozenset(
    {
        Perm.USE_ADMIN,
        Perm.MANAGE_ACCOUNTS,
        Perm.HANDLE_CASES,
        Perm.IMPORT_CASES,
        Perm.VIEW_ACCESS_LOG,
    }
)


def needs_second_factor(user: RoleHolder | AnonymousUser) -> bool:
    """Whether `user` must pass a second factor before using the site: everyone holding a
    permission in SECOND_FACTOR_PERMS, and superusers and staff whatever their roles (Django's own
    flags open the admin). valnav.accounts.middleware enforces it."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    return not SECOND_FACTOR_PERMS.isdisjoint(user_perms(user))
