"""Demo demand data: invented Yrkesbarometer assessments for the whole country and the five
counties of Östra Mellansverige, 24 barometer occupations common in validation, in exactly the
shape Arbetsförmedlingen publishes (data/reference/demo_yrkesbarometer.json).

The assessments are made up, not Arbetsförmedlingen's: the rows are marked `is_demo`, their
source says DEMO, and their texts start with "DEMO:". Loaded through the ordinary import, so a
second run changes nothing.
"""

from __future__ import annotations

from django.conf import settings

from valnav.insights.demand import demand_import

DEMO_FILE = "demo_yrkesbarometer.json"
DEMO_SOURCE = "DEMO – påhittade bedömningar, inte Arbetsförmedlingens"


def seed_demand() -> int:
    """Load the demo observations; returns how many were created."""
    path = settings.BASE_DIR / "data" / "reference" / DEMO_FILE
    report = demand_import(
        source=path.read_bytes(),
        filename=DEMO_FILE,
        dry_run=False,
        is_demo=True,
        default_source=DEMO_SOURCE,
    )
    if report.errors:
        raise ValueError("; ".join(str(error) for error in report.errors))
    return report.created
