"""The level a visitor's words ask for ("licence", "master", "bac+3"), and the results of that level first.

A student after the bac searches by level as much as by subject: "licence informatique", "bac+3 informatique",
"master droit". The level (European qualification level, `catalog.Level`) is read from the words:
- "bac+2" … "bac+8" (also written "bac +3", "bac 3") name a level and nothing else: they are taken out of the words
  the full-text index must find, so "bac+3 informatique" searches "informatique";
- a diploma type typed as such ("licence", "licence pro", "BUT", "master", "école d'ingénieur", "BTS", "CAP") names
  its level too, and stays a word of the search (it must match the diploma's type or label).
Then the diplomas of that level come first, each level's in the relevance order (`prefer_levels`), whatever the
nomenclature of their code (CFD or SISE): a licence pro in apprenticeship and a licence of a university are ranked
together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from guidance.catalog.labels import fold
from guidance.search.query import ParsedQuery

# "bac+N": the number of years after the bac → the level (RNCP). Bac+4 is level 6 (maîtrise, master 1).
_BAC_PLUS = {"2": "5", "3": "6", "4": "6", "5": "7", "6": "7", "8": "8"}
_BAC_PLUS_RE = re.compile(r"\bbac\s*\+?\s*([2-8])\b(?:\s*ans?\b)?")
# Diploma tokens of the search (`text.DIPLOMA_TOKENS`, query side) → the level they name.
TYPE_LEVELS = {
    "cap": "3",
    "capa": "3",
    "bacpro": "4",
    "bp": "4",
    "bts": "5",
    "btsa": "5",
    "dut": "5",
    "deust": "5",
    "licence": "6",
    "licencepro": "6",
    "but": "6",
    "master": "7",
    "ingenieur": "7",
}


@dataclass(frozen=True)
class LevelIntent:
    """What the words say of the level: `levels` asked (empty: none), `words` the query without "bac+N"."""

    levels: frozenset[str]
    words: str

    @property
    def only_a_level(self) -> bool:
        """The words named a level and nothing else ("bac+3"): every diploma of that level is an answer."""
        return bool(self.levels) and not self.words.strip()


def level_intent(q: str) -> LevelIntent:
    """The levels `q`'s "bac+N" name, and `q` without them."""
    folded = fold(q or "")
    levels = frozenset(_BAC_PLUS[number] for number in _BAC_PLUS_RE.findall(folded))
    words = _BAC_PLUS_RE.sub(" ", folded) if levels else (q or "")
    return LevelIntent(levels, " ".join(words.split()))


def typed_levels(parsed: ParsedQuery) -> frozenset[str]:
    """The levels of the diploma types typed as such ("licence", "master", "école d'ingénieur"…): each group's first
    term is what was typed (the others are plurals, corrections and related words)."""
    return frozenset(TYPE_LEVELS[group[0].word] for group in parsed.groups if group and group[0].word in TYPE_LEVELS)


def defer_unfollowed_higher_education(
    ids: Sequence[int], levels: frozenset[str], unfollowed: frozenset[int] | set[int]
) -> list[int]:
    """`ids` with the higher-education diplomas nothing is known of yet (`unfollowed`: no figures, no school, as
    every SISE diploma before `sync_catalog_from_api`) after the others, when the words name no level. "mécanique
    auto" is a pupil's search: a mechanical engineering degree matching "automatique" in its school's name must not
    come before the vehicle maintenance diplomas; "master mécanique" or "bac+5 mécanique" ranks it as asked."""
    if levels:
        return list(ids)
    return [pk for pk in ids if pk not in unfollowed] + [pk for pk in ids if pk in unfollowed]


HIGHER_LEVELS = frozenset({"6", "7", "8"})


def prefer_levels(
    ids: Sequence[int],
    levels: frozenset[str],
    level_of: Mapping[int, str],
    followed: frozenset[int] | set[int] = frozenset(),
) -> list[int]:
    """`ids` (in relevance order) with those of `levels` first; within each part the order is kept, but for a level
    of higher education the `followed` diplomas (a SISE code, or figures) come before the CFDs nobody follows: a
    licence's or a master's figures are InserSup's, which InserJeunes' CFD of the same name (its apprenticeship
    code) does not have."""
    if not levels:
        return list(ids)
    wanted = [pk for pk in ids if level_of.get(pk, "") in levels]
    if levels & HIGHER_LEVELS:
        wanted = [pk for pk in wanted if pk in followed] + [pk for pk in wanted if pk not in followed]
    return wanted + [pk for pk in ids if level_of.get(pk, "") not in levels]
