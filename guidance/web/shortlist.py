"""The shortlist of the compare page: what one item is, how it is written in a query string and in the visitor's
`selection` cookie, and the buttons that add or remove one.

A comparison's address rebuilds it (the share link, no account): `?item=f:40031213:scolaire&item=e:0751234A:
40031213:apprentissage&region=76`. The visitor's own selection is kept in a cookie (`current_selection`), written
only by the selection endpoint (`compare.selection`) from a plain POST form, so it works without JavaScript and
survives browsing. Two kinds of item:

- `f:<CFD>[:<voie>]`: a formation, figures in France (or in the region of the page, France as the fallback);
  without a voie, the compare page picks the one the source has figures for (see `compare.columns.resolve_voie`);
- `e:<UAI>:<CFD>:<voie>`: a training in one school, the school's figures with the region then France as fallback.

A higher-education diploma is written the same way with its SISE code and the voie `superieur` (`f:2300030:superieur`,
`e:0062205P:2300030:superieur`): a 7-character code is a SISE one, an 8-character one a CFD.

Every code goes through the parsers of `guidance.inserjeunes.codes` before it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from guidance.catalog.models import SUPERIEUR, Voie
from guidance.inserjeunes.codes import Certification, CodeKind, InvalidCode, parse_certification, parse_cfd, parse_uai

MAX_ITEMS = 4
VOIES = frozenset({*Voie.values, SUPERIEUR})
# What an "Ajouter … à la comparaison" link adds, per voie.
ADD_LABELS = {
    Voie.SCOLAIRE.value: "la voie scolaire",
    Voie.APPRENTISSAGE.value: "l’apprentissage",
    SUPERIEUR: "ce diplôme",
}


def parse_diploma_code(raw: str) -> Certification:
    """A formation's code in an item: a CFD, or the 7-character SISE code of a higher-education diploma."""
    value = raw.strip().upper()
    if len(value) == 7:
        return parse_certification(f"{CodeKind.SISE.value}:{value}")
    return parse_cfd(value)


class InvalidItem(ValueError):
    """An item of the query string we cannot read; `message` is the French sentence for the 400 page."""

    def __init__(self, raw: str, message: str) -> None:
        self.raw = raw
        self.message = message
        super().__init__(f"{message}: {raw!r}")


@dataclass(frozen=True, slots=True)
class FormationItem:
    cfd: str
    voie: str = ""  # "" when the address does not say: the page picks one

    @property
    def token(self) -> str:
        return f"f:{self.cfd}:{self.voie}" if self.voie else f"f:{self.cfd}"


@dataclass(frozen=True, slots=True)
class PairItem:
    uai: str
    cfd: str
    voie: str

    @property
    def token(self) -> str:
        return f"e:{self.uai}:{self.cfd}:{self.voie}"


Item = FormationItem | PairItem


def _voie(raw: str, value: str) -> str:
    voie = value.strip().lower()
    if voie not in VOIES:
        raise InvalidItem(raw, f"La voie « {value} » n’existe pas : choisissez « scolaire » ou « apprentissage ».")
    return voie


def _voie_of(raw: str, code: Certification, voie: str) -> str:
    """The voie of an item whose voie reads `voie` ("" when a formation item does not say): `superieur` for a SISE
    code and only for it."""
    if code.kind is CodeKind.SISE and voie in ("", SUPERIEUR):
        return SUPERIEUR
    if code.kind is not CodeKind.SISE and voie != SUPERIEUR:
        return voie
    raise InvalidItem(
        raw, f"L’élément « {raw} » de la comparaison associe un diplôme à une voie qui n’est pas la sienne."
    )


def parse_item(raw: str) -> Item:
    """One `item=` value → a FormationItem or a PairItem. Raises `InvalidItem` (with its French message)."""
    if not isinstance(raw, str) or len(raw) > 40:
        raise InvalidItem(str(raw)[:40], "Un élément de la comparaison est illisible.")
    kind, _, rest = raw.strip().partition(":")
    parts = rest.split(":") if rest else []
    try:
        if kind.lower() == "f" and len(parts) in (1, 2):
            code = parse_diploma_code(parts[0])
            voie = _voie(raw, parts[1]) if len(parts) == 2 else ""
            return FormationItem(code.code, _voie_of(raw, code, voie))
        if kind.lower() == "e" and len(parts) == 3:
            code = parse_diploma_code(parts[1])
            return PairItem(parse_uai(parts[0]).value, code.code, _voie_of(raw, code, _voie(raw, parts[2])))
    except InvalidCode as error:
        raise InvalidItem(
            raw, f"L’élément « {raw} » de la comparaison contient un code non valide ({error.reason})."
        ) from None
    raise InvalidItem(
        raw,
        f"L’élément « {raw} » de la comparaison n’est pas écrit comme prévu "
        "(une formation : f:CFD, ou une formation dans un établissement : e:UAI:CFD:voie).",
    )


def parse_items(raws: Sequence[str]) -> list[Item]:
    """Every `item=` value, in order, duplicates dropped. Raises `InvalidItem`, also for more than `MAX_ITEMS`."""
    if len(raws) > MAX_ITEMS:
        raise InvalidItem(
            "", f"Vous pouvez comparer {MAX_ITEMS} formations ou établissements au plus : retirez-en quelques-uns."
        )
    return list(dict.fromkeys(parse_item(raw) for raw in raws))


def compare_query(items: Sequence[Item], region: str = "") -> str:
    """The query string (without `?`) that rebuilds a comparison: the share link."""
    pairs = [("item", item.token) for item in items]
    if region:
        pairs.append(("region", region))
    return urlencode(pairs, safe=":")


def compare_url(items: Sequence[Item], region: str = "", *, name: str = "web:compare") -> str:
    query = compare_query(items, region)
    return reverse(name) + (f"?{query}" if query else "")


def with_item(items: Sequence[Item], item: Item) -> list[Item]:
    return [*items, item] if item not in items else list(items)


def without_item(items: Sequence[Item], item: Item) -> list[Item]:
    return [other for other in items if other != item]


# --- The visitor's selection, kept in a cookie ---------------------------------------------------------------------

COOKIE_NAME = "selection"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: a family chooses over months
_SEPARATOR = "|"  # allowed in a cookie value (RFC 6265 cookie-octet), never in a token


def current_selection(request: HttpRequest) -> list[Item]:
    """The visitor's selection (the `selection` cookie), [] when there is none or it cannot be read.

    The one place a page reads the cookie: it marks the request so that `SelectionVaryMiddleware` adds
    `Vary: Cookie` to the response whose HTML depends on it (caches keep one copy per selection, and the page
    cache bypasses requests that carry the cookie).
    """
    setattr(request, "_selection_read", True)  # noqa: B010 (a mark on the request, read by the middleware)
    cached = getattr(request, "_selection", None)
    if cached is not None:
        return list(cached)
    raw = request.COOKIES.get(COOKIE_NAME, "")
    try:
        items = parse_items([token for token in raw.split(_SEPARATOR) if token]) if raw else []
    except InvalidItem:
        items = []  # a cookie we cannot read (an old format, edited by hand) starts a new selection
    setattr(request, "_selection", tuple(items))  # noqa: B010 (memo for the rest of this request)
    return items


def store_selection(response, items: Sequence[Item]) -> None:
    """Write the selection into the cookie (HttpOnly, SameSite=Lax, Secure in production), or delete it."""
    if not items:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_cookie(
        COOKIE_NAME,
        _SEPARATOR.join(item.token for item in items),
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class SelectionVaryMiddleware:
    """`Vary: Cookie` on every response whose page read the selection (`current_selection`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_selection_read", False):
            patch_vary_headers(response, ("Cookie",))
        return response


@dataclass(frozen=True)
class AddLink:
    """The "Ajouter … à la comparaison" / "Retirer" button of one item on a formation or school × formation page."""

    label: str  # what is added, for the button text ("la voie scolaire", "l’apprentissage")
    token: str  # the item, as the selection endpoint reads it
    is_in: bool  # already in the selection: the button removes it
    is_full: bool  # the selection is full and this item is not in it: no button, a sentence

    @property
    def action(self) -> str:
        return "remove" if self.is_in else "add"


@dataclass(frozen=True)
class CompareLinks:
    links: tuple[AddLink, ...]
    count: int
    view_url: str  # the compare page of the selection
    next_url: str  # where the selection endpoint sends the visitor back (this page)
    action_url: str  # the selection endpoint

    @property
    def max_items(self) -> int:
        return MAX_ITEMS


def compare_links(request: HttpRequest, candidates: Sequence[tuple[Item, str]]) -> CompareLinks:
    """For a page that offers `candidates` [(item, label)…]: an add or remove button each, from the selection."""
    items = current_selection(request)
    full = len(items) >= MAX_ITEMS
    links = tuple(AddLink(label, item.token, item in items, full and item not in items) for item, label in candidates)
    return CompareLinks(
        links, len(items), reverse("web:compare"), request.get_full_path(), reverse("web:compare_selection")
    )
