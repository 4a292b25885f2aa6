"""The Komvux course and subject catalogue (data/reference/komvux_courses.csv)."""

from datetime import date

from valnav.casework.komvux import komvux_catalogue, komvux_courses_valid_on


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
