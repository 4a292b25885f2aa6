"""Project governance: pages for holders of VIEW_PROJECTS who take part in the project (its
members, and the members of its owner and partner organisations); writes for holders of
MANAGE_PROJECTS who read the whole project.

The sample project is the demo ÖMS project, owned by Region Västmanland: the administrator,
the strategist (RUA) and the project manager there read it; the project manager and the
administrator also manage it. Everyone else lacks VIEW_PROJECTS (403). The requisition's
downloads need a financier and a period in the query; without them they answer 400.
"""

from __future__ import annotations

from tests.url_access import only

READERS = {"admin", "rua_vastmanland", "project_manager"}
MANAGERS = {"admin", "project_manager"}


def _without_query(status: int) -> dict[str, int]:
    return only(MANAGERS) | dict.fromkeys(MANAGERS, status)


EXPECTED: dict[str, dict[str, int]] = {
    "governance:project-list": only(READERS),
    "governance:project-new": only(MANAGERS),
    "governance:project-detail": only(READERS),
    "governance:project-edit": only(MANAGERS),
    "governance:risk-list": only(READERS),
    "governance:member-add": only(MANAGERS),
    "governance:activity-new": only(MANAGERS),
    "governance:activity-edit": only(MANAGERS),
    "governance:indicator-new": only(MANAGERS),
    "governance:results": only(READERS),
    "governance:indicator-detail": only(READERS),
    "governance:budget": only(READERS),
    "governance:budget-edit": only(MANAGERS),
    "governance:budget-import": only(MANAGERS),
    "governance:actuals": only(READERS),
    "governance:ledger-import": only(MANAGERS),
    "governance:requisition": only(MANAGERS),
    "governance:requisition-pdf": _without_query(400),
    "governance:requisition-xlsx": _without_query(400),
    "governance:report-pdf": only(READERS),
    "governance:report-xlsx": only(READERS),
    "governance:final-report-pdf": only(READERS),
    "api-v1:governance-project-list": only(READERS) | {"anonymous": 401},
    "api-v1:governance-project-budget": only(READERS) | {"anonymous": 401},
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    from valnav.demo.governance import DIARIENUMMER, seed_governance
    from valnav.governance.models import Activity, Project

    seed_governance()
    project = Project.objects.get(diarienummer=DIARIENUMMER)
    if name == "api-v1:governance-project-budget":
        return {"project_id": str(project.pk)}
    if name == "governance:indicator-detail":
        return {"pk": str(project.pk), "indicator": str(project.indicators.earliest("pk").pk)}
    if name == "governance:activity-edit":
        activity = Activity.objects.filter(sub_goal__project=project).earliest("pk")
        return {"pk": str(project.pk), "activity": str(activity.pk)}
    if name in {"governance:project-list", "governance:project-new"}:
        return None
    if name in EXPECTED and name.startswith("governance:"):
        return {"pk": str(project.pk)}
    return None
