"""Core pages, places, accounts and the reference API."""

from __future__ import annotations

from tests.url_access import everyone, only, signed_in

EXPECTED: dict[str, dict[str, int]] = {
    "health": everyone(200),
    "health-ready": everyone(200),
    "core:home": everyone(200),
    "core:accessibility": everyone(200),
    "core:contact": everyone(200),
    "places:index": everyone(200),
    "accounts:login": signed_in(302, anonymous=200),
    "accounts:logout": everyone(405),  # POST only
    # Only those who need a second factor (who read personal data) set it up; the others, and
    # anyone without a device yet at the code and recovery-code pages, are sent on
    # (valnav/accounts/tests/test_second_factor.py).
    "accounts:second-factor-setup": signed_in(302)
    | {"admin": 200, "assessor_vasteras_komvux": 200, "counsellor_orebro": 200},
    "accounts:second-factor-verify": signed_in(302),
    "accounts:second-factor-recovery": signed_in(302),
    "accounts:second-factor-link": signed_in(405),  # POST only
    "accounts:second-factor-enrol": everyone(200),  # an invalid link says so
    "accounts:recovery-codes-new": signed_in(405),  # POST only
    "accounts:dashboard": signed_in(200),
    "accounts:organisation-list": only({"admin", "rua_vastmanland", "project_manager"}),
    "accounts:password-change": signed_in(200),
    "accounts:password-change-done": signed_in(200),
    "accounts:password-reset": everyone(200),
    "accounts:password-reset-done": everyone(200),
    "accounts:password-reset-confirm": everyone(200),  # an invalid link says so
    "accounts:password-reset-complete": everyone(200),
    "api-v1:api-root": everyone(404),
    "api-v1:openapi-json": everyone(200),
    "api-v1:openapi-view": everyone(200),
    "api-v1:counties": everyone(200),
    "api-v1:municipalities": everyone(200),
    "api-v1:occupations": everyone(200),
    "api-v1:occupation-detail": everyone(200),
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name == "api-v1:occupation-detail":
        return {"code": "5321"}
    return None


# An empty POST logs anyone out (and someone not signed in is only sent home).
POST_EXPECTED: dict[str, dict[str, int]] = {"accounts:logout": everyone(302)}
