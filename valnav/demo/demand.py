"""Demo demand data: invented Yrkesbarometer figures for the five counties of Östra
Mellansverige and 25 occupations common in validation, from data/reference/demo_demand.csv.

The figures are made up, not Arbetsförmedlingen's: the rows are marked `is_demo`, their source
says DEMO, and their recruitment situations start with "DEMO:". Loaded through the ordinary
import, so a second run changes nothing.
"""

from __future__ import annotations

from django.conf import settings

from valnav.insights.demand import demand_import

DEMO_FILE = "demo_demand.csv"


def seed_demand() -> int:
    """Load the demo observations; returns how many were created."""
    path = settings.BASE_DIR / "data" / "reference" / DEMO_FILE
    report = demand_import(
        source=path.read_bytes(), filename=DEMO_FILE, dry_run=False, is_demo=True
    )
    if report.errors:
        raise ValueError("; ".join(str(error) for error in report.errors))
    return report.created
