"""Helpers that make information material through the services (personas must exist)."""

from __future__ import annotations

from typing import Any

from valnav.accounts.models import Organisation, User
from valnav.accounts.personas import demo_organisation
from valnav.core.audiences import TargetGroup
from valnav.outreach.models import Material
from valnav.outreach.services import MaterialData, material_create, material_publish

_counter = {"n": 0}


def material_data(**overrides: Any) -> MaterialData:
    _counter["n"] += 1
    values: dict[str, Any] = {
        "kind": "guide",
        "title": f"Så går validering till {_counter['n']}",
        "slug": f"sa-gar-validering-till-{_counter['n']}",
        "summary": "Kartläggning, bedömning och erkännande.",
        "body": "## Steg\n\nFörst en **kartläggning**, sedan en bedömning.",
        "language": "sv",
        "target_groups": [TargetGroup.INDIVIDUAL],
    }
    values.update(overrides)
    return MaterialData(**values)


def region(personas: dict[str, User]) -> Organisation:
    return demo_organisation("region-vastmanland")


def make_material(personas: dict[str, User], *, publish: bool = True, **overrides: Any) -> Material:
    communicator = personas["communicator_vastmanland"]
    material = material_create(
        actor=communicator, organisation=region(personas), data=material_data(**overrides)
    )
    if publish:
        material_publish(material=material, actor=communicator)
    return material
