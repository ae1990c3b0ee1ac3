"""SEO helpers for templates: `{{ data|json_ld }}` writes a JSON-LD data block safely.

A `<script type="application/ld+json">` is not executed (the CSP does not apply to data blocks), but its text
still ends at the first `</script>`: `<`, `>` and `&` are escaped as JSON unicode escapes, which JSON readers
decode back to the same characters.
"""

import json

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def json_ld(data: object) -> SafeString:
    """The JSON text of `data` (dicts, lists, strings, numbers, dates), safe inside a `<script>` element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_ESCAPES))  # noqa: S308 (escaped just above)


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str = "") -> str:
    """`path` (default: the current path, without query string) as an absolute URL of this site: on the host asked
    when it is one we serve, else on `SITE_URL` (the 400 page of a disallowed Host renders this tag too)."""
    request = context.get("request")
    path = path or (request.path if request is not None else "/")
    # Built by hand rather than with build_absolute_uri(): a path like `//other.host/` must stay a path.
    return f"{_origin(request)}/{path.lstrip('/')}"


def _origin(request) -> str:
    if request is not None:
        try:
            return f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            pass
    return settings.SITE_URL.rstrip("/")
