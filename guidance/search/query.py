"""Parsing of what a visitor types into groups of alternative terms (all groups must match, any term of a group).

"bac pro cusine" → [{bacpro}] AND [{cusine*}, {cuisine*}, …]: diploma acronyms become the indexed type token,
words are folded and singularised, long enough words match as prefixes, and a word the catalogue does not know
gets the catalogue words one edit away (the catalogue's own vocabulary, read once per catalogue version).
"""

import re
import time
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Max

from guidance.catalog.models import Formation, ImportRun
from guidance.search.jobs import RELATED_WORDS
from guidance.search.text import DIPLOMA_ALIASES, DIPLOMA_TOKENS, STOPWORDS, stem, words

_UAI_RE = re.compile(r"^[0-9]{7}[a-z]$")
_ALIAS_RES = [
    (re.compile(rf"\b{re.escape(phrase)}\b"), token)
    for phrase, token in sorted(DIPLOMA_ALIASES.items(), key=lambda item: -len(item[0]))
]
MIN_PREFIX = 3  # shorter words must match whole ("bp" must not find "bpjeps…" nor "a" every word)
MIN_TYPO = 4  # words shorter than this get no typo correction: too many neighbours


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    prefix: bool = False
    typo: bool = False  # a correction, ranked below what was typed


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[tuple[Term, ...], ...] = ()
    words: tuple[str, ...] = ()  # the query words, folded and singularised (one per group)
    uai: str = ""  # a whole UAI typed (schools)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def expression(self) -> tuple[tuple[Term, ...], ...]:
        return self.groups


def _query_words(q: str) -> list[str]:
    text = " ".join(words(q or ""))[:200]
    for pattern, token in _ALIAS_RES:
        text = pattern.sub(token, text)
    return [word for word in text.split() if word not in STOPWORDS]


def _term(word: str) -> Term:
    return Term(word, prefix=len(word) >= MIN_PREFIX and word not in DIPLOMA_TOKENS and not word.isdigit())


def parse_formation_query(q: str) -> ParsedQuery:
    groups, stems = [], []
    vocabulary = formation_vocabulary()
    for raw in _query_words(q):
        word = stem(raw)
        group = [_term(word)]
        if raw != word and raw not in DIPLOMA_TOKENS:
            group.append(_term(raw))
        if len(word) >= MIN_TYPO and not word.isdigit() and not vocabulary.has_prefix(word):
            group.extend(Term(fix, prefix=True, typo=True) for fix in vocabulary.corrections(word))
        # A job word also finds the field its diplomas are named after, ranked like a correction (below the word).
        group.extend(Term(related, prefix=True, typo=True) for related in RELATED_WORDS.get(word, ()))
        groups.append(tuple(dict.fromkeys(group)))
        stems.append(word)
    return ParsedQuery(tuple(groups), tuple(stems))


def parse_school_query(q: str) -> ParsedQuery:
    groups, stems, uai = [], [], ""
    for raw in _query_words(q):
        if _UAI_RE.match(raw):
            uai = raw.upper()
        word = stem(raw)
        groups.append((_term(word),) if raw == word else (_term(word), _term(raw)))
        stems.append(word)
    return ParsedQuery(tuple(groups), tuple(stems), uai=uai)


class Vocabulary:
    """Sorted distinct indexed words, with a deletion index to find the words one edit away (SymSpell-like)."""

    def __init__(self, all_words: set[str]) -> None:
        self.sorted = sorted(all_words)
        self.deletes: dict[str, set[str]] = {}
        for word in self.sorted:
            if len(word) < MIN_TYPO - 1 or word.isdigit():
                continue
            for variant in _deletions(word) | {word}:
                self.deletes.setdefault(variant, set()).add(word)

    def has_prefix(self, prefix: str) -> bool:
        index = bisect_left(self.sorted, prefix)
        return index < len(self.sorted) and self.sorted[index].startswith(prefix)

    def corrections(self, word: str, limit: int = 5) -> list[str]:
        """Known words within one insertion, deletion, substitution or transposition of `word`."""
        found: set[str] = set()
        for variant in _deletions(word) | {word}:
            found |= self.deletes.get(variant, set())
        found.discard(word)
        # Closest length first, then alphabetical, so the choice is stable.
        return sorted(found, key=lambda candidate: (abs(len(candidate) - len(word)), candidate))[:limit]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=2)
def _vocabulary_for(version: tuple) -> Vocabulary:
    all_words: set[str] = set()
    for text in Formation.objects.values_list("search_text", flat=True).iterator(chunk_size=2000):
        all_words.update(text.split())
    return Vocabulary(all_words)


_VERSION_TTL = 5.0  # seconds between two checks that the catalogue did not change under this process
_checked: dict[str, Any] = {"at": -_VERSION_TTL, "version": None}


def formation_vocabulary() -> Vocabulary:
    """The vocabulary of the current catalogue, rebuilt when formations are added, removed or re-imported.

    The version check (two small queries) runs at most every few seconds; saves and imports made in this process
    forget the vocabulary at once (`forget_vocabulary`).
    """
    now = time.monotonic()
    if _checked["version"] is None or now - _checked["at"] > _VERSION_TTL:
        stats = Formation.objects.aggregate(n=Count("pk"), last=Max("pk"))
        last_import = ImportRun.objects.aggregate(at=Max("finished_at"))["at"]
        _checked.update(at=now, version=(stats["n"], stats["last"], last_import))
    return _vocabulary_for(_checked["version"])


def forget_vocabulary() -> None:
    _checked["version"] = None
    _vocabulary_for.cache_clear()
