"""What the search knows of a diploma beyond its words: whether it is still delivered, whether a pupil can enter it
after the 3e, whether it is an adult professional title, and which results are versions of one diploma.

- Still delivered (`is_open`): no closing date, or one still to come (a titre closing in 2028 is open today).
- After the 3e (`AFTER_3E_DIPLOMA_CODES`): CAP, CAPA, bac pro and bac pro agricole, by the BCN's diploma code
  (`Formation.diploma_code`, the first 3 characters of the CFD); the secondes communes are bac pro codes (400).
  An MC, a BP or a CS needs a first diploma; a titre is for adults.
- Adult professional titles (`is_adult_title`): the RNCP titles the BCN files under a code whose third character is a
  letter (36T titres professionnels of the ministry of labour, 56M chambers of trades, 46X…) or as "Titre …".
  They come after the initial-training diplomas at equal relevance (`scoring.ADULT_TITLE_PENALTY`).
- Versions (`fold_versions`): the BCN renews a diploma under a new code (CAP Cuisine 50022139 → 50022146, linked by
  ANCIEN_/NOUVEAU_DIPLOME) and sometimes keeps two codes under one title ("Aide-soignant (diplôme d'etat)", level 3
  then level 4). Results linked so, or bearing the same label at the same level, are one diploma: one card, the open
  and most recent version, placed where its best-ranked version was (the current version inherits what its former
  one is known for: figures, schools); the other codes stay reachable from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from guidance.catalog.labels import fold

AFTER_3E_DIPLOMA_CODES = frozenset({"500", "503", "400", "403"})  # CAP, CAPA, bac pro, bac pro agricole


def is_open(closed_on: date | None, today: date | None = None) -> bool:
    """Still delivered: no closing date, or a closing date still to come."""
    return closed_on is None or closed_on > (today or date.today())


def enters_after_3e(diploma_code: str) -> bool:
    return diploma_code in AFTER_3E_DIPLOMA_CODES


def is_adult_title(diploma_code: str, diploma_type: str = "") -> bool:
    """An adult professional title (TP, CCI, chambers of trades…), not a diploma of initial training."""
    return (len(diploma_code) == 3 and diploma_code[2].isalpha()) or diploma_type.startswith("Titre")


@dataclass(frozen=True, slots=True)
class Version:
    """What tells the versions of a diploma apart, for one search result."""

    pk: int
    cfd: str
    label: str
    level: str
    opened_on: date | None
    closed_on: date | None
    linked_cfds: tuple[str, ...] = ()  # its former and new versions (BCN ANCIEN_/NOUVEAU_DIPLOME)


@dataclass(frozen=True)
class Folded:
    """Results folded: `ids` the one shown per diploma in rank order, `others` {shown: the other versions' ids}."""

    ids: list[int]
    others: dict[int, tuple[int, ...]]
    closed_left_out: int = 0  # diplomas no longer delivered left out (none of their versions is open)


@lru_cache(maxsize=32768)
def _title(label: str) -> str:
    """A label as two versions of one diploma share it: folded, spacing aside (kept: a blank search folds the
    16,000 labels of the catalogue, and accent folding is the slow part)."""
    return " ".join(fold(label).split())


def _groups(versions: Iterable[Version], today: date) -> list[list[Version]]:
    """Versions grouped by BCN link or by (label, level), transitively (a small union-find). A link joins a closed
    version to its successor; two open diplomas are never joined by a link (both are delivered), nor is a closed
    one split into several open diplomas joined to them (they would become one card)."""
    items = list(versions)
    parent = list(range(len(items)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    by_cfd = {item.cfd: index for index, item in enumerate(items)}
    by_title: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        title = (_title(item.label), item.level)
        if title in by_title:
            join(index, by_title[title])
        else:
            by_title[title] = index
        linked = [by_cfd[cfd] for cfd in item.linked_cfds if cfd in by_cfd]
        if not linked:
            continue
        item_open = is_open(item.closed_on, today)
        open_links = [other for other in linked if is_open(items[other].closed_on, today)]
        for other in linked:
            if item_open and other in open_links:
                continue  # two diplomas delivered today
            if not item_open and other in open_links and len(open_links) > 1:
                continue  # a diploma split in several
            join(index, other)
    groups: dict[int, list[Version]] = {}
    for index, item in enumerate(items):
        groups.setdefault(root(index), []).append(item)
    return list(groups.values())


def _shown(group: Sequence[Version], today: date) -> Version:
    """The version a card shows: open first, then the most recent (opening date, then code)."""
    return max(group, key=lambda v: (is_open(v.closed_on, today), v.opened_on or date.min, v.cfd))


def fold_versions(
    ranked: Sequence[int], versions: dict[int, Version], *, include_closed: bool, today: date | None = None
) -> Folded:
    """`ranked` (ids, best first) with one id per diploma; a diploma none of whose versions is still delivered is
    left out unless `include_closed`."""
    today = today or date.today()
    position = {pk: index for index, pk in enumerate(ranked)}
    shown_at: list[tuple[int, int]] = []
    others: dict[int, tuple[int, ...]] = {}
    left_out = 0
    for group in _groups((versions[pk] for pk in ranked if pk in versions), today):
        shown = _shown(group, today)
        if not include_closed and not is_open(shown.closed_on, today):
            left_out += 1
            continue
        rest = sorted((v for v in group if v.pk != shown.pk), key=lambda v: (v.opened_on or date.min, v.cfd))
        others[shown.pk] = tuple(v.pk for v in reversed(rest))
        shown_at.append((min(position[v.pk] for v in group), shown.pk))
    shown_at.sort()
    return Folded([pk for _, pk in shown_at], {pk: ids for pk, ids in others.items() if ids}, left_out)
