"""Relevance of search candidates, computed in Python so both databases give the same order.

`search_text` is stored in sections separated by " | " (see `indexing.py`): for a formation, its label words
(with the diploma-type token and the specialty's initials) then the rest (field, famille de métiers, codes); for a
school, its name, then its town, then the rest (postal code, département, UAI, kind). A query word found in an
earlier section weighs more; a whole word more than a prefix; what was typed more than a typo correction.
"""

import math
from dataclasses import dataclass
from datetime import date

from guidance.catalog.query import ParsedQuery, Term

SECTION_SEPARATOR = " | "


def sections(search_text: str) -> list[list[str]]:
    return [part.split() for part in search_text.split(SECTION_SEPARATOR)]


def _match(term: Term, section: list[str]) -> float:
    """1.0 for a whole word, 0.7 for a prefix, 0 otherwise; corrections count 80 %."""
    if term.word in section:
        found = 1.0
    elif term.prefix and any(word.startswith(term.word) for word in section):
        found = 0.7
    else:
        return 0.0
    return found * (0.8 if term.typo else 1.0)


def _group_score(group: tuple[Term, ...], weighted_sections: list[tuple[float, list[str]]]) -> float:
    return max(weight * _match(term, section) for term in group for weight, section in weighted_sections)


@dataclass(frozen=True, slots=True)
class FormationCandidate:
    pk: int
    label: str
    search_text: str
    level: str
    has_figures: bool
    closed_on: date | None
    offer_count: int
    diploma_type: str


def formation_score(candidate: FormationCandidate, query: ParsedQuery) -> float:
    parts = sections(candidate.search_text)
    primary = parts[0] if parts else []
    secondary = [word for part in parts[1:] for word in part]
    weighted = [(10.0, primary), (4.0, secondary)]
    score = sum(_group_score(group, weighted) for group in query.groups)
    if primary:
        # Share of the label the query covers: "CAP Cuisine" beats "CAP Cuisinier en collectivité" for "cap cuisine".
        covered = sum(1 for word in primary if any(_match(t, [word]) for group in query.groups for t in group))
        score += 5.0 * covered / len(primary)
    # What a family can act on comes first: diplomas with figures, taught in schools, still open. A closed
    # diploma nobody teaches and without figures only matters to someone who typed its exact name.
    alive = candidate.closed_on is None or candidate.closed_on > date.today()
    useful = candidate.has_figures or candidate.offer_count > 0
    if alive:
        score += 3.0
    if candidate.has_figures:
        score += 5.0
    if candidate.offer_count:
        score += 3.0 + min(math.log10(candidate.offer_count), 3.0)
    if not alive and not useful:
        score -= 10.0
    return score


def rank_formations(candidates: list[FormationCandidate], query: ParsedQuery) -> list[int]:
    scored = [(-formation_score(c, query), c.level or "9", c.label, c.pk) for c in candidates]
    scored.sort()
    return [pk for *_, pk in scored]


@dataclass(frozen=True, slots=True)
class SchoolCandidate:
    pk: int
    uai: str
    name: str
    town: str
    search_text: str
    kind: str


def school_score(candidate: SchoolCandidate, query: ParsedQuery) -> float:
    parts = [*sections(candidate.search_text), [], [], []][:3]
    weighted = [(10.0, parts[0]), (8.0, parts[1]), (4.0, parts[2])]
    score = sum(_group_score(group, weighted) for group in query.groups)
    if query.uai and candidate.uai == query.uai:
        score += 100.0
    if candidate.name:
        score += 1.0
    if candidate.kind != "autre":
        score += 1.0
    return score


def rank_schools(candidates: list[SchoolCandidate], query: ParsedQuery) -> list[int]:
    scored = [(-school_score(c, query), c.name or "~", c.uai, c.pk) for c in candidates]
    scored.sort()
    return [pk for *_, pk in scored]
