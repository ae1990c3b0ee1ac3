"""The shortlist of the compare page: what one item is, how it is written in a query string, and the links that
add or remove one.

The list lives in the address only (no account, no cookie): `?item=f:40031213:scolaire&item=e:0751234A:40031213:
apprentissage&region=76`. Two kinds of item:

- `f:<CFD>[:<voie>]`: a formation, figures in France (or in the region of the page, France as the fallback);
  without a voie, the compare page picks the one the source has figures for (see `compare.columns.resolve_voie`);
- `e:<UAI>:<CFD>:<voie>`: a training in one school, the school's figures with the region then France as fallback.

Every code goes through the parsers of `guidance.inserjeunes.codes` before it is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from guidance.catalog.models import Voie
from guidance.inserjeunes.codes import InvalidCode, parse_cfd, parse_uai
from guidance.inserjeunes.territories import REGIONS

MAX_ITEMS = 4
VOIES = frozenset(Voie.values)
# What an "Ajouter … à la comparaison" link adds, per voie.
ADD_LABELS = {Voie.SCOLAIRE.value: "la voie scolaire", Voie.APPRENTISSAGE.value: "l’apprentissage"}


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


def parse_item(raw: str) -> Item:
    """One `item=` value → a FormationItem or a PairItem. Raises `InvalidItem` (with its French message)."""
    if not isinstance(raw, str) or len(raw) > 40:
        raise InvalidItem(str(raw)[:40], "Un élément de la comparaison est illisible.")
    kind, _, rest = raw.strip().partition(":")
    parts = rest.split(":") if rest else []
    try:
        if kind.lower() == "f" and len(parts) in (1, 2):
            voie = _voie(raw, parts[1]) if len(parts) == 2 else ""
            return FormationItem(parse_cfd(parts[0]).code, voie)
        if kind.lower() == "e" and len(parts) == 3:
            return PairItem(parse_uai(parts[0]).value, parse_cfd(parts[1]).code, _voie(raw, parts[2]))
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


def carried_items(request) -> tuple[list[Item], str]:
    """The shortlist a page received in its address (a link from the compare page carries it), and its region.

    Pages other than the compare page do not fail on a list they cannot read: they start a new one.
    """
    try:
        items = parse_items(request.GET.getlist("item"))
    except InvalidItem:
        items = []
    region = request.GET.get("region", "")
    return items, region if region in REGIONS else ""


@dataclass(frozen=True)
class AddLink:
    """The "Ajouter à la comparaison" / "Retirer" link of one item on a formation or school × formation page."""

    label: str  # what is added, for the link text ("la voie scolaire", "l’apprentissage")
    url: str
    is_in: bool  # already in the list: the link removes it
    is_full: bool  # the list is full and this item is not in it: no link, a sentence


@dataclass(frozen=True)
class CompareLinks:
    links: tuple[AddLink, ...]
    count: int
    view_url: str  # the compare page with the current list

    @property
    def max_items(self) -> int:
        return MAX_ITEMS


def compare_links(request, candidates: Sequence[tuple[Item, str]]) -> CompareLinks:
    """For a page that offers `candidates` [(item, label)…]: the add links (to the compare page, the list grown by
    the item) and remove links (back to this page, the list without it), from the list carried by the address."""
    items, region = carried_items(request)
    links = []
    for item, label in candidates:
        if item in items:
            query = compare_query(without_item(items, item), region)
            links.append(AddLink(label, request.path + (f"?{query}" if query else ""), True, False))
        else:
            full = len(items) >= MAX_ITEMS
            links.append(AddLink(label, "" if full else compare_url(with_item(items, item), region), False, full))
    return CompareLinks(tuple(links), len(items), compare_url(items, region))
