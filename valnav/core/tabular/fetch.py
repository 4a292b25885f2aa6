"""Fetching a source's file from its publisher (`--url`): http(s) only, a time limit and a size
limit, and a refusal that says what went wrong."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from valnav.core.tabular.errors import UnreadableFileError

MAX_FETCH_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 60


def fetch_url(url: str, *, accept: str = "*/*", max_bytes: int = MAX_FETCH_BYTES) -> bytes:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise UnreadableFileError(_("Only http and https addresses can be fetched."))
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        url, headers={"Accept": accept, "User-Agent": "Valnav"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body: bytes = response.read(max_bytes + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise UnreadableFileError(
            _("%(url)s could not be fetched: %(reason)s") % {"url": url, "reason": error}
        ) from error
    if len(body) > max_bytes:
        raise UnreadableFileError(
            _("%(url)s answered with more than %(size)s MB.")
            % {"url": url, "size": max_bytes // (1024 * 1024)}
        )
    return body
