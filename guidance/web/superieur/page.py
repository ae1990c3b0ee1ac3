"""The assembly of a higher-education diploma's pages: one call per page, `diploma_page(...)`, owns its questions
(asked through the figures' one batcher, `Answers`, in two rounds) and returns everything the view, the exports,
the embed and the badge show.

1. InserSup's figures for France (latest, and the promotion asked) and, on a school's page, for that school (the
   school, then France: `figures.questions.place_chain`; higher education has no regional figures);
2. France's earlier promotions (the evolution), going back from the latest the source has.

Panels are the site's `FigurePanel`s (`figures.present`, InserSup's words for its shares and its missing figures);
`answer` sums them up (`answer.AnswerFacts`). A school's record carries France's salaries (upstream attaches the
diploma's national quartiles to it): they are shown as France's, never as the school's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from guidance.catalog.models import SUPERIEUR, Formation, HigherEducationOffer, School
from guidance.indicators.service import Question
from guidance.indicators.upstream import insersup_available
from guidance.inserjeunes.codes import Certification, Millesime, newest_first
from guidance.web.figures.models import EmbedEntry, Evolution, FigurePanel, MillesimeLink, ScopeKind
from guidance.web.figures.present import chain_of, millesime_links, present, present_evolution
from guidance.web.figures.questions import Answers, place_chain
from guidance.web.figures.wording import VOIE_LABELS, millesime_label
from guidance.web.reuse.export import Block, numbered
from guidance.web.superieur.answer import AnswerFacts, answer_facts

EVOLUTION_DEPTH = 4  # promotions shown in the evolution table
SCHOOLS_SHOWN = 200  # the schools listed on a diploma's page (InserSup follows a few dozen per mention at most)


@dataclass(frozen=True)
class SuperieurPage:
    formation: Formation
    cert: Certification
    school: School | None
    france: FigurePanel
    school_panel: FigurePanel | None
    france_facts: AnswerFacts | None
    school_facts: AnswerFacts | None
    millesimes: tuple[MillesimeLink, ...]
    millesime_label: str
    evolution: Evolution
    schools: tuple[HigherEducationOffer, ...]  # who delivers the diploma (the API's lists; none offline)
    insersup_here: bool  # this installation can reach InserSup's figures
    questions: int

    @property
    def answer(self) -> AnswerFacts | None:
        """The answer first: the school's when it has figures, else France's."""
        return self.school_facts or self.france_facts

    @property
    def answer_is_france(self) -> bool:
        """A school was asked but has no figures: the answer given is France's (the page says so)."""
        return self.school is not None and self.school_facts is None and self.france_facts is not None

    @property
    def panels(self) -> tuple[FigurePanel, ...]:
        """The figure panels in the page's order: the school's (when asked), then France's."""
        return (self.school_panel, self.france) if self.school_panel is not None else (self.france,)

    @property
    def voie_label(self) -> str:
        return VOIE_LABELS[SUPERIEUR]

    def entries(self) -> list[EmbedEntry]:
        """The embed's and the badge's entry: the place asked, or France labelled as the fallback."""
        return [EmbedEntry(self.formation.diploma_type or self.voie_label, chain_of(self.panels), self.panels)]

    def blocks(self) -> list[Block]:
        """The exports' blocks, in the page's order (the school's, France's), the code written `SISE:<code>`."""
        school = self.school
        found = [
            Block(
                0,
                self.formation.label,
                self.formation.code_label,
                panel,
                school=school.display_name if school and panel.scope_kind is ScopeKind.SCHOOL else "",
                uai=school.uai if school and panel.scope_kind is ScopeKind.SCHOOL else "",
            )
            for panel in self.panels
        ]
        return numbered(found)


def diploma_page(
    formation: Formation, *, millesime: Millesime | None = None, school: School | None = None
) -> SuperieurPage | None:
    """Every figure of the page of `formation` (a SISE diploma), in France or at `school`; None when its code cannot
    be asked about (a malformed catalogue code, a school's malformed UAI)."""
    cert = formation.sise_certification()
    if cert is None:
        return None
    chain = place_chain(cert, school=school, millesime=millesime)
    if chain is None:
        return None
    latest = Question.national(cert)
    answers = Answers()
    answers.ask([latest, *chain.questions])
    france_question = chain.questions[-1]

    anchor = _latest(answers[latest].figures, answers[latest].available_millesimes)
    evolution = _evolution_questions(cert, anchor, latest, answers)
    answers.ask(evolution.values())
    known = {m for m, q in evolution.items() if answers[q].figures is not None}
    for question in (latest, france_question, *evolution.values()):
        known.update(answers[question].available_millesimes)

    label = VOIE_LABELS[SUPERIEUR]
    france = present(answers[france_question], scope="France", scope_kind=ScopeKind.FRANCE, voie=label)
    school_panel = None
    if school is not None:
        link = chain.links[0]
        school_panel = present(
            answers[link.question], scope=school.display_name, scope_kind=ScopeKind.SCHOOL, voie=label
        )
        school_panel = replace(school_panel, salaries=None)  # France's quartiles, shown as France's
    shown = getattr(answers[france_question].figures, "millesime", None) or (str(millesime) if millesime else None)
    shown = shown or anchor
    return SuperieurPage(
        formation=formation,
        cert=cert,
        school=school,
        france=france,
        school_panel=school_panel,
        france_facts=answer_facts(france, salaries=france.salaries),
        school_facts=answer_facts(school_panel, salaries=france.salaries) if school_panel is not None else None,
        millesimes=millesime_links(known, shown),
        millesime_label=millesime_label(shown) if shown else "",
        evolution=present_evolution([("France", {m: answers[q] for m, q in evolution.items() if m in known})]),
        schools=_schools(formation) if school is None else (),
        insersup_here=insersup_available(),
        questions=len(answers),
    )


def _latest(figures: object, available: tuple[str, ...]) -> str | None:
    """The latest promotion of InserSup's French figures: the one answered without a millésime, else the newest the
    source lists."""
    if value := getattr(figures, "millesime", None):
        return str(value)
    listed = newest_first(available)
    return listed[0] if listed else None


def _evolution_questions(
    cert: Certification, anchor: str | None, latest: Question, answers: Answers
) -> dict[str, Question]:
    """France's promotions from the latest back (`EVOLUTION_DEPTH`), the latest one already asked."""
    if anchor is None:
        return {}
    questions: dict[str, Question] = {}
    value = Millesime(anchor)
    same = getattr(answers[latest].figures, "millesime", None) == anchor
    questions[anchor] = latest if same else Question.national(cert, value)
    for _ in range(EVOLUTION_DEPTH - 1):
        value = value.previous()
        questions[value.value] = Question.national(cert, value)
    return questions


def _schools(formation: Formation) -> tuple[HigherEducationOffer, ...]:
    offers = (
        HigherEducationOffer.objects.filter(formation=formation)
        .select_related("school")
        .order_by("school__name", "school__uai")
    )
    return tuple(offers[:SCHOOLS_SHOWN])
