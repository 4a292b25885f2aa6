"""Markdown that members write, rendered to HTML that is safe to show to anyone.

markdown-it-py renders CommonMark with raw HTML turned off, so markup typed into a text is
shown as text; nh3 (Ammonia) then keeps only the elements and attributes listed here and only
http, https and mailto links, so nothing a writer types can run script in a reader's browser.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_RENDERER.enable("table")

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li",
        "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(html: str) -> SafeString:
    """Only the allowed elements, attributes and link schemes; links get rel="noopener
    noreferrer"."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has removed everything not allowed above


def render_markdown(text: str) -> SafeString:
    """CommonMark (with tables) to sanitised HTML. Headings start at level 2, since the page
    holding the text has its own h1: a writer's `# Title` becomes an h2."""
    tokens = _RENDERER.parse(text)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag == "h1":
            token.tag = "h2"
    return sanitise_html(_RENDERER.renderer.render(tokens, _RENDERER.options, {}))
