"""The Komvux course and subject catalogue (data/reference/komvux_courses.csv) and what the
Komvux track of a case may be documented with.

Swedish terms: *kurs* (a Gy11 course, graded with kursbetyg; courses already started may be
finished until 2030-06-30), *ämne* and *nivå* (Gy25 subjects with levels, graded with
ämnesbetyg from 2025-07-01), *intyg* (what a Komvux validation ends in, signed by the rektor,
naming the courses or subjects fully or partly matched: skollagen 20 kap. 43–45 §§),
*prövning* (the examination a betyg needs: förordningen om vuxenutbildning 4 kap. 24 §).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

CATALOGUE_PATH = Path(settings.BASE_DIR) / "data" / "reference" / "komvux_courses.csv"


@dataclass(frozen=True)
class KomvuxCourse:
    """One Gy11 course or one Gy25 subject level, as Skolverket names it."""

    key: str
    code: str  # Skolverket's course code (Gy11), or "" where not confirmed (all Gy25 levels)
    system: str  # "gy11_course" or "gy25_subject"
    subject: str
    level: str
    name: str
    points: int | None
    valid_from: date
    valid_until: date | None
    area: str
    verified: bool
    source_url: str

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@cache
def komvux_catalogue() -> dict[str, KomvuxCourse]:
    """Every course and subject level of the catalogue, by key. Read once per process."""
    with CATALOGUE_PATH.open(encoding="utf-8", newline="") as handle:
        return {
            row["key"]: KomvuxCourse(
                key=row["key"],
                code=row["code"],
                system=row["system"],
                subject=row["subject"],
                level=row["level"],
                name=row["name_sv"],
                points=int(row["points"]) if row["points"] else None,
                valid_from=date.fromisoformat(row["valid_from"]),
                valid_until=date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
                area=row["area"],
                verified=row["verified"] == "yes",
                source_url=row["source_url"],
            )
            for row in csv.DictReader(handle)
        }


def komvux_courses_valid_on(day: date) -> list[KomvuxCourse]:
    """The courses and subject levels that can be named (or examined) on `day`."""
    return [course for course in komvux_catalogue().values() if course.valid_on(day)]


# The catalogue's `area` of each Komvux validation model (validation_models.toml, kind
# "komvux"): the courses of Skolverket's national yrkespaket for that occupation. The courses
# every yrkespaket may hold (area "gemensamt": svenska, samhällskunskap) belong to all.
COMMON_AREA = "gemensamt"
MODEL_AREAS: dict[str, tuple[str, ...]] = {
    "komvux-vard-omsorg": ("vard_omsorg",),
    "komvux-barnskotare": ("barn_fritid",),
    "komvux-kock": ("restaurang",),
    "komvux-industri": ("industri",),
    "komvux-bygg": ("bygg",),
    "komvux-el": ("el",),
    "komvux-fordon": ("fordon", "fordon_transport"),
    "komvux-lager-logistik": ("lager_logistik", "fordon_transport"),
}


def komvux_courses_for_model(model_key: str, day: date | None = None) -> list[KomvuxCourse]:
    """The courses and subject levels of a Komvux model's occupation (its own areas and the
    common courses), valid on `day` when given. Empty for a model that is not Komvux."""
    areas = MODEL_AREAS.get(model_key)
    if areas is None:
        return []
    return [
        course
        for course in komvux_catalogue().values()
        if course.area in (*areas, COMMON_AREA) and (day is None or course.valid_on(day))
    ]


@dataclass(frozen=True)
class SignedCourses:
    """The courses or subject levels a signed credential names, as the intyg prints them."""

    full: list[str]
    partly: list[str]


def signed_courses(claims: dict[str, Any]) -> SignedCourses:
    """Read back from a credential's claims the courses it names (result lines keyed
    `#course-…` by casework.credentials.outcome_lines): fully and partly corresponding. Empty
    for a credential of criteria."""
    subject = claims.get("credentialSubject", {})
    names = {
        item.get("id", ""): item.get("name", "")
        for item in subject.get("achievement", {}).get("resultDescription", [])
    }
    full: list[str] = []
    partly: list[str] = []
    for result in subject.get("result", []):
        key = str(result.get("resultDescription", ""))
        if "#course-" not in key:
            continue
        if result.get("value") == "met":
            full.append(names.get(key, ""))
        elif result.get("value") == "partly_met":
            partly.append(names.get(key, ""))
    return SignedCourses(full=full, partly=partly)
