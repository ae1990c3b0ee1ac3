"""What every page area shares about HTTP: the styled 400/404/500 answers, the page number of a list address,
and the HTMX fragment rule."""

import functools
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.csp import build_policy
from django.utils.html import escape
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from guidance.catalog.models import Voie
from guidance.web.figures.badge import DIRECTIONS, THEMES
from guidance.web.figures.wording import ATTRIBUTION, LICENCE, LICENCE_URL

logger = logging.getLogger("guidance.web")


def bad_request(request, message: str):
    """The styled 400 page, saying in French what is wrong with the address."""
    return render(request, "errors/400.html", {"error_message": message}, status=400)


def first_error(form: forms.Form) -> str:
    """The first message of an invalid form, as one sentence for the 400 page."""
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "L’adresse n’est pas valide. Vérifiez le lien."


def wants_fragment(request) -> bool:
    """HTMX swaps a region, except when it restores history (then it needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_or_fragment(view):
    """A GET/HEAD view that answers a whole page or, for HTMX, a fragment (`wants_fragment`): caches must keep the
    two apart (`Vary: HX-Request`)."""
    return require_safe(vary_on_headers("HX-Request")(view))


class SearchField(forms.CharField):
    """`?q=` of a search box: free words, at most `max_length` characters (a longer one is a 400)."""

    def __init__(self, label: str, max_length: int = 100, **kwargs) -> None:
        message = f"La recherche est trop longue ({max_length} caractères au plus)."
        super().__init__(
            label=label, required=False, max_length=max_length, error_messages={"max_length": message}, **kwargs
        )


class PageField(forms.IntegerField):
    """`?page=` of a list: not a whole number ≥ 1 is a 400; a page past the end is the views' to clamp to the last
    (`Paginator.get_page`), since a shared link outlives the catalogue it was made from."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(
            required=False,
            min_value=1,
            error_messages={
                "invalid": "Le numéro de page doit être un nombre entier.",
                "min_value": "Le numéro de page commence à 1.",
            },
            **kwargs,
        )


class EmbedForm(forms.Form):
    """`?voie=&layout=` of every embed (areas add their own options): a value outside the choices is a 400."""

    voie = forms.ChoiceField(
        required=False,
        choices=[("", "Les deux voies"), *Voie.choices],
        error_messages={"invalid_choice": "La voie doit être « scolaire » ou « apprentissage »."},
    )
    layout = forms.ChoiceField(
        required=False,
        choices=[("", "Compacte"), ("compact", "Compacte"), ("full", "Complète")],
        error_messages={"invalid_choice": "La présentation (« layout ») doit être « compact » ou « full »."},
    )


class BadgeForm(forms.Form):
    """`?voie=&theme=&direction=` of every badge (the parameters of the former InserJeunes widget)."""

    voie = EmbedForm.base_fields["voie"]
    theme = forms.ChoiceField(
        required=False,
        choices=[("", "dsfr"), *((t, t) for t in THEMES)],
        error_messages={"invalid_choice": "Le thème doit être « dsfr », « light » ou « dark »."},
    )
    direction = forms.ChoiceField(
        required=False,
        choices=[("", "horizontal"), *((d, d) for d in DIRECTIONS)],
        error_messages={"invalid_choice": "La direction doit être « horizontal » ou « vertical »."},
    )


# --- Django's error handlers (guidance/urls.py) -----------------------------------------------------------------
# They answer what failed before or around a view (a disallowed Host, a bad request line, a middleware's error), so
# they must never fail themselves, and they carry the security headers on their own: the middleware that would add
# them may be the one that raised, or sit below it (SecurityMiddleware asks the host first in production).

_ERROR_TITLES = {400: "Demande incorrecte", 404: "Page introuvable"}


def _with_security_headers(response: HttpResponse) -> HttpResponse:
    """The site's framing, CSP and sniffing rules on an error answer (kept when a middleware already set them)."""
    headers = response.headers
    headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    headers.setdefault("Content-Security-Policy", build_policy(settings.SECURE_CSP))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
    return response


def _error_page(request, template_name: str, status: int) -> HttpResponse:
    """The styled page; should it fail to render (whatever the cause), a bare page that cannot fail."""
    try:
        response = render(request, template_name, {"error_message": ""}, status=status)
    except Exception:
        logger.exception("the %s page could not be rendered; a bare one is answered", status)
        title = _ERROR_TITLES[status]
        home = escape(settings.SITE_URL.rstrip("/") + "/")
        body = f'<!DOCTYPE html><html lang="fr"><title>{title}</title><h1>{title}</h1><a href="{home}">Accueil</a>'
        response = HttpResponse(body, status=status)
    return _with_security_headers(response)


def bad_request_handler(request, exception=None):
    return _error_page(request, "errors/400.html", 400)


def page_not_found(request, exception=None):
    return _error_page(request, "errors/404.html", 404)


def server_error(request):
    # No request context: context processors could touch the database or the session, which may be what failed.
    template = loader.get_template("errors/500.html")
    return _with_security_headers(HttpResponseServerError(template.render({"SITE_NAME": settings.SITE_NAME})))


# --- Embeds: the only pages other sites may frame, and the badge images -----------------------------------------

# A partner's page is seen far more often than our figures change (once a year, in December): let browsers and
# shared caches keep an embed an hour, and serve it stale for a day while they check with us.
EMBED_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"
EMBED_ERROR_CACHE_CONTROL = "public, max-age=600"
EXPORT_CACHE_CONTROL = "public, max-age=3600"


# The site's own policy (same-origin styles and fonts) with no script at all, and any site allowed to frame it.
EMBED_CSP = {
    **settings.SECURE_CSP,
    "script-src": ["'none'"],
    "connect-src": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["*"],
}
# The badge is an image: it loads nothing and runs nothing (its styles are presentation attributes).
BADGE_CSP = {"default-src": ["'none'"], "frame-ancestors": ["*"]}


class EmbedError(Exception):
    """A bad option (400) of an embed, answered by the embed's own error page (`embeddable`)."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def embeddable(*, badge: bool = False):
    """A GET/HEAD view other sites may frame (or show as an image, `badge=True`): `frame-ancestors *` and no
    X-Frame-Options on its answers only, public cache headers, and its 400 (`EmbedError`) and 404 (`Http404`)
    answered by the embed's own minimal error page (`embeds/error.html`, or `embeds/error.svg` for a badge) under
    the same headers, so that a partner's frame shows our message rather than the browser's refusal.
    """
    template = "embeds/error.svg" if badge else "embeds/error.html"
    content_type = "image/svg+xml; charset=utf-8" if badge else None

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
            except (EmbedError, Http404) as error:
                status, message = (error.status, error.message) if isinstance(error, EmbedError) else (404, "")
                context = {"status": status, "error_message": message}
                response = render(request, template, context, status=status, content_type=content_type)
                response["Cache-Control"] = EMBED_ERROR_CACHE_CONTROL
            response.setdefault("Cache-Control", EMBED_CACHE_CONTROL)
            return response

        return require_safe(csp_override(BADGE_CSP if badge else EMBED_CSP)(xframe_options_exempt(wrapped)))

    return decorate


@dataclass(frozen=True)
class Reuse:
    """The addresses a page offers for reuse: its embed and badge (absolute: pasted in other sites), its exports."""

    title: str  # what the figures are about (the iframe's title)
    page_url: str  # absolute: the page the badge links to
    embed_url: str
    badge_url: str
    json_url: str
    csv_url: str
    licence: str = LICENCE
    licence_url: str = LICENCE_URL
    attribution: str = ATTRIBUTION


def reuse_links(request, page_path: str, title: str, embed_query: dict[str, str] | None = None) -> Reuse:
    """The reuse addresses of the page at `page_path` (ending with "/"): its exports carry the page's whole query
    string (they hold what the page shows); its embed and badge, when `embed_query` is given (None: the page has
    none), carry those options (empty values dropped)."""
    page_query = request.GET.urlencode()

    def absolute(name: str, query: str) -> str:
        return request.build_absolute_uri(f"{page_path}{name}{'?' + query if query else ''}")

    kept = urlencode({key: value for key, value in (embed_query or {}).items() if value})
    return Reuse(
        title=title,
        page_url=request.build_absolute_uri(page_path),
        embed_url=absolute("integrer/", kept) if embed_query is not None else "",
        badge_url=absolute("badge.svg", kept) if embed_query is not None else "",
        json_url=absolute("export.json", page_query),
        csv_url=absolute("export.csv", page_query),
    )


def csv_response(text: str, filename: str) -> HttpResponse:
    """A `;`-separated export, UTF-8 with a BOM (spreadsheet software reads the accents right), as a download."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
