"""The selection endpoint: `POST /comparer/selection/` adds an item to, removes one from, or replaces the visitor's
selection (the `selection` cookie, `guidance.web.shortlist`), then sends the visitor back (303) to `next`.

Fields: `action` = add | remove | keep | clear, `item` (one token; several for keep), `next` (a local path).
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from guidance.web.http import BadRequest
from guidance.web.shortlist import (
    MAX_ITEMS,
    InvalidItem,
    current_selection,
    parse_item,
    parse_items,
    store_selection,
    with_item,
    without_item,
)

ACTIONS = frozenset({"add", "remove", "keep", "clear"})


class SeeOther(HttpResponseRedirect):
    """A 303: after a POST, the browser GETs `next` (never re-POSTs it on reload)."""

    status_code = 303


def _is_cross_site(request: HttpRequest) -> bool:
    """What the browser says about where the form was sent from: `Sec-Fetch-Site` when it sends it (modern
    browsers), else `Origin`. Neither header (old browsers, curl) is not refused: the effect is harmless."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        return parts.netloc != request.get_host() or parts.scheme != request.scheme
    return origin == "null"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("web:compare")


# csrf_exempt on purpose: the only effect of this endpoint is the visitor's own shortlist cookie (no account, no
# data of anyone else), so a forged request can at worst reorder a stranger's shortlist; a CSRF token in every page
# offering the button would make those pages uncacheable per visitor. Cross-site posts are still refused when the
# browser says where they come from (`_is_cross_site`), and the cookie is SameSite=Lax.
@csrf_exempt
@require_POST
def selection(request: HttpRequest) -> HttpResponse:
    if _is_cross_site(request):
        return HttpResponseForbidden("Cette action n’est acceptée que depuis les pages du site.")
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise BadRequest("Cette action sur votre sélection n’existe pas.")
    items = current_selection(request)
    try:
        if action == "keep":
            items = parse_items(request.POST.getlist("item"))
        elif action == "clear":
            items = []
        else:
            item = parse_item(request.POST.get("item", ""))
            if action == "remove":
                items = without_item(items, item)
            elif item not in items and len(items) >= MAX_ITEMS:
                raise BadRequest(
                    f"Votre sélection compte déjà {MAX_ITEMS} éléments : retirez-en un avant d’en ajouter un autre.",
                )
            else:
                items = with_item(items, item)
    except InvalidItem as error:
        raise BadRequest(error.message) from None
    response = SeeOther(_next_url(request))
    store_selection(response, items)
    return response
