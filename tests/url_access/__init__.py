"""Documented answers per URL name and persona, one module per area of the platform.

Every URL pattern must appear in one module's EXPECTED; tests/test_permission_matrix.py requests
each as each persona, with GET and with an empty POST. The answer to the POST follows from the
GET's (refused where the GET is refused) unless the module's POST_EXPECTED says it; a URL that
takes only POST must be there. Add a module for a new area and list it in AREAS in that test. A
module whose URLs take arguments defines `sample_kwargs(name) -> dict[str, str] | None`, called
inside the test (the database holds the reference data and the personas; create what you need
there).
"""

from __future__ import annotations

PERSONA_KEYS = [
    "anonymous",
    "outsider",
    "admin",
    "rua_vastmanland",
    "assessor_vasteras_komvux",
    "counsellor_orebro",
    "communicator_vastmanland",
    "project_manager",
    "employer_linkoping",
]
SIGNED_IN = [key for key in PERSONA_KEYS if key != "anonymous"]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONA_KEYS, status)


def signed_in(status: int, *, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(SIGNED_IN, status), "anonymous": anonymous}


def only(allowed: set[str], *, denied: int = 403) -> dict[str, int]:
    return {key: 200 if key in allowed else denied for key in SIGNED_IN} | {"anonymous": 302}


def posting(allowed: set[str], status: int, *, denied: int = 403) -> dict[str, int]:
    """An empty POST: `status` for those who may send it (400 for a form that is refused, 302
    back to the page), `denied` for the others, the login page for anyone not signed in."""
    return {key: status if key in allowed else denied for key in SIGNED_IN} | {"anonymous": 302}
