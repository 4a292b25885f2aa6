"""Error reports carry no personal data: not a POST value, not a local variable."""

import sys

from django.test import RequestFactory
from django.views.debug import ExceptionReporter


def test_an_error_report_shows_neither_posted_values_nor_local_variables():
    # Built from parts, so that the report's source lines do not contain the whole value.
    personnummer = "-".join(["19811218", "9876"])
    request = RequestFactory().post(
        "/arenden/personer/ny/", {"given_name": "Am" + "ina", "personnummer": personnummer}
    )

    def register(personnummer: str) -> None:
        raise ValueError("broken")

    try:
        register(personnummer)
    except ValueError:
        report = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    assert "19811218-9876" not in report
    assert "Am" + "ina" not in report
    assert "given_name" in report  # the field is named, its value is not
