"""One assembly call per formation page: `formation_page(...)` owns the page's questions and rounds, and returns
everything the page, its JSON/CSV exports, its embed and its badge show, so that one place decides the questions,
the rounds, the fallbacks and the voies' names (the rule `superieur.page.diploma_page` follows for higher education).

- `read_query(params)`: the page's query string read once for the page and its exports: with a place (`commune=`)
  and no region, the figures open on the place's region (and the region menu says so).
- `listed_schools(formation, query)`: the schools the page lists (the exports list the same).
- `formation_page(formation, region=, millesime=, schools=, devenir=, map_voie=)`: every figure in two rounds of
  `get_many` (the schools' rows and the regions' map planned with the devenir's first round, see `page.py`).
- `FormationPage.entries(voie)`: the embed's and the badge's entries; `FormationPage.blocks()`: the exports' blocks,
  both read on the page's own panels and offer rows (`present.chain_of`: the place asked, else the nearest place
  with figures, labelled as the fallback).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import QueryDict

from guidance.catalog.models import Formation
from guidance.inserjeunes.codes import Certification, Millesime, Region, region_from_code
from guidance.web.figures.models import EmbedEntry
from guidance.web.figures.present import chain_of
from guidance.web.figures.questions import Answers
from guidance.web.formations import regionmap
from guidance.web.formations.forms import FormationPageForm
from guidance.web.formations.page import FormationFigures, OfferRow, build_formation_figures, page_certifications
from guidance.web.formations.schools import Entry, SchoolsList, build_rows, plan_rows, schools_list
from guidance.web.forms import require_valid
from guidance.web.place import Near, PlaceReading, read_place
from guidance.web.reuse.export import Block, numbered


@dataclass(frozen=True)
class PageQuery:
    """A formation page's query string, validated (a bad value is a 400 through `require_valid`)."""

    form: FormationPageForm
    data: dict
    reading: PlaceReading
    region: Region | None

    @property
    def near(self) -> Near | None:
        return self.reading.near


def read_query(params: QueryDict) -> PageQuery:
    """The page's query: with a place and no region, the region becomes the place's (the figures open on it)."""
    form = FormationPageForm(params)
    data = require_valid(form)
    reading = read_place(form)
    if reading.near is not None and not data["region"]:
        query = params.copy()
        query["region"] = reading.near.region_code
        form = FormationPageForm(query)
        data = require_valid(form)
    region = region_from_code(data["region"]) if data["region"] else None
    return PageQuery(form, data, reading, region)


def listed_schools(formation: Formation, query: PageQuery) -> SchoolsList:
    """The schools the page of `formation` lists for `query` (its region, département, page and place)."""
    data = query.data
    return schools_list(
        formation, region=query.region, departement=data["departement"], page=data["page"], near=query.near
    )


@dataclass(frozen=True)
class FormationPage:
    formation: Formation
    region: Region | None
    millesime: Millesime | None
    certifications: tuple[tuple[str, Certification], ...]
    figures: FormationFigures | None  # None: not asked (the schools' fragment does not show the devenir)
    schools: SchoolsList | None  # None: not asked (the embed and the badge show no school)
    school_rows: tuple[tuple[Entry, OfferRow], ...]
    answers: Answers  # every question the page asked (the regions' map reads its own there)
    map_plan: regionmap.MapPlan | None

    def entries(self, voie: str = "") -> list[EmbedEntry]:
        """Per voie (only `voie` when given) and cursus: the region's panel then France's, and their chain."""
        found: list[EmbedEntry] = []
        for block in self.figures.voies if self.figures else ():
            if voie and block.voie != voie:
                continue
            if block.not_offered:
                found.append(EmbedEntry(block.label, note=block.not_offered))
                continue
            for index, france in enumerate(block.france):
                panels = (block.region[index], france) if block.region else (france,)
                found.append(EmbedEntry(france.voie or block.label, chain=chain_of(panels), panels=panels))
        return found

    def blocks(self) -> list[Block]:
        """The figure blocks of the page in its order: France per voie, the region per voie, the schools listed."""
        formation, voies = self.formation, self.figures.voies if self.figures else ()
        panels = [p for voie in voies for p in voie.france] + [p for voie in voies for p in voie.region]
        found = [Block(0, formation.label, formation.cfd, panel) for panel in panels]
        found += [
            Block(
                0,
                formation.label,
                formation.cfd,
                row.chain.shown,
                school=row.offer.school.display_name,
                uai=row.offer.school.uai,
                is_fallback=row.chain.is_fallback,
            )
            for _entry, row in self.school_rows
            if row.chain is not None
        ]
        return numbered(found)


def formation_page(
    formation: Formation,
    *,
    region: Region | None,
    millesime: Millesime | None,
    schools: SchoolsList | None = None,
    devenir: bool = True,
    map_voie: str | None = None,
    certifications: Sequence[tuple[str, Certification]] | None = None,
) -> FormationPage:
    """Every figure of `formation`'s page: the devenir in France and `region` (unless `devenir` is False), the
    figures of the visible `schools`' rows, and the regions' map of `map_voie` when given ("" for its default
    voie), asked together: the rows' and the map's questions go with the devenir's first round."""
    certifications = tuple(certifications if certifications is not None else page_certifications(formation))
    answers = Answers()
    rows_plan = (
        plan_rows(schools, formation, certifications, millesime=millesime, answers=answers)
        if schools is not None
        else None
    )
    map_plan = regionmap.plan(certifications, millesime, map_voie, answers) if map_voie is not None else None
    figures = (
        build_formation_figures(formation, certifications, region=region, millesime=millesime, answers=answers)
        if devenir
        else None
    )
    rows = build_rows(schools, rows_plan, answers=answers) if schools is not None and rows_plan is not None else []
    return FormationPage(formation, region, millesime, certifications, figures, schools, tuple(rows), answers, map_plan)
