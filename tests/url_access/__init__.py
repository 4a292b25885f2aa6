"""Documented answers per URL name and persona, one module per area of the platform.

Every URL pattern must appear in one module's EXPECTED; tests/test_permission_matrix.py requests
each as each persona. Add a module for a new area and list it in AREAS in that test. A module
whose URLs take arguments defines `sample_kwargs(name) -> dict[str, str] | None`, called inside
the test (the database holds the reference data and the personas; create what you need there).
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
