"""Project governance through the API: the projects a member sees, and a project's budget and
financing per year with totals and the checks (costs equal financing each year; each
financier's amounts its decided share within 1 kr per financier). For holders of
VIEW_PROJECTS, with a token or the session of the pages; a partner region's representative
gets its region's part."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from valnav.api.auth import MEMBER_READ_AUTH, api_member
from valnav.api.v1.errors import FieldErrors
from valnav.api.v1.params import ObjectId
from valnav.core.permissions import Perm
from valnav.governance.budget import AmountRow, budget_overview
from valnav.governance.selectors import project_list, project_scope

router = Router(tags=["governance"])


class Message(Schema):
    detail: str


class ProjectOut(Schema):
    id: int
    name: str
    diarienummer: str
    owner: str
    starts_on: date
    ends_on: date


class AmountRowOut(Schema):
    label: str = Field(description="cost category or financier")
    share_percent: Decimal | None = Field(None, description="a financier's decided share")
    per_year: dict[str, int] = Field(description="kr per year")
    total: int


class YearCheckOut(Schema):
    year: int
    costs: int
    financing: int
    difference: int = Field(description="financing − costs, kr")
    ok: bool
    message: str


class ShareCheckOut(Schema):
    financier: str
    year: int
    expected: Decimal = Field(description="the decided share of the year's costs, kr")
    actual: int
    ok: bool = Field(description="within 1 kr per financier in the plan")
    message: str


class BudgetOut(Schema):
    project: ProjectOut
    whole_project: bool = Field(description="false: only the caller's region's part")
    years: list[int]
    costs: list[AmountRowOut]
    cost_totals: dict[str, int]
    cost_total: int
    financing: list[AmountRowOut]
    financing_totals: dict[str, int]
    financing_total: int
    balanced: bool | None = Field(description="costs equal financing every year; null for a part")
    year_checks: list[YearCheckOut]
    share_checks: list[ShareCheckOut]


def _row(row: AmountRow, years: list[int]) -> AmountRowOut:
    return AmountRowOut(
        label=row.label,
        share_percent=row.share,
        per_year={str(year): amount for year, amount in zip(years, row.amounts, strict=True)},
        total=row.total,
    )


@router.get(
    "/governance/projects",
    response={200: list[ProjectOut], 401: Message, 403: Message},
    auth=MEMBER_READ_AUTH,
    url_name="governance-project-list",
    summary="The projects the caller takes part in",
)
def projects(request: HttpRequest) -> list[ProjectOut]:
    user = api_member(request, Perm.VIEW_PROJECTS)
    return [
        ProjectOut(
            id=project.pk,
            name=project.name,
            diarienummer=project.diarienummer,
            owner=project.owner.name,
            starts_on=project.starts_on,
            ends_on=project.ends_on,
        )
        for project in project_list(user=user)
    ]


@router.get(
    "/governance/projects/{project_id}/budget",
    response={200: BudgetOut, 401: Message, 403: Message, 404: Message, 422: FieldErrors},
    auth=MEMBER_READ_AUTH,
    url_name="governance-project-budget",
    summary="A project's costs and financing per year, with totals and the checks",
)
def project_budget(request: HttpRequest, project_id: ObjectId) -> BudgetOut:
    user = api_member(request, Perm.VIEW_PROJECTS)
    scope = project_scope(user=user, pk=project_id)
    overview = budget_overview(scope)
    years = overview.years
    project = scope.project
    return BudgetOut(
        project=ProjectOut(
            id=project.pk,
            name=project.name,
            diarienummer=project.diarienummer,
            owner=project.owner.name,
            starts_on=project.starts_on,
            ends_on=project.ends_on,
        ),
        whole_project=scope.whole,
        years=years,
        costs=[_row(row, years) for row in overview.costs],
        cost_totals={str(y): a for y, a in zip(years, overview.cost_totals, strict=True)},
        cost_total=overview.cost_total,
        financing=[_row(row, years) for row in overview.financing],
        financing_totals={str(y): a for y, a in zip(years, overview.financing_totals, strict=True)},
        financing_total=overview.financing_total,
        balanced=overview.balanced if scope.whole else None,
        year_checks=[
            YearCheckOut(
                year=c.year,
                costs=c.costs,
                financing=c.financing,
                difference=c.difference,
                ok=c.ok,
                message=c.message,
            )
            for c in overview.year_checks
        ],
        share_checks=[
            ShareCheckOut(
                financier=c.financier,
                year=c.year,
                expected=c.expected.quantize(Decimal("0.01")),
                actual=c.actual,
                ok=c.ok,
                message=c.message,
            )
            for c in overview.share_checks
        ],
    )
