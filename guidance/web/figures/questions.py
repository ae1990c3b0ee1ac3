"""Which questions a place needs, and the one batcher every page asks them through.

A figure about a training at a place is a fallback chain: the school (when there is one), its region (or the
region of the page), then France, each link a `Question` built from parsed codes only (`Formation.certification_for`
and `parse_uai`: a malformed catalogue code never reaches the upstream). `Answers` collects the questions of a page
and sends each distinct one once through the service's `get_many`, in as few rounds as possible.

Millésimes are never converted from one scope to another on a guess: the real API labels national figures with a
year (`2023`) and regional ones with a period (`2022_2023`), the offline replica labels both with periods. A
question carries the millésime as the visitor chose it; when the source answers "no data for this millésime" and
lists the other form of the same latest leavers (`2023` ↔ `2022_2023`), `Answers` asks that form once more.
Every figure is then labelled with the millésime of the record returned, never with the one asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from guidance.catalog.models import School
from guidance.indicators.service import Absence, IndicatorResult, Question, get_many
from guidance.inserjeunes.codes import (
    Certification,
    CodeKind,
    InvalidCode,
    Millesime,
    Region,
    parse_uai,
    region_from_code,
)
from guidance.web.figures.models import FigureChain, ScopeKind
from guidance.web.figures.present import present_chain


def other_form(millesime: Millesime) -> Millesime:
    """The same latest leavers in the other form: `2023` ↔ `2022_2023` (a period ends with the year)."""
    return Millesime(str(millesime.last_year)) if millesime.is_period else millesime.regional()


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
    `region` when given, else at France. `millesime` is the one asked: France gets it as it is (a year from the
    real API's national list, a period from the replica's; `Answers` finds the other form if the source lacks
    it), a school or a region the period ending with its last year, the only form their figures have. None when
    the school's UAI does not parse. A higher-education diploma (SISE) has no regional figures (InserSup publishes
    none): its chain is the school, then France.
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
    if region is not None and cert.kind is not CodeKind.SISE:
        links.append(Link(Question.regional(cert, region, local), region.nom, ScopeKind.REGION))
    links.append(Link(Question.national(cert, millesime), "France", ScopeKind.FRANCE))
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
            self._ask_other_forms(missing)

    def _ask_other_forms(self, questions: list[Question]) -> None:
        """Questions the source has no figures for in the form asked, but lists the other form of: asked again in
        that form (one more round), its answer kept for the question asked when it has figures."""
        retries = {}
        for question in questions:
            result = self._results[question]
            if question.millesime is None or result.absence is not Absence.NO_DATA_FOR_MILLESIME:
                continue
            other = other_form(question.millesime)
            if other.value in result.available_millesimes:
                retries[question] = replace(question, millesime=other)
        if not retries:
            return
        for question, result in zip(retries, get_many(list(retries.values())), strict=True):
            self._results[retries[question]] = result
            if result.figures is not None:
                self._results[question] = result

    def ask_chains(self, chains: Iterable[PlaceChain | None], *, france_if_needed: bool = False) -> None:
        known = [chain for chain in chains if chain is not None]
        if not france_if_needed:
            self.ask(q for chain in known for q in chain.questions)
            return
        self.ask(q for chain in known for q in chain.questions[:-1])
        self.ask(chain.questions[-1] for chain in known if not any(self._ok(q) for q in chain.questions[:-1]))

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
