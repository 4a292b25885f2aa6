"""Template filters of the network pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from valnav.core.markdown import render_markdown

register = template.Library()


@register.filter(name="network_markdown")
def network_markdown(text: str) -> SafeString:
    """Members' Markdown, rendered and sanitised by `valnav.core.markdown.render_markdown`."""
    return render_markdown(text or "")
