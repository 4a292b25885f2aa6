"""Members' Markdown is shown to anyone: nothing typed into it may run in a reader's browser."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest

from valnav.core.markdown import ALLOWED_TAGS, markdown_to_text, render_markdown, sanitise_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "![x](javascript:alert(1))",
    '<div onclick="alert(1)">x</div>',
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("render", [render_markdown, sanitise_html])
def test_no_payload_survives(payload: str, render: Callable[[str], str]) -> None:
    for tag, attrs in elements(render(payload)):
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on")
            assert name != "style"
            if name in {"href", "src"}:
                assert (value or "").split(":")[0].lower() in {"http", "https", "mailto"}


def test_ordinary_markdown_keeps_its_structure() -> None:
    html = render_markdown("# Title\n\nSome **bold** and a [link](https://example.se).\n\n- one\n")
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.se"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<li>one</li>" in html


def test_sanitise_html_drops_what_is_not_allowed() -> None:
    assert sanitise_html('<p onclick="x()">hi</p><script>x()</script>') == "<p>hi</p>"


def test_markdown_as_plain_text_keeps_the_words_and_the_addresses():
    text = (
        "# Rubrik\n\nDet här är **validering** och *kurs*. Läs [mer](https://example.se).\n\n"
        "- ett\n- två med `kod`\n"
    )
    assert markdown_to_text(text) == (
        "Rubrik\n\nDet här är validering och kurs. Läs mer (https://example.se).\n\n"
        "- ett\n- två med kod"
    )
