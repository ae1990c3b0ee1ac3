"""One assembly call per school page: `school_page(...)` and `school_formation_page(...)` own their questions and
rounds (`page.offer_rows`, `page.pair_blocks`) and return everything the page, its JSON/CSV export, its embed and
its badge show, so that one place decides the questions, the fallbacks and the voies' names (the rule
`superieur.page.diploma_page` follows for higher education).

- `SchoolPage.blocks()`: the school export's blocks (the DEPP indicators, then every training's figure, as listed).
- `SchoolFormationPage.entries()`: the embed's and the badge's entries (per voie, the school's figures, else its
  region's then France's, labelled as the fallback: `present.chain_of`); `.blocks()`: the export's blocks; `.answer`:
  the page's answer block. None when the pair has no block (the views answer a 404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from guidance.catalog.models import Formation, Mef, Offer, School
from guidance.web.figures.answer import AnswerBlock
from guidance.web.figures.depp import IndicatorRow, depp_panel, indicator_rows
from guidance.web.figures.models import EmbedEntry, FigurePanel
from guidance.web.figures.present import chain_of
from guidance.web.figures.wording import BY_SPECIALITY
from guidance.web.reuse.export import Block, numbered
from guidance.web.schools.page import OfferRow, VoieBlock, answer_block, offer_rows, pair_blocks

WHOLE_SCHOOL = "Ensemble des formations de l’établissement"  # what the DEPP's school indicators are about


@dataclass(frozen=True)
class SchoolPage:
    school: School
    offers: tuple[Offer, ...]  # every offer of the school (the voie menu, the count)
    rows: tuple[OfferRow, ...]  # the trainings of the voie asked, with their figures
    indicators: tuple[IndicatorRow, ...]  # the DEPP's indicators of the whole school

    def blocks(self) -> list[Block]:
        """The export's blocks in the page's order: the DEPP indicators, then every training's figure."""
        school = self.school
        found = [
            Block(0, WHOLE_SCHOOL, "", depp_panel(row, school), school.display_name, school.uai)
            for row in self.indicators
        ]
        found += [
            Block(
                0,
                row.formation.label,
                row.formation.cfd,
                row.panel,
                school=school.display_name,
                uai=school.uai,
                is_fallback=row.chain.is_fallback,
                note=BY_SPECIALITY if row.formation.is_seconde_commune else "",
            )
            for row in self.rows
        ]
        return numbered(found)


def school_page(school: School, voie: str = "") -> SchoolPage:
    """Every figure of `school`'s page: its trainings (only those of `voie` when given) and its DEPP indicators."""
    offers = (
        Offer.objects.filter(school=school)
        .select_related("formation")
        .prefetch_related(Prefetch("formation__mefs", queryset=Mef.objects.filter(is_final_year=True)))
        .order_by("formation__label", "formation__cfd", "voie")
    )
    every = tuple(offers)
    shown = [offer for offer in every if not voie or offer.voie == voie]
    return SchoolPage(school, every, tuple(offer_rows(school, shown)), tuple(indicator_rows(school.indicators.all())))


def panels_of(block: VoieBlock) -> tuple[FigurePanel, ...]:
    """A voie's panels in the page's order: the school's, its region's, France's."""
    return tuple(p for p in (block.school_panel, block.region_panel, block.france_panel) if p is not None)


@dataclass(frozen=True)
class SchoolFormationPage:
    school: School
    formation: Formation
    voies: tuple[VoieBlock, ...]
    offered: tuple[str, ...]  # the voies the catalogue lists there

    @property
    def answer(self) -> AnswerBlock:
        return answer_block(self.voies)

    def entries(self) -> list[EmbedEntry]:
        """Per voie: the school's panel, its region's and France's (as on the page), and their chain."""
        return [EmbedEntry(b.voie_label, chain=chain_of(panels_of(b)), panels=panels_of(b)) for b in self.voies]

    def blocks(self) -> list[Block]:
        """The export's blocks: every panel of every voie, in the page's order."""
        school, formation = self.school, self.formation
        return numbered(
            Block(0, formation.label, formation.cfd, panel, school=school.display_name, uai=school.uai)
            for block in self.voies
            for panel in panels_of(block)
        )


def school_formation_page(school: School, formation: Formation, voie: str = "") -> SchoolFormationPage | None:
    """Every figure of the school × formation page (only `voie` when given); None when it has no voie to show (no
    offer in the catalogue and no figure of this school at the source)."""
    blocks, offered = pair_blocks(school, formation, voie)
    if not blocks:
        return None
    return SchoolFormationPage(school, formation, tuple(blocks), tuple(offered))
