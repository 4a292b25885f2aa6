"""Skolverket's adult-education courses as complementary education, on the import framework.

Skolverket's Planned Educations API (v4) lists Komvux courses as pages of
`_embedded.listedAdultEducationEvents[]` with `page {size, totalElements, totalPages,
number}`. Each event (`educationEventId`, `providerName`, `municipality`,
`geographicalAreaCode`, `titleSv`, `semesterStartFrom`, `paceOfStudy`, `distance`, …) becomes
one ComplementaryEducation, keyed by the event id (`external_id` "skolverket:<id>"), so
importing the same pages again changes nothing. Events in municipalities outside Valnav are
passed over; a provider Valnav does not know is registered as an education provider. A course
is linked to the validation models whose gaps it closes: those with a criterion (a part of the
kompetensstandard) or name that the course's title contains. When the pages hold the whole
listing, an imported event that is no longer in it is marked ended (valid to today), not
deleted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from valnav.atlas.models import ComplementaryEducation, EducationForm, ValidationModel
from valnav.atlas.services import educations_sync
from valnav.core import tabular
from valnav.core.tabular.fetch import fetch_url
from valnav.core.tabular.parsers import parse_iso_date
from valnav.places.models import Municipality

SOURCE_PREFIX = "skolverket:"
EVENTS = "listedAdultEducationEvents"
# Fetching follows at most this many pages (the API's page size is at most a few hundred).
MAX_PAGES = 500


@dataclass
class Course:
    """One event as complementary education."""

    event_id: str
    title: str
    provider_name: str
    municipality: Municipality
    start: date | None
    pace_percent: int
    remote: bool
    description: str
    models: list[ValidationModel] = field(default_factory=list)


def _pages(document: object) -> list[dict[str, Any]]:
    pages: list[Any] = document if isinstance(document, list) else [document]
    if not pages or not all(
        isinstance(page, dict)
        and isinstance(page.get("_embedded"), dict)
        and isinstance(page["_embedded"].get(EVENTS), list)
        for page in pages
    ):
        raise tabular.UnreadableFileError(
            _("The file is not a page of Skolverket's adult-education events (%(key)s).")
            % {"key": f"_embedded.{EVENTS}"}
        )
    return pages


def _complete(pages: list[dict[str, Any]]) -> bool:
    """Whether the pages are the whole listing: every page number from 0 to totalPages-1."""
    numbers = {page.get("page", {}).get("number") for page in pages}
    totals = {page.get("page", {}).get("totalPages") for page in pages}
    if len(totals) != 1:
        return False
    (total,) = totals
    return isinstance(total, int) and numbers == set(range(total))


def _pace(value: object) -> int | None:
    found = re.search(r"\d{1,3}", str(value or ""))
    if found is None:
        return 100 if not value else None
    percent = int(found.group())
    return percent if 1 <= percent <= 100 else None


def _distance(value: object) -> bool:
    return value is True or str(value).strip().casefold() in {"true", "ja", "yes", "distans"}


class CourseImporter(tabular.Importer[Course]):
    def __init__(self) -> None:
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        self.by_name = {m.name.casefold(): m for m in self.municipalities.values()}
        self.model_terms = [
            (model, [tabular.fold_header(term) for term in terms if len(term) >= 4])
            for model in ValidationModel.objects.filter(is_active=True).prefetch_related("criteria")
            for terms in [[model.name, *(criterion.title for criterion in model.criteria.all())]]
        ]
        self.complete = False

    def links(self, title: str) -> list[ValidationModel]:
        folded = tabular.fold_header(re.sub(r"\s+\d+$", "", title))
        return [model for model, terms in self.model_terms if any(t in folded for t in terms)]

    def read_source(
        self, source: bytes, report: tabular.ImportReport
    ) -> list[tuple[int, Course]] | None:
        pages = _pages(tabular.read_json(source))
        self.complete = _complete(pages)
        courses: list[tuple[int, Course]] = []
        seen: dict[str, int] = {}
        number = 0
        for page in pages:
            for event in page.get("_embedded", {}).get(EVENTS, []):
                number += 1
                course = self.read_event(number, event, report)
                if course is None:
                    continue
                if course.event_id in seen:
                    report.errors.append(
                        tabular.RowError(
                            number,
                            "educationEventId",
                            _("The same record is given already on row %(row)s.")
                            % {"row": seen[course.event_id]},
                        )
                    )
                    continue
                seen[course.event_id] = number
                courses.append((number, course))
        report.rows = number
        return courses

    def read_event(self, number: int, event: object, report: tabular.ImportReport) -> Course | None:
        def error(key: str, message: str) -> None:
            report.errors.append(tabular.RowError(number, key, message))

        if not isinstance(event, dict):
            error("", _("An event is a JSON object."))
            return None
        event_id = str(event.get("educationEventId") or "").strip()
        title = str(event.get("titleSv") or "").strip()
        provider = str(event.get("providerName") or "").strip()
        code = str(event.get("geographicalAreaCode") or "").strip()
        municipality = self.municipalities.get(code) or self.by_name.get(
            str(event.get("municipality") or "").strip().casefold()
        )
        if municipality is None:
            return None  # a course elsewhere in Sweden
        if not event_id or len(SOURCE_PREFIX + event_id) > 80:
            error("educationEventId", _("A value is required."))
        if not title:
            error("titleSv", _("A value is required."))
        if not provider:
            error("providerName", _("A value is required."))
        start: date | None = None
        start_text = str(event.get("semesterStartFrom") or "")[:10]
        if start_text:
            try:
                start = parse_iso_date(start_text)
            except tabular.CellError as refused:
                error("semesterStartFrom", refused.message)
        pace = _pace(event.get("paceOfStudy"))
        if pace is None:
            error("paceOfStudy", _("The pace is a share of full time between 1 and 100 %."))
        if not event_id or not title or not provider or pace is None:
            return None
        details = [
            str(event.get(key)).strip()
            for key in ("extent", "executionCondition", "recommendedPriorKnowledge")
            if event.get(key)
        ]
        if event.get("credits"):
            details.insert(0, f"{event['credits']} {event.get('creditsSystem') or ''}".strip())
        return Course(
            event_id=event_id,
            title=title[:200],
            provider_name=provider[:200],
            municipality=municipality,
            start=start,
            pace_percent=pace,
            remote=_distance(event.get("distance")),
            description="\n\n".join(details),
            models=self.links(title),
        )

    def apply(self, records: list[tuple[int, Course]], report: tabular.ImportReport) -> None:
        result = educations_sync(
            courses=[
                {
                    "external_id": SOURCE_PREFIX + course.event_id,
                    "title": course.title,
                    "provider_name": course.provider_name,
                    "municipality": course.municipality,
                    "form": EducationForm.KOMVUX_COURSE,
                    "start_dates": [course.start.isoformat()] if course.start else [],
                    "valid_from": course.start,
                    "pace_percent": course.pace_percent,
                    "remote": course.remote,
                    "description": course.description,
                    "closes_gaps_of": course.models,
                }
                for _number, course in records
            ],
            source_prefix=SOURCE_PREFIX,
            end_missing=self.complete,
            today=timezone.localdate(),
        )
        report.created, report.updated, report.unchanged = result


def courses_import(*, source: bytes, dry_run: bool, filename: str = "skolverket.json") -> Any:
    """Check Skolverket's pages and, unless `dry_run` or anything is wrong, apply them."""
    return CourseImporter().run(source=source, filename=filename, dry_run=dry_run)


def fetch_all_pages(url: str) -> bytes:
    """Every page of the listing at `url`, following `page` numbers, as one JSON list."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    pages: list[object] = []
    number = int(query.get("page", "0") or 0)
    while len(pages) < MAX_PAGES:
        query["page"] = str(number)
        page = tabular.read_json(
            fetch_url(urlunsplit(parts._replace(query=urlencode(query))), accept="application/json")
        )
        pages.append(page)
        info = page.get("page", {}) if isinstance(page, dict) else {}
        if not isinstance(info, dict) or number + 1 >= int(info.get("totalPages") or 0):
            break
        number += 1
    return json.dumps(pages).encode()


def is_from_skolverket(education: ComplementaryEducation) -> bool:
    return education.external_id.startswith(SOURCE_PREFIX)
