"""The place a page centres on, carried by its links (`guidance.web.place`): `{% load place %}`.

- `{% near_url "web:formation" formation.cfd voie=row.voie %}`: the address of a page (its URL arguments
  positional, its query parameters by name, empty ones left out) with the place of the current page (`near` in
  the context: `commune=` and `rayon=`), so every link that leads on keeps it.
- `{{ some_url|with_place:near }}`: an address built elsewhere (the compare page's, a share link) with the place.
- `{% near_line formation.pk %}`: the distance line of a formation card (`near_lines` in the context).
- `{% distance_to school %}`: "à environ 5 km" from the page's place ("" without one).
"""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from guidance.catalog.models import School
from guidance.web.place import DISTANCE_NOTE, Near

register = template.Library()


def _with(url: str, params: dict[str, Any]) -> str:
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
    if not query:
        return url
    path, _, fragment = url.partition("#")
    joined = f"{path}{'&' if '?' in path else '?'}{query}"
    return f"{joined}#{fragment}" if fragment else joined


@register.simple_tag(takes_context=True)
def near_url(context: template.Context, name: str, *args: Any, **query: Any) -> str:
    near = context.get("near")
    params = dict(query)
    if isinstance(near, Near):
        params.update(near.query)
    return _with(reverse(name, args=args), params)


@register.filter
def with_place(url: str, near: Near | None) -> str:
    return _with(str(url), near.query) if isinstance(near, Near) else str(url)


@register.simple_tag(takes_context=True)
def near_line(context: template.Context, formation_pk: int) -> str:
    lines = context.get("near_lines") or {}
    return str(lines.get(formation_pk, ""))


@register.simple_tag
def distance_note() -> str:
    """How the page's distances are measured, said once per page."""
    return DISTANCE_NOTE


@register.simple_tag(takes_context=True)
def distance_to(context: template.Context, school: School) -> str:
    """ "à environ 5 km" from the page's place (`near`), "distance inconnue" without a point, "" without a place."""
    near = context.get("near")
    return near.distance_words(school) if isinstance(near, Near) else ""
