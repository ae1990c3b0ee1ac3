"""What helps choose, on a formation page: the jobs it prepares for, where its regional rate stands among the
same diplomas of the region, and better-placed formations of the same field and level.

The position and the alternatives are read on the regional panel the page shows (same certification code, voie
and millésime), from the service's regional list (`guidance.indicators.peers`): the rate's denominator is the
final-year learners there as in the panel. Nothing is computed here; this module only picks what to ask and says
why when there is nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.urls import reverse

from guidance.catalog.models import Formation
from guidance.indicators import peers
from guidance.inserjeunes.codes import Region
from guidance.orientation.jobs import (
    JOBS_SOURCE,
    ONISEP_CREDIT,
    ONISEP_YEAR,
    Job,
    OnisepPage,
    jobs_for_formation,
    onisep_formation,
)
from guidance.search.diplomas import AFTER_3E_DIPLOMA_CODES, enters_after_3e
from guidance.web.figures.models import FigurePanel
from guidance.web.figures.wording import CARRIED_OVER_NO_POSITION, millesime_source, position_source
from guidance.web.formations.page import FormationFigures, VoiePanels

MEASURE_LABELS = {
    "taux_en_emploi_6_mois": "en emploi 6 mois après la sortie",
    "taux_en_formation": "en poursuite d’études",
}


@dataclass(frozen=True)
class Jobs:
    items: tuple[Job, ...]
    onisep: OnisepPage | None
    source: str = JOBS_SOURCE
    onisep_credit: str = ONISEP_CREDIT  # Onisep data are ODbL: credited wherever one of their links shows
    onisep_year: str = ONISEP_YEAR

    @property
    def has_onisep_jobs(self) -> bool:
        return any(job.onisep for job in self.items)


def formation_jobs(formation: Formation) -> Jobs:
    return Jobs(tuple(jobs_for_formation(formation)), onisep_formation(formation))


@dataclass(frozen=True)
class PositionLine:
    measure_label: str
    sentence: str  # "" when there is no position: then `reason` says why
    reason: str
    source: str


@dataclass(frozen=True)
class Alternative:
    formation: Formation
    url: str
    rate: int
    cohort: int | None


@dataclass(frozen=True)
class VoieChoice:
    """Position and alternatives of one voie of the regional panel shown."""

    voie: str
    label: str
    millesime: str  # the regional period of the panel shown ("2022_2023")
    positions: tuple[PositionLine, ...]
    alternatives: tuple[Alternative, ...]
    reference_rate: int | None  # the formation's own rate the alternatives beat
    alternatives_reason: str
    reason: str = ""  # the whole voie has nothing to situate (no regional figure shown)

    @property
    def alternatives_source(self) -> str:
        return (
            f"{millesime_source(peers.SOURCE, self.millesime)} ; taux d’emploi à 6 mois calculés sur les inscrits "
            f"en dernière année, dans la même région et la même voie ; {peers.MIN_COHORT} jeunes au moins en "
            "dernière année."
        )


def _shown(voie: VoiePanels) -> tuple[str, FigurePanel] | None:
    """The (code, panel) of the first regional panel of a voie that has figures."""
    for code, panel in zip(voie.codes, voie.region, strict=False):
        if panel.has_figures and panel.millesime is not None:
            return code, panel
    return None


def voie_choices(
    formation: Formation, figures: FormationFigures | None, region: Region | None
) -> tuple[VoieChoice, ...]:
    """Per voie with regional panels: the position of its rates and up to 5 better-placed formations."""
    if region is None or figures is None:
        return ()
    choices = []
    for voie in figures.voies:
        if not voie.region:
            continue
        shown = _shown(voie)
        if shown is None:
            reason = f"Pas de chiffre publié en {region.nom} pour cette voie : rien à situer."
            choices.append(VoieChoice(voie.voie, voie.label, "", (), (), None, "", reason=reason))
            continue
        code, panel = shown
        if panel.carried_over is not None:
            # The figures are another version's (a renewed diploma): the region's list compares each code on its
            # own figures only, so it has none for this one; said so rather than "no figure published".
            choices.append(VoieChoice(voie.voie, voie.label, "", (), (), None, "", reason=CARRIED_OVER_NO_POSITION))
            continue
        choices.append(_choice(formation, voie, code, str(panel.millesime), region))
    return tuple(choices)


def _choice(formation, voie: VoiePanels, code: str, millesime: str, region: Region) -> VoieChoice:
    lines = []
    for measure, measure_label in MEASURE_LABELS.items():
        reading = peers.position_for(code, region.code, voie.voie, millesime, measure)
        if reading is not None:
            lines.append(PositionLine(measure_label, reading.sentence, "", position_source(millesime)))
        else:
            reason = peers.no_position_reason(code, region.code, voie.voie, millesime, measure)
            lines.append(PositionLine(measure_label, "", reason, ""))
    found = peers.alternatives(formation, region.code, voie.voie, millesime, kinds=followable_kinds(formation))
    items = tuple(_alternative(r, region) for r in found.items)
    reference = found.reference.taux_en_emploi_6_mois if found.reference else None
    return VoieChoice(voie.voie, voie.label, millesime, tuple(lines), items, reference, found.reason)


def followable_kinds(formation: Formation) -> frozenset[str] | None:
    """The diploma kinds whoever can enter `formation` can enter instead: after a CAP or a bac pro (entered after
    the 3e), only diplomas entered after the 3e too, never an MC (which needs a CAP first) nor an adult title;
    None (any kind) otherwise."""
    return AFTER_3E_DIPLOMA_CODES if enters_after_3e(formation.diploma_code) else None


def _alternative(ranked: peers.RankedFormation, region: Region) -> Alternative:
    # peers ranks the catalogue's formations, and lists as alternatives only those with a figure.
    formation = ranked.formation
    figure = cast(peers.PeerFigure, ranked.figure)
    url = reverse("web:formation", kwargs={"cfd": formation.cfd}) + f"?region={region.code}"
    return Alternative(formation, url, cast(int, figure.taux_en_emploi_6_mois), figure.nb_annee_term)
