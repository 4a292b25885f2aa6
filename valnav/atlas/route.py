"""The route finder ("Hitta din väg till validering"): a few questions, kept in the visitor's
own session (never in the URL), ending in concrete local offers and the next step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Count, Q

from valnav.accounts.models import Organisation
from valnav.atlas.models import ComplementaryEducation, Offer, ValidationModel
from valnav.atlas.search import search_intent
from valnav.atlas.selectors import (
    SearchFilters,
    education_search,
    guidance_contact,
    offer_search,
)
from valnav.lib.matcher import fold
from valnav.places.models import Municipality
from valnav.taxonomy.models import Occupation

SESSION_KEY = "valnav_route"
STEPS = ("occupation", "municipality", "documents", "language")
# The answer each question fills in; clearing it asks the question again.
_ANSWER_FIELD = {
    "occupation": "occupation_code",
    "municipality": "municipality_code",
    "documents": "documents",
    "language": "language",
}


@dataclass
class RouteAnswers:
    occupation_text: str = ""
    occupation_code: str = ""
    municipality_code: str = ""
    documents: str = ""  # "swedish", "abroad", "none"
    language: str = ""
    self_assessment: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: SessionBase) -> RouteAnswers:
        stored: dict[str, Any] = session.get(SESSION_KEY, {})
        known = {name: stored[name] for name in cls.__dataclass_fields__ if name in stored}
        return cls(**known)

    def save(self, session: SessionBase) -> None:
        session[SESSION_KEY] = self.__dict__.copy()

    @staticmethod
    def clear(session: SessionBase) -> None:
        session.pop(SESSION_KEY, None)

    def back(self) -> None:
        """Forget the answer to the question before the current one, so it is asked again."""
        current = self.next_step()
        index = STEPS.index(current) if current else len(STEPS)
        if index == 0:
            return
        setattr(self, _ANSWER_FIELD[STEPS[index - 1]], "")

    def next_step(self) -> str | None:
        if not self.occupation_code:
            return "occupation"
        if not self.municipality_code:
            return "municipality"
        if not self.documents:
            return "documents"
        if not self.language:
            return "language"
        return None


def occupation_choices(text: str, *, limit: int = 12, language: str = "sv") -> list[Occupation]:
    """Four-digit SSYK groups that what the person wrote means, read by the search's matcher
    (folded letters, typos, compounds, synonyms, branch words); the best readings first, and
    groups that some validation model covers before those none does."""
    codes = [code for code, _score in search_intent(text, language=language).codes]
    if not codes:
        return []
    rank = {code: position for position, code in enumerate(codes)}
    occupations = list(
        Occupation.objects.unit_groups()
        .filter(code__in=[code for code in codes if len(code) == 4])
        .annotate(covered=Count("validation_models", filter=Q(validation_models__is_active=True)))
        .prefetch_related("names")
    )
    occupations.sort(key=lambda o: (rank[o.code], not getattr(o, "covered", 0), o.code))
    return occupations[:limit]


def exact_occupation(text: str, choices: list[Occupation]) -> Occupation | None:
    """The one choice whose name or synonym is exactly `text` (letters folded), if just one."""
    wanted = fold(text).strip()
    exact = [
        occupation
        for occupation in choices
        if any(
            fold(label).strip() == wanted
            for label in [occupation.name_sv, occupation.name_en]
            + [name.label for name in occupation.names.all()]
        )
    ]
    return exact[0] if len(exact) == 1 else None


# Farther than this is not "nearby": the page says the offers shown are the nearest in ÖMS.
NEARBY_KM = 50


@dataclass
class RouteResult:
    occupation: Occupation | None
    municipality: Municipality | None
    offers: list[Offer]
    models: list[ValidationModel]
    nearby: bool = True
    remote_offers: list[Offer] = field(default_factory=list)
    distance_education: list[ComplementaryEducation] = field(default_factory=list)
    guidance: Organisation | None = None


def route_result(answers: RouteAnswers, *, limit: int = 5) -> RouteResult:
    """The nearest published offers for the occupation; offers in the preferred language
    first among equally near ones. With none nearby, the nearest in Östra Mellansverige and
    those that can be done at a distance; with none at all, distance education for the
    occupation and the municipality's guidance."""
    occupation = Occupation.objects.filter(code=answers.occupation_code).first()
    municipality = Municipality.objects.filter(code=answers.municipality_code).first()
    offers: list[Offer] = []
    result = RouteResult(occupation=occupation, municipality=municipality, offers=[], models=[])
    if occupation and municipality:
        queryset, _origin = offer_search(
            filters=SearchFilters(occupation=occupation.code, municipality=municipality.code)
        )
        candidates = list(queryset[: limit * 4])
        if answers.language and answers.language != "sv":
            wanted = f",{answers.language},"
            candidates.sort(
                key=lambda offer: (
                    round(getattr(offer, "distance_km", 0) or 0, -1),
                    wanted not in offer.languages,
                )
            )
        offers = candidates[:limit]
        nearest = getattr(offers[0], "distance_km", None) if offers else None
        result.nearby = nearest is not None and nearest <= NEARBY_KM
        if not result.nearby:
            result.remote_offers = [
                offer
                for offer in queryset.filter(remote=True)[:limit]
                if offer.pk not in {o.pk for o in offers}
            ]
            education, _origin = education_search(
                filters=SearchFilters(occupation=occupation.code, remote=True)
            )
            result.distance_education = list(education[:limit])
            result.guidance = guidance_contact(municipality.code)
    result.offers = offers
    result.models = list(dict.fromkeys(offer.model for offer in offers))
    return result
