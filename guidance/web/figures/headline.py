"""The headline figure of a formation where people choose (a search result card): employment and further study
6 months after, in the region of the search with France as the labelled fallback, or in France.

One voie per card: the voie of the search when it has one, else the voie the source has figures for (scolaire
first). Every card of a page is asked through one `Answers.ask_chains` round: one `get_many` for the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from guidance.catalog.models import SUPERIEUR, Formation, Voie
from guidance.inserjeunes.codes import Certification, Region
from guidance.web.figures.models import FigureChain, FigurePanel
from guidance.web.figures.present import voie_named
from guidance.web.figures.questions import Answers, PlaceChain, place_chain
from guidance.web.figures.wording import voie_label_of


@dataclass(frozen=True)
class Headline:
    """What a card shows: `chain.shown` (the region's figure, or France's labelled as the fallback)."""

    voie: str
    voie_label: str
    chain: FigureChain | None  # None: no code to ask in that voie (e.g. a seconde commune, a diploma without MEF)

    @property
    def panel(self) -> FigurePanel | None:
        return self.chain.shown if self.chain else None

    @property
    def has_figures(self) -> bool:
        return self.panel is not None and self.panel.has_figures

    @property
    def employment_rate(self) -> int | None:
        return self.panel.employment_rate if self.panel else None

    @property
    def study_rate(self) -> int | None:
        return self.panel.study_rate if self.panel else None


def headline_voie(formation: Formation, voie: str | None = None) -> str:
    """The voie of a card: the one asked, else the one the source has figures for, scolaire first; a higher-education
    diploma's figures are InserSup's (`SUPERIEUR`)."""
    if formation.is_superieur:
        return SUPERIEUR
    if voie in Voie.values:
        return voie
    if formation.certification_for(Voie.SCOLAIRE) is not None and (
        formation.has_figures_scolaire or not formation.has_figures_apprentissage
    ):
        return Voie.SCOLAIRE.value
    return Voie.APPRENTISSAGE.value


def headlines(
    formations: Sequence[Formation], *, region: Region | None = None, voie: str | None = None
) -> list[Headline]:
    """One headline per formation, in order, all asked in one round (region and France together)."""
    formations = list(formations)
    prefetch_related_objects(formations, "mefs")  # certification_for reads the final years: one query
    plans: list[tuple[str, Certification | None, PlaceChain | None]] = []
    for formation in formations:
        chosen = headline_voie(formation, voie)
        cert = None if formation.is_seconde_commune else formation.certification_for(chosen)
        plans.append((chosen, cert, place_chain(cert, region=region) if cert else None))
    answers = Answers()
    answers.ask_chains(chain for _, _, chain in plans)
    found = []
    for formation, (chosen, cert, chain) in zip(formations, plans, strict=True):
        label = voie_label_of(formation, chosen, cert)
        shown = answers.chain(chain, voie=label, is_new_formation=formation.is_new()) if chain else None
        found.append(Headline(chosen, voie_named(label, [shown.shown] if shown else []), shown))
    return found
