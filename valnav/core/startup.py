"""What a server process prepares as it starts, before its first visitor.

gunicorn imports config.wsgi in every worker, which calls `prepare_process`; so does any
measurement that means to time a request as a running server answers it (bench/), so that a
"cold" figure is the first request after a start (caches empty), not Python's first imports.
"""

from __future__ import annotations


def prepare_process() -> None:
    """Import every URL module, with the API's schemas (a few seconds), and build the search's
    matchers (a second or so per language). Needs Django set up."""
    from django.urls import get_resolver

    from valnav.atlas.search import prepare_matchers

    get_resolver().url_patterns  # noqa: B018  (imports every URL module)
    prepare_matchers()
