"""The figures of the compare page: one column per item of the shortlist, every figure asked in one `get_many`.

A school × formation pair shows the school's figure, else the region's, else France's, labelled as a fallback,
through the same fallback chain (`figures.questions`) and presenters as the school pages. A formation shows
France's figure, or the chosen region's with France as the fallback. The table rows and the CSV export read the
same `Cell` values (`reuse.export`: `ROWS`, `cell`), so the file always says what the page says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse

from guidance.catalog.models import SUPERIEUR, Formation, HigherEducationOffer, Mef, Offer, School, Voie
from guidance.inserjeunes.codes import Certification, Region
from guidance.web.figures.models import FigureChain, FigurePanel, ScopeKind
from guidance.web.figures.present import unasked_chain, voie_named
from guidance.web.figures.questions import Answers, PlaceChain, place_chain
from guidance.web.figures.wording import voie_label_of
from guidance.web.reuse.export import ROWS, Cell, cell
from guidance.web.shortlist import FormationItem, Item, PairItem, compare_query, without_item


class UnknownItem(LookupError):
    """An item whose school or formation our catalogue does not know; `message` is for the 400 page."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Column:
    item: Item  # with its voie resolved
    formation: Formation
    school: School | None
    voie_label: str
    place: str  # "France", a region name, or the school's name and town
    chain: FigureChain
    offered: bool  # a pair the catalogue lists (always True for a formation)
    page_url: str  # the item's own page (the visitor's selection follows in its cookie)
    remove_url: str

    @property
    def shown(self) -> FigurePanel:
        return self.chain.shown

    @property
    def fallback_label(self) -> str:
        """ "" when the figure is the one asked, else which place it comes from (the one wording)."""
        return self.chain.fallback_note


@dataclass(frozen=True)
class Row[C]:
    """A row of the compare table: one cell per column (a rate `Cell`, or a `rows.ChoiceCell`)."""

    key: str
    label: str
    cells: tuple[C, ...]


def rows(columns: Sequence[Column]) -> list[Row[Cell]]:
    return [Row(key, label, tuple(cell(c.shown, key) for c in columns)) for key, label in ROWS]


# --- Building the columns ----------------------------------------------------------------------------------------


def resolve_voie(formation: Formation) -> str:
    """The voie of a formation item that does not say: the one the source has figures for, scolaire first (a
    higher-education diploma's figures are InserSup's)."""
    if formation.is_superieur:
        return SUPERIEUR
    has_scolaire = formation.certification_for(Voie.SCOLAIRE) is not None
    if has_scolaire and (formation.has_figures_scolaire or not formation.has_figures_apprentissage):
        return Voie.SCOLAIRE.value
    return Voie.APPRENTISSAGE.value


@dataclass(frozen=True)
class _Plan:
    item: Item
    formation: Formation
    school: School | None
    cert: Certification | None  # the code asked (None: no code in that voie)
    chain: PlaceChain | None  # None: nothing to ask the source


def _load(items: Sequence[Item]) -> tuple[dict[str, Formation], dict[str, School], dict[tuple[int, int, str], str]]:
    """The catalogue rows of the items: formations (with their final years), schools, and the offers of the pairs as
    {(school id, formation id, voie): final-year MEFSTAT11} (a higher-education diploma: its voie `superieur`).
    Five queries at most."""
    cfds = {item.cfd for item in items}
    uais = {item.uai for item in items if isinstance(item, PairItem)}
    formations = {
        f.cfd: f
        for f in Formation.objects.filter(cfd__in=cfds).prefetch_related(
            Prefetch("mefs", queryset=Mef.objects.filter(is_final_year=True))
        )
    }
    schools = School.objects.in_bulk(uais, field_name="uai") if uais else {}
    offered: dict[tuple[int, int, str], str] = {}
    if schools:
        rows = Offer.objects.filter(school__in=schools.values(), formation__in=formations.values()).values_list(
            "school_id", "formation_id", "voie", "mefstat11"
        )
        offered = {(school_id, formation_id, voie): mef for school_id, formation_id, voie, mef in rows}
        higher = HigherEducationOffer.objects.filter(school__in=schools.values(), formation__in=formations.values())
        offered |= {pair + (SUPERIEUR,): "" for pair in higher.values_list("school_id", "formation_id")}
    return formations, schools, offered


def _plan(item: Item, formation: Formation, school: School | None, region: Region | None, mefstat11: str) -> _Plan:
    # As on the school pages: the offer's own final-year MEFSTAT11 wins over the formation's first one.
    cert = formation.certification_for(item.voie, mefstat11)
    if cert is None:
        return _Plan(item, formation, school, None, None)
    # A pair: the school, its own region, France. A formation: the region of the page (if any), France.
    return _Plan(item, formation, school, cert, place_chain(cert, school=school, region=None if school else region))


def build_columns(items: Sequence[Item], region: Region | None) -> list[Column]:
    """One column per item, in order. Raises `UnknownItem` for a school or formation the catalogue lacks.

    Every question of every item (school, region, France) goes in one `get_many`, duplicates merged.
    """
    formations, schools, offered = _load(items)
    resolved: list[tuple[Item, Formation, School | None]] = []
    for item in items:
        formation = formations.get(item.cfd)
        if formation is None:
            raise UnknownItem(f"La formation {item.cfd} n’est pas dans notre catalogue. Vérifiez le lien.")
        school = None
        if isinstance(item, PairItem):
            school = schools.get(item.uai)
            if school is None:
                raise UnknownItem(f"L’établissement {item.uai} n’est pas dans notre catalogue. Vérifiez le lien.")
        elif not item.voie:
            item = FormationItem(item.cfd, resolve_voie(formation))
        resolved.append((item, formation, school))
    # Two spellings of one formation (with and without its voie) are one column.
    resolved = list({r[0]: r for r in resolved}.values())
    plans = [
        _plan(item, formation, school, region, offered.get((school.pk, formation.pk, item.voie), "") if school else "")
        for item, formation, school in resolved
    ]

    answers = Answers()
    answers.ask_chains(plan.chain for plan in plans)

    final_items = [plan.item for plan in plans]
    region_code = region.code if region else ""
    columns = []
    for plan in plans:
        item, formation, school = plan.item, plan.formation, plan.school
        voie_label = voie_label_of(formation, item.voie, plan.cert)
        if plan.chain is not None:
            chain = answers.chain(plan.chain, voie=voie_label, is_new_formation=formation.is_new())
        elif school is not None:
            chain = unasked_chain(school.display_name, ScopeKind.SCHOOL, voie_label)
        else:
            chain = unasked_chain("France", ScopeKind.FRANCE, voie_label)
        voie_label = voie_named(voie_label, [chain.shown])
        if school is not None:
            page = reverse("web:school_formation", kwargs={"uai": school.uai, "cfd": formation.cfd})
            place = f"{school.display_name} ({school.town})" if school.town else school.display_name
            is_offered = (school.pk, formation.pk, item.voie) in offered
        else:
            page = reverse("web:formation", kwargs={"cfd": formation.cfd})
            place = region.nom if region else "France"
            is_offered = True
        remaining = compare_query(without_item(final_items, item), region_code)
        columns.append(
            Column(
                item=item,
                formation=formation,
                school=school,
                voie_label=voie_label,
                place=place,
                chain=chain,
                offered=is_offered,
                page_url=page,
                remove_url=reverse("web:compare") + (f"?{remaining}" if remaining else ""),
            )
        )
    return columns
