"""`{% rendered_once %}…{% endrendered_once %}`: the parts of the page frame that are the same on every page (the
DSFR assets, the header's brand and search bar, the footer), rendered once per process instead of on every request.

The block is rendered in a context that holds only the site's constants (`SITE_NAME`, `SITE_TAGLINE`): nothing of
the request (its path, the visitor's selection, the CSP nonce, the query) can reach it, so the markup is the same for
every request by construction; what depends on the request stays outside the block. The markup is kept on the
template's node: the cached template loader keeps nodes for the life of the process, so a new code version (a
restart) renders it again, and a settings change (tests) forgets it.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString

register = template.Library()

_generation = 0  # bumped when settings change: every block renders again


def _forget(**kwargs) -> None:
    global _generation
    _generation += 1


setting_changed.connect(_forget)


def site_constants() -> dict[str, str]:
    """The only variables a `rendered_once` block sees."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": settings.SITE_TAGLINE}


class RenderedOnceNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: tuple[int, SafeString] | None = None

    def render(self, context: Context) -> SafeString:
        kept = self.rendered
        if kept is not None and kept[0] == _generation:
            return kept[1]
        generation = _generation
        html = self.nodelist.render(context.new(site_constants()))  # a SafeString, escaped as it was rendered
        self.rendered = (generation, html)
        return html


@register.tag
def rendered_once(parser: Parser, token: Token) -> RenderedOnceNode:
    """Usage: `{% load frame %}{% rendered_once %}<footer>…</footer>{% endrendered_once %}`."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("rendered_once takes no argument")
    nodelist = parser.parse(("endrendered_once",))
    parser.delete_first_token()
    return RenderedOnceNode(nodelist)
