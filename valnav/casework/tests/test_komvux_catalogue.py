"""The Komvux course and subject catalogue (data/reference/komvux_courses.csv)."""

import re
import tomllib
from datetime import date

from django.conf import settings

from valnav.casework.komvux import (
    MODEL_AREAS,
    komvux_catalogue,
    komvux_courses_for_model,
    komvux_courses_valid_on,
)


def _komvux_model_keys() -> set[str]:
    path = settings.BASE_DIR / "data" / "reference" / "validation_models.toml"
    with open(path, "rb") as handle:
        catalogue = tomllib.load(handle)
    models = next(value for value in catalogue.values() if isinstance(value, list))
    return {model["key"] for model in models if model["kind"] == "komvux"}


def test_every_komvux_model_of_the_catalogue_has_courses_of_its_own():
    """Every Komvux model's intyg can name courses: each has courses of its own occupation
    (not only svenska and samhällskunskap), valid today and until 2030-06-30."""
    keys = _komvux_model_keys()
    assert len(keys) >= 8
    assert keys == set(MODEL_AREAS)
    for key in keys:
        own = [
            course
            for course in komvux_courses_for_model(key, date(2030, 6, 30))
            if course.area != "gemensamt"
        ]
        assert own, key
    assert komvux_courses_for_model("byn-bygg") == []


def test_every_course_belongs_to_an_area_a_model_uses():
    used = {area for areas in MODEL_AREAS.values() for area in areas} | {"gemensamt"}
    orphans = {c.key for c in komvux_catalogue().values() if c.area not in used}
    assert orphans == set()


def test_the_catalogue_has_gy25_subjects_and_gy11_courses_until_2030():
    catalogue = komvux_catalogue()
    gy11 = [course for course in catalogue.values() if course.system == "gy11_course"]
    gy25 = [course for course in catalogue.values() if course.system == "gy25_subject"]
    assert gy11
    assert gy25
    assert all(str(course.valid_until) == "2030-06-30" for course in gy11)
    assert all(str(course.valid_from) == "2025-07-01" for course in gy25)
    assert all(course.source_url.startswith("https://www.skolverket.se/") for course in gy11)
    after = {course.key for course in komvux_courses_valid_on(date(2030, 7, 1))}
    assert "gy11-omvardnad-1" not in after
    assert "gy25-omvardnad-1" in after


def test_gy11_courses_carry_skolverkets_codes_and_gy25_levels_none_unconfirmed():
    """A Gy11 course code is three letters of the subject, three of the course and the level
    (OMVOMV01, GERGER0, VADVAD00S); Gy25 level codes were not confirmed, so none is invented,
    nor a Gy11 code not read at the source (unverified rows)."""
    catalogue = komvux_catalogue()
    assert catalogue["gy11-omvardnad-1"].code == "OMVOMV01"
    assert catalogue["gy11-halso-sjukvard-2"].code == "HAOHAL02"
    for course in catalogue.values():
        if course.system == "gy11_course" and not course.verified:
            assert course.code == "", course.key
        elif course.system == "gy11_course":
            assert re.fullmatch(r"[A-ZÅÄÖ]{6}[0-9]{1,2}[a-z0-9]*S?", course.code), course.key
        else:
            assert course.code == "", course.key
            assert not course.verified, course.key
