"""The public atlas, the route finder and members' editing."""

from __future__ import annotations

from tests.url_access import PERSONA_KEYS, everyone, posting

EDITORS = {"admin", "rua_vastmanland", "assessor_vasteras_komvux"}
REVIEWERS = {"admin", "rua_vastmanland"}


def editors(status: int = 200, *, allowed: set[str] = EDITORS) -> dict[str, int]:
    return {
        key: (302 if key == "anonymous" else status if key in allowed else 403)
        for key in PERSONA_KEYS
    }


EXPECTED: dict[str, dict[str, int]] = {
    "atlas:search": everyone(200),
    "atlas:offer-detail": everyone(200),
    "atlas:education-detail": everyone(200),
    "atlas:coverage": everyone(200),
    "atlas:coverage-csv": everyone(200),
    "atlas:route": everyone(200),
    "atlas:route-result": everyone(302),  # no answers yet: back to the first question
    "atlas:route-self-assessment": everyone(302),
    "atlas:my-offers": editors(),
    "atlas:review-queue": editors(allowed=REVIEWERS),
    "atlas:offer-create": editors(),
    # The assessor's own organisation's draft: the other editors see it too (reviewers).
    "atlas:offer-edit": editors(),
    "atlas:offer-history": editors(),
    "atlas:offer-publish": everyone(405),  # POST only
    "atlas:offer-archive": everyone(405),  # POST only
    "atlas:offer-reviewed": everyone(405),  # POST only
    "atlas:education-create": editors(),
    "atlas:education-edit": editors(),
    "atlas:education-history": editors(),
    "atlas:education-publish": everyone(405),  # POST only
}


def _objects() -> dict[str, int]:
    from valnav.accounts.models import Organisation
    from valnav.atlas.models import PublicationStatus
    from valnav.atlas.tests.factories import EducationFactory, OfferFactory

    own = Organisation.objects.get(name="Västerås stad, Vuxenutbildningen (demo)")
    published = OfferFactory(provider=own)
    draft = OfferFactory(provider=own, status=PublicationStatus.DRAFT)
    education = EducationFactory(provider=own)
    return {"published": published.pk, "draft": draft.pk, "education": education.pk}


def sample_kwargs(name: str) -> dict[str, str] | None:
    if name in {"atlas:offer-detail"}:
        return {"pk": str(_objects()["published"])}
    if name.startswith("atlas:offer-"):
        return {"pk": str(_objects()["draft"])} if name != "atlas:offer-create" else {}
    if name.startswith("atlas:education-") and name != "atlas:education-create":
        return {"pk": str(_objects()["education"])}
    return None


# An empty POST to a state change is the change itself (back to the list) for an editor.
POST_EXPECTED: dict[str, dict[str, int]] = {
    name: posting(EDITORS, 302)
    for name in [
        "atlas:offer-publish",
        "atlas:offer-archive",
        "atlas:offer-reviewed",
        "atlas:education-publish",
    ]
}
