"""`{% renderedonce key … %}…{% endrenderedonce %}`: markup rendered once per process for each
value of its keys, then reused.

For the frame of every page (menus, footer, stylesheet links): it depends on the language and
on which page is shown, never on what a visitor sends, and rendering its dozen `{% url %}` and
twenty `{% translate %}` took more CPU than a search's database work. Name every key the markup
depends on; never put anything of a visitor, a user or the data inside. Kept in the process
(not the shared cache, which may be the database); emptied when a template file or a setting
changes, so `make run` shows an edit at once and tests that change settings see their own.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, Node, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Raised to forget everything kept: each node keeps its markup with the generation it was
# rendered in.
_generation = 0
# Languages × page names is a few hundred at most per tag; a bound all the same.
_MOST = 1_000


def forget_rendered(**_kwargs: Any) -> None:
    global _generation
    _generation += 1


setting_changed.connect(forget_rendered, dispatch_uid="valnav-rendered-once-settings")
file_changed.connect(forget_rendered, dispatch_uid="valnav-rendered-once-files")


class RenderedOnceNode(Node):
    """Keeps its markup on itself, per value of its keys: a template parsed again (a changed
    file, or no cached loader under DEBUG) is a new node that starts empty."""

    def __init__(self, nodelist: NodeList, keys: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.generation = _generation
        self.kept: dict[tuple[str, ...], SafeString] = {}

    def render(self, context: Context) -> SafeString:
        if self.generation != _generation or len(self.kept) >= _MOST:
            self.kept, self.generation = {}, _generation
        key = tuple(
            str(expression.resolve(context, ignore_failures=True)) for expression in self.keys
        )
        found = self.kept.get(key)
        if found is None:
            found = mark_safe(self.nodelist.render(context))  # noqa: S308  (rendered, escaped)
            self.kept[key] = found
        return found


@register.tag("renderedonce")
def rendered_once(parser: Parser, token: Token) -> RenderedOnceNode:
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endrenderedonce",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A page extending this template would fill the block, and the first page's filling
        # would be kept for all.
        raise template.TemplateSyntaxError("{% renderedonce %} may not hold a {% block %}")
    return RenderedOnceNode(nodelist, keys)
