"""Reads: which projects a person sees, and which part of a project.

Everyone who sees a project sees all of it, except the representatives of partner regions:
they read their own region's part (budget lines, actuals and activities of their county).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from valnav.accounts.models import User
from valnav.core.permissions import Perm, user_has_perm
from valnav.governance.models import Activity, Actual, BudgetLine, MemberRole, Project

if TYPE_CHECKING:
    from valnav.places.models import County

WHOLE_PROJECT_ROLES = {
    MemberRole.CHAIR,
    MemberRole.PROJECT_MANAGER,
    MemberRole.ECONOMIST,
    MemberRole.COMMUNICATOR,
}


@dataclass(frozen=True)
class Scope:
    """What of a project a person reads: everything (region None) or one region's part."""

    project: Project
    whole: bool
    region: County | None  # the partner's region when not whole (None: a region unknown)
    can_manage: bool

    def budget_lines(self) -> QuerySet[BudgetLine]:
        lines = self.project.budget_lines.select_related("region")
        return lines if self.whole else lines.filter(region=self.region)

    def actuals(self) -> QuerySet[Actual]:
        actuals = self.project.actuals.select_related("region")
        return actuals if self.whole else actuals.filter(region=self.region)

    def activities(self) -> QuerySet[Activity]:
        activities = Activity.objects.filter(sub_goal__project=self.project).select_related(
            "sub_goal", "region", "organisation"
        )
        return activities if self.whole else activities.filter(region=self.region)


def project_list(*, user: User) -> QuerySet[Project]:
    return Project.objects.visible_to(user).select_related("owner").order_by("-starts_on", "name")


def region_scope(*, project: Project, user: User) -> tuple[bool, County | None]:
    """(True, None): the whole project. (False, county): only that partner region's part; a
    partner whose region is unknown reads no region's rows."""
    if user_has_perm(user, Perm.USE_ADMIN):
        return True, None
    seats = list(project.members.filter(user=user).select_related("region"))
    if any(seat.role in WHOLE_PROJECT_ROLES or seat.region_id is None for seat in seats):
        return True, None
    if user.memberships.filter(organisation=project.owner_id).exists():
        return True, None
    for seat in seats:
        return False, seat.region
    membership = (
        user.memberships.filter(organisation__in=project.partners.all())
        .select_related("organisation__municipality__county")
        .first()
    )
    municipality = membership.organisation.municipality if membership else None
    return False, municipality.county if municipality else None


def project_scope(*, user: User, pk: int) -> Scope:
    """The project `pk` as `user` may read it; 404 for a project they do not see."""
    project = Project.objects.visible_to(user).select_related("owner").filter(pk=pk).first()
    if project is None:
        raise Http404
    whole, region = region_scope(project=project, user=user)
    can_manage = whole and user_has_perm(user, Perm.MANAGE_PROJECTS)
    return Scope(project=project, whole=whole, region=region, can_manage=can_manage)


def project_member_candidates(*, project: Project) -> QuerySet[User]:
    """Who may join a project's groups: active people of its owner and partner organisations."""
    organisations = [project.owner_id, *project.partners.values_list("pk", flat=True)]
    return (
        User.objects.filter(is_active=True, memberships__organisation__in=organisations)
        .distinct()
        .order_by("full_name")
    )
