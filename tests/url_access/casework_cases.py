"""Case pages: the list, registering and opening, and one case of Komvux in Västerås, referred
to the counsellor's organisation in Örebro with only its decision shared.

Who handles cases at all is Perm.HANDLE_CASES (assessors, counsellors, administrators); which
cases is `ValidationCase.objects.visible_to`, and what of a case `casework.selectors.case_for`.
So the administrator gets the pages but a 404 for the Västerås case, as anyone outside its
organisation would; the counsellor in Örebro, the referral's receiver, reads the case (what the
referral shares) but may change nothing in it: 403 for every write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.url_access import everyone, only

if TYPE_CHECKING:
    from valnav.casework.models import ValidationCase

HANDLERS = {"admin", "assessor_vasteras_komvux", "counsellor_orebro"}
OWN = "assessor_vasteras_komvux"
RECEIVER = "counsellor_orebro"
RECEIVER_EMAIL = "counsellor_orebro@valnav.example"


def case_page(*, own: int = 200, receiver: int = 404) -> dict[str, int]:
    """Handlers outside the case's organisation get 404, its own assessor `own`, the receiver
    of a referral of it `receiver`."""
    return only(HANDLERS) | dict.fromkeys(HANDLERS - {OWN}, 404) | {OWN: own, RECEIVER: receiver}


def case_write(*, own: int) -> dict[str, int]:
    """An empty POST to a write of the case: `own` for its own assessor (the form refused, 400,
    or back to the page), 403 for the receiver of its referral, who sees the case."""
    return case_page(own=own, receiver=403)


EXPECTED: dict[str, dict[str, int]] = {
    "casework:case-list": only(HANDLERS),
    "casework:case-new": only(HANDLERS),
    "casework:individual-new": only(HANDLERS),
    "casework:case-detail": case_page(receiver=200),
    # The sample evidence row has no stored file (the matrix writes no files): 404 even for
    # the case's own assessor; tests/…/test_evidence.py downloads a real one. The referral
    # does not share the criteria, so the receiver gets 404 too.
    "casework:evidence-file": case_page(own=404),
    "casework:case-transition": everyone(405),  # POST only
    "casework:case-assess": everyone(405),  # POST only
    "casework:plan-item-add": everyone(405),  # POST only
    "casework:plan-item-update": everyone(405),  # POST only
    "casework:evidence-add": everyone(405),  # POST only
    "casework:referral-new": everyone(405),  # POST only
    "casework:referral-answer": everyone(405),  # POST only
    # The Swedish paths before "remisser" became "hanvisningar": a permanent redirect (308).
    "casework:referral-new-moved": everyone(308),
    "casework:referral-answer-moved": everyone(308),
    "casework:course-match": everyone(405),  # POST only
    "casework:examination-add": everyone(405),  # POST only
    # The API: the same visibility, the session or a token; no one signed in gets 401.
    "api-v1:case-list": only(HANDLERS) | {"anonymous": 401},
    "api-v1:case-detail": case_page(receiver=200) | {"anonymous": 401},
}

POST_EXPECTED: dict[str, dict[str, int]] = {
    "casework:case-transition": case_write(own=400),
    "casework:case-assess": case_write(own=302),  # nothing filled in: nothing saved, back
    "casework:plan-item-add": case_write(own=400),
    "casework:plan-item-update": case_write(own=400),
    "casework:evidence-add": case_write(own=400),
    "casework:referral-new": case_write(own=400),
    "casework:course-match": case_write(own=400),
    "casework:examination-add": case_write(own=400),
    # Only the receiving organisation answers a referral (an empty answer: back to the case).
    "casework:referral-answer": case_page(own=404, receiver=302),
    "casework:referral-new-moved": everyone(308),
    "casework:referral-answer-moved": everyone(308),
}


def _sample_case() -> ValidationCase:
    from datetime import timedelta

    from django.utils import timezone

    from valnav.accounts.models import Organisation, User
    from valnav.atlas.tests.factories import ValidationModelFactory
    from valnav.casework.models import (
        EducationPlanItem,
        EvidenceFile,
        ReferralShare,
        ValidationCase,
    )
    from valnav.casework.services import case_open, individual_register, referral_send
    from valnav.places.models import Municipality

    found = ValidationCase.objects.filter(komvux_course="Matrisens exempelkurs").first()
    if found is not None:
        return found
    komvux = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    assessor = User.objects.get(email="assessor_vasteras_komvux@valnav.example")
    person = individual_register(
        actor=assessor,
        organisation=komvux,
        data={
            "given_name": "Amina",
            "family_name": "Testsson",
            "municipality": Municipality.objects.get(code="1980"),
        },
    )
    model = ValidationModelFactory(name="Validering inom vård och omsorg", ssyk=["5321"])
    criterion = model.criteria.create(position=1, code="VO-1", title="Vård- och omsorgsarbete")
    case = case_open(
        actor=assessor,
        individual=person,
        organisation=komvux,
        first_contact=timezone.localdate() - timedelta(days=30),
        target={"model": model, "komvux_course": "Matrisens exempelkurs"},
    )
    EducationPlanItem.objects.create(case=case, criterion=criterion)
    EvidenceFile.objects.create(
        case=case,
        file="evidence/00/not-stored",
        original_name="intyg.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=assessor,
    )
    referral_send(
        case=case,
        actor=assessor,
        to_organisation=Organisation.objects.get(memberships__user__email=RECEIVER_EMAIL),
        shares=[ReferralShare.DECISION],
        consent_how="Muntligt vid mötet, antecknat av bedömaren",
    )
    return case


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name in {
        "casework:case-list",
        "casework:case-new",
        "casework:individual-new",
        "api-v1:case-list",
    }:
        return None
    case = _sample_case()
    kwargs = {"reference": case.reference}
    if name == "casework:plan-item-update":
        kwargs["pk"] = str(case.plan_items.get().pk)
    elif name == "casework:evidence-file":
        kwargs["pk"] = str(case.evidence.get().pk)
    elif name in {"casework:referral-answer", "casework:referral-answer-moved"}:
        kwargs["pk"] = str(case.referrals.get().pk)
    return kwargs
