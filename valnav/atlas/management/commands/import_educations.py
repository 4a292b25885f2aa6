"""Import Skolverket's Komvux courses as complementary education, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from valnav.atlas.education_io import courses_import, fetch_all_pages
from valnav.core.tabular.command import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Import Komvux courses from Skolverket's Planned Educations API (v4): a file with one "
        "page (or a list of pages) of listedAdultEducationEvents, or --url to fetch every page. "
        "Courses are matched on their educationEventId; a course no longer listed is ended."
    )
    file_help = "a JSON file of the API's pages"
    accepts_url = True
    checked_message = gettext_lazy(
        "Checked %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s unchanged "
        "courses. Dry run: nothing was written."
    )
    imported_message = gettext_lazy(
        "Imported %(file)s: %(created)s new, %(updated)s changed and %(unchanged)s unchanged "
        "courses."
    )

    def fetch(self, url: str) -> bytes:
        return fetch_all_pages(url)

    def run_import(self, *, path: Path, source: bytes, options: dict[str, Any]) -> Any:
        return courses_import(source=source, dry_run=options["dry_run"], filename=path.name)
