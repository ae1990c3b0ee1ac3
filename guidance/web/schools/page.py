"""The assembly of the school pages' figures: a row per training a school offers (its figure, or the region's
then France's as a labelled fallback), and per voie of a school × formation page the school's figures beside the
region's and France's, with where the school's come from.

Every question goes through the figures' one batcher (`Answers`): the list of a school's trainings asks France
only for what the school and its region lack, so a page asks at most one question per figure it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from guidance.catalog.models import Formation, Offer, School, Voie
from guidance.orientation.pressure import Pressure, pressure_for, pressures_for_school
from guidance.web.figures.answer import AnswerBlock, PlaceAnswer, older_promotions, place_answer
from guidance.web.figures.models import FigureChain, FigurePanel, ScopeKind
from guidance.web.figures.present import agricultural_regions, chain_of, present, unasked_chain, voie_named
from guidance.web.figures.provenance import Provenance, provenance, related_uais
from guidance.web.figures.questions import Answers, Link, PlaceChain, place_chain, school_region
from guidance.web.figures.wording import voie_label_of


@dataclass(frozen=True)
class OfferRow:
    """One training offered by a school, with the figure shown for it."""

    formation: Formation
    voie: str
    voie_label: str
    chain: FigureChain
    pressure: Pressure | None = None  # the admission rows of this offer (Affelnet 2022, Parcoursup 2024)

    @property
    def panel(self) -> FigurePanel:
        return self.chain.shown

    @property
    def employment_rate(self) -> int | None:
        return self.panel.employment_rate

    @property
    def study_rate(self) -> int | None:
        return self.panel.study_rate


def offer_rows(school: School, offers: Iterable[Offer]) -> list[OfferRow]:
    """A row per offer (formations and their final-year `mefs` prefetched), figures asked together."""
    offers = list(offers)
    # A seconde commune has no cohort of its own: its figures are those of each speciality (formation page).
    chains, labels = [], []
    for offer in offers:
        cert = None if offer.formation.is_seconde_commune else offer.certification()
        chains.append(place_chain(cert, school=school) if cert else None)
        labels.append(voie_label_of(offer.formation, offer.voie, cert))
    answers = Answers()
    answers.ask_chains(chains, france_if_needed=True)
    pressures = pressures_for_school(school)  # one query for the whole list
    rows = []
    for offer, chain, label in zip(offers, chains, labels, strict=True):
        if chain is None:
            shown = unasked_chain(school.display_name, ScopeKind.SCHOOL, label)
        else:
            shown = answers.chain(chain, voie=label, is_new_formation=offer.formation.is_new())
        pressure = pressures.get((offer.formation.cfd, offer.voie))
        rows.append(OfferRow(offer.formation, offer.voie, voie_named(label, [shown.shown]), shown, pressure))
    return rows


@dataclass(frozen=True)
class VoieBlock:
    """One voie of a school × formation page: the school's figures beside the region's and France's."""

    voie: str
    voie_label: str
    offered: bool  # the catalogue lists this training in this school in this voie
    school_panel: FigurePanel
    region_panel: FigurePanel | None = None
    france_panel: FigurePanel | None = None
    provenance: Provenance | None = None
    has_school_figures: bool = False
    pressure: Pressure | None = None
    answer: PlaceAnswer | None = None  # the answer block of this voie (the school, else the nearest with figures)


def voie_blocks(
    school: School, formation: Formation, voies: Sequence[str], offers: dict[str, Offer]
) -> list[VoieBlock]:
    """Per voie: the school's figures next to the region's and France's (all asked in one round)."""
    chains, labels = {}, {}
    for voie in voies:
        cert = formation.certification_for(voie, offers[voie].mefstat11 if voie in offers else "")
        chains[voie] = place_chain(cert, school=school) if cert else None
        labels[voie] = voie_label_of(formation, voie, cert)
    answers = Answers()
    answers.ask_chains(chains.values())
    is_new = formation.is_new()
    school_figures = [answers[chain.links[0].question].figures for chain in chains.values() if chain]
    known = School.objects.in_bulk(related_uais(school_figures), field_name="uai") if school_figures else {}
    region = school_region(school)
    blocks = []
    for voie, chain in chains.items():
        label = labels[voie]
        if chain is None:
            panel = unasked_chain(school.display_name, ScopeKind.SCHOOL, label).asked
            blocks.append(VoieBlock(voie, label, voie in offers, panel))
            continue
        presented = [
            present(
                answers[link.question],
                scope=link.scope,
                scope_kind=link.scope_kind,
                voie=label,
                is_new_formation=is_new,
            )
            for link in chain.links
        ]
        panels = {panel.scope_kind: panel for panel in agricultural_regions(presented)}
        school_result = answers[chain.links[0].question]
        blocks.append(
            VoieBlock(
                voie,
                voie_named(label, panels.values()),
                voie in offers,
                school_panel=panels[ScopeKind.SCHOOL],
                region_panel=panels.get(ScopeKind.REGION) if region else None,
                france_panel=panels[ScopeKind.FRANCE],
                provenance=provenance(school_result.figures, known),
                has_school_figures=school_result.figures is not None,
            )
        )
    blocks = _with_answers(blocks, chains, answers, is_new)
    return [replace(block, pressure=pressure_for(school, formation, block.voie)) for block in blocks]


def _with_answers(
    blocks: list[VoieBlock], chains: dict[str, PlaceChain | None], answers: Answers, is_new: bool
) -> list[VoieBlock]:
    """Each block with its answer: the place shown (school, region, France) and its older promotions, asked in one
    more round (the newest 24-month figure is often an older promotion's)."""
    shown: dict[str, tuple[FigureChain, Link | None]] = {}
    for block in blocks:
        panels = [p for p in (block.school_panel, block.region_panel, block.france_panel) if p is not None]
        chain = chain_of(panels)
        place = chains.get(block.voie)
        links = place.links if place is not None else ()
        link = next((lk for lk in links if lk.scope_kind is chain.shown.scope_kind), None)
        shown[block.voie] = (chain, link)
    older = {
        voie: older_promotions(link.question, chain.shown) if link else [] for voie, (chain, link) in shown.items()
    }
    answers.ask(q for questions in older.values() for q in questions)
    found = []
    for block in blocks:
        chain, link = shown[block.voie]
        history = (
            [
                present(
                    answers[q],
                    scope=link.scope,
                    scope_kind=link.scope_kind,
                    voie=block.voie_label,
                    is_new_formation=is_new,
                )
                for q in older[block.voie]
            ]
            if link
            else []
        )
        found.append(replace(block, answer=place_answer(block.voie_label, chain, history)))
    return found


def pair_blocks(school: School, formation: Formation, voie: str = "") -> tuple[list[VoieBlock], list[str]]:
    """The blocks of a school × formation page (only `voie` when given) and the voies the catalogue lists there.

    Without an offer in the catalogue, the page still exists when the source has figures for this school; a voie the
    catalogue does not list is shown only then. No block: the page does not exist (the views answer a 404).
    """
    offers = {offer.voie: offer for offer in Offer.objects.filter(school=school, formation=formation)}
    offered = [v for v in Voie.values if v in offers]
    candidates = [v for v in (offered or Voie.values) if not voie or v == voie] or ([voie] if voie else [])
    blocks = voie_blocks(school, formation, candidates, offers)
    return [block for block in blocks if block.offered or block.has_school_figures], offered


def answer_block(blocks: Sequence[VoieBlock]) -> AnswerBlock:
    """The answer block of a school × formation page: one answer per voie shown."""
    return AnswerBlock("dans cet établissement", tuple(block.answer for block in blocks if block.answer is not None))
