"""The privacy notice, register extracts and the access log.

The privacy notice is public. Extracts are for assessors and counsellors of the organisation
that registered the person: others with casework pages (the administrator, the Örebro
counsellor) get 404, as for a person who does not exist. The access log is for administrators
only.
"""

from __future__ import annotations

from tests.url_access import everyone, only

SAMPLE_PSEUDONYM = "P-MATR1XAA"
CASE_HANDLERS = {"admin", "assessor_vasteras_komvux", "counsellor_orebro"}
EXTRACT = only({"assessor_vasteras_komvux"}) | dict.fromkeys(
    CASE_HANDLERS - {"assessor_vasteras_komvux"}, 404
)

EXPECTED: dict[str, dict[str, int]] = {
    "casework:register-extract-json": EXTRACT,
    "casework:register-extract-pdf": EXTRACT,
    "casework:access-log": only({"admin"}),
    "casework:privacy-notice": everyone(200),  # the public notice to the people validated
}


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name in {"casework:register-extract-json", "casework:register-extract-pdf"}:
        from valnav.accounts.models import Organisation
        from valnav.casework.models import Individual

        komvux = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
        Individual.objects.get_or_create(
            pseudonym=SAMPLE_PSEUDONYM,
            defaults={"organisation": komvux, "given_name": "Matris", "family_name": "Testsson"},
        )
        return {"pseudonym": SAMPLE_PSEUDONYM}
    return None
