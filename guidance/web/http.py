"""What every page area shares about HTTP: the one way to answer a 400 (`BadRequest`), the 404 of a malformed code
(`code_or_404`), Django's styled 400/404/500 handlers, and the HTMX fragment rule."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core import exceptions
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.csp import build_policy
from django.utils.html import escape
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from guidance.inserjeunes.codes import InvalidCode

logger = logging.getLogger("guidance.web")


class BadRequest(exceptions.BadRequest):
    """What is wrong with a request, said in French: raised by a view (or what it calls), answered by the styled 400
    page (`BadRequestMiddleware`), or by the embed's own error page (`reuse.embed.embeddable`). Subclass of Django's
    `BadRequest`, so that even where neither answers it the visitor gets a 400, never a 500."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class BadRequestMiddleware:
    """Answers a view's `BadRequest` with the styled 400 page saying its message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadRequest):
            return render(request, "errors/400.html", {"error_message": exception.message}, status=400)
        return None


def code_or_404[Code](parser: Callable[[str], Code], raw: str) -> Code:
    """`parser(raw)` (a `guidance.inserjeunes.codes` parser: `parse_cfd`, `parse_uai`…), or a 404 when the code in
    the address is malformed: no page exists at an address whose code could not be one."""
    try:
        return parser(raw)
    except InvalidCode:
        raise Http404("Code invalide") from None


class HtmxRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (`request.htmx`), for the views that read its details."""

    htmx: HtmxDetails


def wants_fragment(request: HttpRequest) -> bool:
    """HTMX swaps a region, except when it restores history (then it needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]


def page_or_fragment(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A GET/HEAD view that answers a whole page or, for HTMX, a fragment (`wants_fragment`): caches must keep the
    two apart (`Vary: HX-Request`)."""
    return require_safe(vary_on_headers("HX-Request")(view))


# --- Django's error handlers (guidance/urls.py) -----------------------------------------------------------------
# They answer what failed before or around a view (a disallowed Host, a bad request line, a middleware's error), so
# they must never fail themselves, and they carry the security headers on their own: the middleware that would add
# them may be the one that raised, or sit below it (SecurityMiddleware asks the host first in production).

_ERROR_TITLES = {400: "Demande incorrecte", 404: "Page introuvable"}


def _with_security_headers(response: HttpResponse) -> HttpResponse:
    """The site's framing, CSP and sniffing rules on an error answer (kept when a middleware already set them)."""
    headers = response.headers
    headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    headers.setdefault("Content-Security-Policy", build_policy(settings.SECURE_CSP))  # type: ignore[arg-type]
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
    return response


def _error_page(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
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


def bad_request_handler(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "errors/400.html", 400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: context processors could touch the database or the session, which may be what failed.
    template = loader.get_template("errors/500.html")
    return _with_security_headers(HttpResponseServerError(template.render({"SITE_NAME": settings.SITE_NAME})))
