"""Structured logs name no one: a failing request's log line has its path, not its form data."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from valnav.core.logging import JsonFormatter


def _line(record: logging.LogRecord) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(JsonFormatter().format(record))
    return parsed


def test_a_request_error_is_one_json_line_without_the_form_data():
    request: HttpRequest = RequestFactory().post(
        "/evenemang/seminarium/", {"name": "Anna Andersson", "email": "anna@example.org"}
    )
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (request.path,),
            exc_info=sys.exc_info(),
            extra={"request": request, "status_code": 500},
        )
    line = _line(record)
    assert line["level"] == "ERROR"
    assert line["path"] == "/evenemang/seminarium/"
    assert line["status"] == 500
    assert "ValueError: boom" in str(line["exception"])
    text = json.dumps(line)
    assert "Anna" not in text
    assert "anna@example.org" not in text


@pytest.mark.parametrize("message", ["Åtgärd klar", 'quote " and\nnewline'])
def test_any_message_stays_one_valid_line(message):
    record = logging.getLogger("valnav").makeRecord(
        "valnav", logging.INFO, __file__, 1, message, (), None
    )
    formatted = JsonFormatter().format(record)
    assert "\n" not in formatted
    assert json.loads(formatted)["message"] == message
