"""Markdown that members write, rendered to HTML that is safe to show to anyone.

markdown-it-py renders CommonMark with raw HTML turned off, so markup typed into a text is
shown as text; nh3 (Ammonia) then keeps only the elements and attributes listed here and only
http, https and mailto links, so nothing a writer types can run script in a reader's browser.
"""

from __future__ import annotations

import re

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


_BLOCK_ENDS = {"paragraph_close": "\n\n", "heading_close": "\n\n", "tr_close": "\n"}


def markdown_to_text(text: str) -> str:
    """The same Markdown as plain text, for what shows no markup (a calendar entry's
    description): the words without **, # or [](), each link's address after its text,
    list items on lines of their own starting with "- "."""
    parts: list[str] = []
    link_start = 0
    for token in _RENDERER.parse(text):
        if token.type == "inline":
            href = ""
            for child in token.children or []:
                if child.type in {"text", "code_inline"}:
                    parts.append(child.content)
                elif child.type in {"softbreak", "hardbreak"}:
                    parts.append("\n")
                elif child.type == "link_open":
                    href = str(child.attrs.get("href", ""))
                    link_start = len(parts)
                elif child.type == "link_close" and href:
                    if "".join(parts[link_start:]) != href:
                        parts.append(f" ({href})")
                    href = ""
        elif token.type == "list_item_open":
            parts.append("- ")
        elif token.type in {"list_item_close", "bullet_list_close", "ordered_list_close"}:
            parts.append("\n")
        elif token.type in {"fence", "code_block"}:
            parts.append(token.content + "\n")
        elif token.type in {"th_close", "td_close"}:
            parts.append(" | ")
        elif token.type in _BLOCK_ENDS and not token.hidden:  # hidden: a tight list's item
            parts.append(_BLOCK_ENDS[token.type])
    lines = "".join(parts).replace(" | \n", "\n").splitlines()
    plain = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", plain).strip()
