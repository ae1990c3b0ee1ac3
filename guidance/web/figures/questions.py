"""Which questions a place needs, and the one batcher every page asks them through.

A figure about a training at a place is a fallback chain: the school (when there is one), its region (or the
region of the page), then France, each link a `Question` built from parsed codes only (`Formation.certification_for`
and `parse_uai`: a malformed catalogue code never reaches the upstream). `Answers` collects the questions of a page
and sends each distinct one once through the service's `get_many`, in as few rounds as possible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from guidance.catalog.models import School
from guidance.indicators.service import IndicatorResult, Question, get_many
from guidance.inserjeunes.codes import Certification, InvalidCode, Millesime, Region, parse_uai, region_from_code
from guidance.web.figures.models import FigureChain, ScopeKind
from guidance.web.figures.present import present_chain


def school_region(school: School) -> Region | None:
    """The region of a school, None when the catalogue's code is empty or unknown."""
    try:
        return region_from_code(school.region_code)
    except InvalidCode:
        return None


@dataclass(frozen=True)
class Link:
    question: Question
    scope: str  # the place as a visitor reads it: a school name, a region name, "France"
    scope_kind: ScopeKind


@dataclass(frozen=True)
class PlaceChain:
    """The questions of one training at one place, most local first, France last."""

    links: tuple[Link, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(link.question for link in self.links)


def place_chain(
    cert: Certification,
    *,
    school: School | None = None,
    region: Region | None = None,
    millesime: Millesime | None = None,
) -> PlaceChain | None:
    """The chain school → region → France for `cert` (the one builder of every page).

    With a `school`, the region is the school's own (`region` is then ignored); without, the chain starts at
    `region` when given, else at France. `millesime` is the promotion asked, turned into each level's own form
    (a period for a school or a region, a year for France). None when the school's UAI does not parse.
    """
    local = millesime.regional() if millesime else None
    links = []
    if school is not None:
        try:
            uai = parse_uai(school.uai)
        except InvalidCode:
            return None
        links.append(Link(Question.school(uai, cert, local), school.display_name, ScopeKind.SCHOOL))
        region = school_region(school)
    if region is not None:
        links.append(Link(Question.regional(cert, region, local), region.nom, ScopeKind.REGION))
    links.append(Link(Question.national(cert, millesime.national() if millesime else None), "France", ScopeKind.FRANCE))
    return PlaceChain(tuple(links))


class Answers:
    """The results of a page, each distinct question asked once, in as few `get_many` rounds as possible.

    Questions known early are `plan`ned and go with the next `ask`. `ask_chains(..., france_if_needed=True)`
    asks France only for the chains whose more local links have no figures (a second round), so a list of
    schools asks at most one question per figure it shows.
    """

    def __init__(self) -> None:
        self._results: dict[Question, IndicatorResult] = {}
        self._planned: list[Question] = []

    def plan(self, questions: Iterable[Question]) -> None:
        self._planned.extend(questions)

    def ask(self, questions: Iterable[Question] = ()) -> None:
        missing = list(dict.fromkeys(q for q in [*self._planned, *questions] if q not in self._results))
        self._planned.clear()
        if missing:
            self._results.update(zip(missing, get_many(missing), strict=True))

    def ask_chains(self, chains: Iterable[PlaceChain | None], *, france_if_needed: bool = False) -> None:
        chains = [chain for chain in chains if chain is not None]
        if not france_if_needed:
            self.ask(q for chain in chains for q in chain.questions)
            return
        self.ask(q for chain in chains for q in chain.questions[:-1])
        self.ask(chain.questions[-1] for chain in chains if not any(self._ok(q) for q in chain.questions[:-1]))

    def _ok(self, question: Question) -> bool:
        result = self._results.get(question)
        return result is not None and result.ok

    def __getitem__(self, question: Question) -> IndicatorResult:
        return self._results[question]

    def get(self, question: Question) -> IndicatorResult | None:
        return self._results.get(question)

    def __len__(self) -> int:
        return len(self._results)

    def chain(self, chain: PlaceChain, *, voie: str, is_new_formation: bool = False) -> FigureChain:
        """The figure chain of the links asked (France may not have been: the school or region had figures)."""
        asked = [
            (self._results[link.question], link.scope, link.scope_kind) for link in chain.links if link.question in self
        ]
        return present_chain(asked, voie=voie, is_new_formation=is_new_formation)

    def __contains__(self, question: Question) -> bool:
        return question in self._results
