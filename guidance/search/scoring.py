"""Relevance of search candidates, computed in Python so both databases give the same order.

`search_text` is stored in sections separated by " | " (see `indexing.py`): for a formation, its label words
(with the diploma-type token and the specialty's initials) then the rest (field, famille de métiers, codes); for a
school, its name, then its town, then the rest (postal code, département, UAI, kind). A query word found in an
earlier section weighs more; a whole word more than a prefix; what was typed more than a typo correction.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from guidance.catalog.labels import fold
from guidance.search.query import ParsedQuery, Term
from guidance.search.text import DIPLOMA_ALIASES, index_words

SECTION_SEPARATOR = " | "


def diploma_token(diploma_type: str) -> str:
    """ "Bac pro" → "bacpro", "CAP" → "cap": the single token a diploma type is indexed and searched by."""
    folded = " ".join(re.findall(r"[0-9a-z]+", fold(diploma_type)))
    return DIPLOMA_ALIASES.get(folded, folded.replace(" ", ""))


def sections(search_text: str) -> list[str]:
    """The sections of a search_text, each padded with spaces so word tests are substring tests (fast, in C)."""
    return [f" {part.strip()} " for part in search_text.split(SECTION_SEPARATOR)]


def _match(term: Term, section: str) -> float:
    """1.0 for a whole word, 0.7 for a prefix, 0 otherwise; corrections count 80 %. `section` is padded."""
    if f" {term.word} " in section:
        found = 1.0
    elif term.prefix and f" {term.word}" in section:
        found = 0.7
    else:
        return 0.0
    return found * (0.8 if term.typo else 1.0)


def _group_score(group: tuple[Term, ...], weighted_sections: list[tuple[float, str]]) -> float:
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
    job_strength: float = 0.0  # how strongly the query's job words lead to this diploma (orientation.jobs)
    adult_title: bool = False  # an adult professional title (`diplomas.is_adult_title`)


# A diploma leading to the job typed weighs below a label word (10) but above a word of its field (4): "cariste"
# finds "BP Conducteur d'engins" (ROME N1101) after "Cariste d'entrepôt", which has the word and the job.
JOB_WEIGHT = 7.0
# An adult professional title (TP, CCI…) comes after the diplomas of initial training that match as well: more than
# what figures add (5), so that a titre with apprenticeship figures does not pass a CAP or a BP of the same words;
# less than a word of the label (10), so that the titre the words name still comes first.
ADULT_TITLE_PENALTY = 6.0


@lru_cache(maxsize=256)
def _type_words(diploma_type: str) -> frozenset[str]:
    return frozenset({*index_words(diploma_type), diploma_token(diploma_type)})


def formation_score(candidate: FormationCandidate, query: ParsedQuery) -> float:
    parts = sections(candidate.search_text)
    primary = parts[0]
    secondary = " ".join(parts[1:]) or "  "
    weighted = [(10.0, primary), (4.0, secondary)]
    score = sum(_group_score(group, weighted) for group in query.groups)
    score += JOB_WEIGHT * candidate.job_strength
    # Share of the specialty the query covers: "CAP Cuisine" beats "CAP Cuisinier en collectivité" for "cap
    # cuisine". The diploma type's own words are left out: "bac pro" says nothing about the specialty.
    type_words = _type_words(candidate.diploma_type)
    specialty = [word for word in primary.split() if word not in type_words]
    if specialty:
        terms = [t for group in query.groups for t in group]
        covered = sum(1 for word in specialty if any(_match(t, f" {word} ") for t in terms))
        score += 5.0 * covered / len(specialty)
    # A diploma type typed as such ("mc", "bp", "bts") names the kind of diploma wanted: it outranks a specialty whose
    # initials happen to spell it ("Métiers de la coiffure" for "mc", "Boulanger-pâtissier" for "bp").
    token = diploma_token(candidate.diploma_type)
    if token and any(term.word == token for group in query.groups for term in group):
        score += 8.0
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
    if candidate.adult_title:
        score -= ADULT_TITLE_PENALTY
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


# Between schools that match as well, the ones a pupil enters after the 3e for a CAP or a bac pro come first, then
# the other lycées, the CFAs, higher education; an unknown kind last. Below one word (4 at least): a tie-break.
KIND_WEIGHTS = {
    **dict.fromkeys(("lp", "lpo", "sep", "agricole"), 1.0),
    **{"lycee": 0.8, "erea": 0.7, "legt": 0.6, "cfa": 0.5, "superieur": 0.2},
}


def school_score(candidate: SchoolCandidate, query: ParsedQuery) -> float:
    parts = [*sections(candidate.search_text), "  ", "  ", "  "][:3]
    weighted = [(10.0, parts[0]), (8.0, parts[1]), (4.0, parts[2])]
    score = sum(_group_score(group, weighted) for group in query.groups)
    if query.uai and candidate.uai == query.uai:
        score += 100.0
    if candidate.name:
        score += 1.0
    score += KIND_WEIGHTS.get(candidate.kind, 0.0)
    return score


def rank_schools(candidates: list[SchoolCandidate], query: ParsedQuery) -> list[int]:
    scored = [(-school_score(c, query), c.name or "~", c.uai, c.pk) for c in candidates]
    scored.sort()
    return [pk for *_, pk in scored]
