"""The pages that the phone sweep (tests/browser/test_phone_sweep.py) and the HTML checker
(tests/test_html_validity.py) visit: every public page, and every page behind the login once,
as the persona whose work it serves, each persona's own "Mina sidor" besides (issue #17).

They come from the permission matrix (tests/test_permission_matrix.py, tests/url_access/), so
a new page joins both sweeps as soon as it is in the matrix. Files, feeds and the JSON API are
no pages; a name that matches NOT_A_PAGE is left out, and the HTML checker fails on any other
answer that is not HTML, so the pattern cannot quietly miss a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from tests.test_permission_matrix import EXPECTED, _kwargs, all_url_names
from valnav.demo.atlas import demo_atlas_seed
from valnav.demo.casework import seed_cases
from valnav.demo.events import seed_events
from valnav.demo.governance import seed_governance
from valnav.demo.networks import seed_networks
from valnav.demo.outreach import demo_outreach_seed

NOT_A_PAGE = re.compile(
    r"(-csv|-pdf|-xlsx|-json|-ics|feed|:export)$|^api-v1:(?!openapi-view$)|^health"
)

# Who visits a page behind the login: the persona of the page or of its area, else the first in
# SIGNED_IN who may open it (the least privileged first, so that the administrator, who may
# open everything, visits only what nobody else may).
AREA_PERSONA = {
    "atlas": "assessor_vasteras_komvux",
    "casework": "assessor_vasteras_komvux",
    "events": "communicator_vastmanland",
    "networks": "communicator_vastmanland",
    "outreach": "communicator_vastmanland",
    "governance": "project_manager",
    "insights": "rua_vastmanland",
}
# Pages that are another persona's daily work than their area's.
PAGE_PERSONA = {
    "casework:case-list": "counsellor_orebro",
    "casework:case-new": "counsellor_orebro",
    "casework:individual-new": "counsellor_orebro",
    "networks:network-list": "employer_linkoping",
    "networks:decision-list": "employer_linkoping",
}
SIGNED_IN = [
    "outsider",
    "employer_linkoping",
    "counsellor_orebro",
    "assessor_vasteras_komvux",
    "communicator_vastmanland",
    "rua_vastmanland",
    "project_manager",
    "admin",
]
# Pages worth a second look with a query: other figures, other tables.
VARIANTS = {
    "insights:dashboard": ["?audience=komvux&county=19", "?audience=project"],
    "insights:value": ["?from_cases=1"],
}


@dataclass(frozen=True)
class SweptPage:
    persona: str  # a key of tests.url_access.PERSONA_KEYS
    name: str
    url: str


def _visitor(name: str) -> str | None:
    expected = EXPECTED[name]
    if expected["anonymous"] == 200:
        return "anonymous"
    preferred = PAGE_PERSONA.get(name) or AREA_PERSONA.get(name.split(":")[0])
    if preferred and expected[preferred] == 200:
        return preferred
    return next((key for key in SIGNED_IN if expected[key] == 200), None)


def swept_pages() -> list[SweptPage]:
    """The pages in visiting order, grouped by persona, anonymous first. Needs the database
    with the personas (the matrix's areas create the objects their URLs name)."""
    found: dict[str, list[SweptPage]] = {"anonymous": []}
    found |= {
        key: [SweptPage(key, "accounts:dashboard", reverse("accounts:dashboard"))]
        for key in SIGNED_IN
    }
    for name, pattern in all_url_names():
        if name.startswith("admin:") or NOT_A_PAGE.search(name) or name == "accounts:dashboard":
            continue
        persona = _visitor(name)
        if persona is None:
            continue
        path = reverse(name, kwargs=_kwargs(name, pattern) or None)
        for query in ["", *VARIANTS.get(name, [])]:
            found[persona].append(SweptPage(persona, name, path + query))
    found["admin"].append(SweptPage("admin", "admin:index", reverse("admin:index")))
    return [page for pages in found.values() for page in pages]


def seed_swept_content() -> None:
    """The demo content the swept pages show, so that lists and tables are as full as in use."""
    demo_atlas_seed()
    seed_cases()
    seed_events()
    demo_outreach_seed()
    seed_networks()
    seed_governance()
