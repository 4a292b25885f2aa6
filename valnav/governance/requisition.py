"""A requisition (rekvisition): what one financier pays of the costs booked in a period, its
decided share of them, per cost category, ready to send as PDF or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from valnav.governance.actuals import booked_in_period
from valnav.governance.models import CostCategory, Financier
from valnav.governance.selectors import Scope


@dataclass(frozen=True)
class RequisitionRow:
    category: str
    booked: Decimal
    requested: Decimal


@dataclass(frozen=True)
class Requisition:
    project_name: str
    diarienummer: str
    owner: str
    financier: str
    share: Decimal
    since: date
    until: date
    rows: list[RequisitionRow]

    @property
    def booked_total(self) -> Decimal:
        return sum((row.booked for row in self.rows), Decimal(0))

    @property
    def requested_total(self) -> Decimal:
        return sum((row.requested for row in self.rows), Decimal(0))


def _share_of(amount: Decimal, share: Decimal) -> Decimal:
    return (amount * share / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def requisition_build(
    *, scope: Scope, financier: Financier, since: date, until: date
) -> Requisition:
    project = scope.project
    if financier.project_id != project.pk:
        raise ValidationError({"financier": _("This financier does not finance this project.")})
    if until < since:
        raise ValidationError({"until": _("To: the period cannot end before it starts.")})
    if since < project.starts_on or until > project.ends_on:
        raise ValidationError(
            _("The period must lie within the project period %(start)s – %(end)s.")
            % {"start": project.starts_on.isoformat(), "end": project.ends_on.isoformat()}
        )
    booked = booked_in_period(scope, since=since, until=until)
    rows = [
        RequisitionRow(
            category=str(label),
            booked=booked.get(str(value), Decimal(0)),
            requested=_share_of(booked.get(str(value), Decimal(0)), financier.share),
        )
        for value, label in CostCategory.choices
    ]
    return Requisition(
        project_name=project.name,
        diarienummer=project.diarienummer,
        owner=project.owner.name,
        financier=financier.name,
        share=financier.share,
        since=since,
        until=until,
        rows=rows,
    )
