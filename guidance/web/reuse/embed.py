"""Embeds: the only pages other sites may frame, and the badge images; their options and their error pages."""

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from guidance.catalog.models import Voie
from guidance.web.http import BadRequest
from guidance.web.reuse.badge import DIRECTIONS, THEMES

# A partner's page is seen far more often than our figures change (once a year, in December): let browsers and
# shared caches keep an embed an hour, and serve it stale for a day while they check with us.
EMBED_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"
EMBED_ERROR_CACHE_CONTROL = "public, max-age=600"


# The site's own policy (same-origin styles and fonts) with no script at all, and any site allowed to frame it.
EMBED_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "script-src": ["'none'"],
    "connect-src": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["*"],
}
# The badge is an image: it loads nothing and runs nothing (its styles are presentation attributes).
BADGE_CSP: dict[str, Any] = {"default-src": ["'none'"], "frame-ancestors": ["*"]}


class EmbedForm(forms.Form):
    """`?voie=&layout=` of every embed (areas add their own options): a value outside the choices is a 400."""

    voie = forms.ChoiceField(required=False, choices=[("", "Les deux voies"), *Voie.choices])
    layout = forms.ChoiceField(
        required=False, choices=[("", "Compacte"), ("compact", "Compacte"), ("full", "Complète")]
    )


class BadgeForm(forms.Form):
    """`?voie=&theme=&direction=` of every badge (the parameters of the former InserJeunes widget)."""

    voie = EmbedForm.base_fields["voie"]
    theme = forms.ChoiceField(required=False, choices=[("", "dsfr"), *((t, t) for t in THEMES)])
    direction = forms.ChoiceField(required=False, choices=[("", "horizontal"), *((d, d) for d in DIRECTIONS)])


def embeddable(*, badge: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A GET/HEAD view other sites may frame (or show as an image, `badge=True`): `frame-ancestors *` and no
    X-Frame-Options on its answers only, public cache headers, and its 400 (`http.BadRequest`) and 404 (`Http404`)
    answered by the embed's own minimal error page (`embeds/error.html`, or `embeds/error.svg` for a badge) under
    the same headers, so that a partner's frame shows our message rather than the browser's refusal.
    """
    template = "embeds/error.svg" if badge else "embeds/error.html"
    content_type = "image/svg+xml; charset=utf-8" if badge else None

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            try:
                response = view(request, *args, **kwargs)
            except (BadRequest, Http404) as error:
                status, message = (400, error.message) if isinstance(error, BadRequest) else (404, "")
                context = {"status": status, "error_message": message}
                response = render(request, template, context, status=status, content_type=content_type)
                response["Cache-Control"] = EMBED_ERROR_CACHE_CONTROL
            response.setdefault("Cache-Control", EMBED_CACHE_CONTROL)
            return response

        return require_safe(csp_override(BADGE_CSP if badge else EMBED_CSP)(xframe_options_exempt(wrapped)))

    return decorate
