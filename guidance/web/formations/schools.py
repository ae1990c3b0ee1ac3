"""The schools of a formation page: who teaches it, and who taught its former version(s), one row per school and voie.

- Without a place: the region's (or France's) schools, by name; nameless schools ("Établissement 0861408N") last.
- With a place (`guidance.web.place.Near`): every school of France, nearest first, whatever its département or
  region, both voies, the distance on each row and the schools numbered as on the map; those without a known point
  last ("distance inconnue"), never dropped.
- A renewed diploma lists the schools of its former version(s) too, labelled with the file and year that said so
  ("proposait l’ancienne version en 2022 (Affelnet)"), unless the school already teaches the current one in that voie.
- Each row carries the admission pressure of its source rows (`orientation.pressure.pressures_for`), one query for
  the page. Long lists are paginated (`SCHOOLS_PER_PAGE`): "voir plus" links, a fragment for HTMX, a full page
  without JavaScript.

`plan_rows` / `build_rows` give each visible row its figure chain (school → region → France) through the page's
`Answers`, with the former version's own codes for the rows that taught it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from guidance.catalog.models import Formation, Offer, Source, Voie
from guidance.inserjeunes.codes import Certification, Millesime, Region
from guidance.orientation.pressure import Pressure, pressures_for
from guidance.search.nearby import former_versions, order_by_distance
from guidance.web.figures.maps import NearbyMap, build_nearby_map
from guidance.web.figures.questions import Answers
from guidance.web.formations.page import OfferPlan, OfferRow, build_offer_rows, page_certifications, plan_offer_rows
from guidance.web.place import Near, school_distance_words

SCHOOLS_PER_PAGE = 20
# The year and the file an offer comes from, as a sentence says it.
SOURCE_WORDS = {
    Source.AFFELNET_2022: ("2022", "Affelnet"),
    Source.PARCOURSUP_2024: ("2024", "Parcoursup"),
    Source.CONSTAT_2020: ("2020", "constat de rentrée"),
    Source.CATALOGUE: ("2022", "catalogue de l’apprentissage"),
    Source.API: ("", "API InserJeunes"),
}
_VOIE_ORDER = {voie: index for index, voie in enumerate(Voie.values)}
# The columns a list is ordered on (0 pk, 1 school, 2 name, 3 UAI, 4-5 point, 6 formation, 7 voie).
_COLUMNS: tuple[str, ...] = ("pk", "school_id", "school__name", "school__uai", "school__latitude")
_COLUMNS += ("school__longitude", "formation_id", "voie")


@dataclass(frozen=True)
class Entry:
    """One row of the list: an offer of the formation (or of a former version), where it is, how sought after."""

    offer: Offer
    number: int | None  # its school's number on the map and in the list (with a place)
    km: float | None
    distance: str  # "à environ 5 km", "distance inconnue", "" without a place
    former: Formation | None  # the former version this school taught (None: it teaches this one)
    former_note: str  # "proposait l’ancienne version en 2022 (Affelnet)"
    pressure: Pressure


@dataclass(frozen=True)
class SchoolsList:
    page: Page  # of Offer, in the order of `entries`
    entries: tuple[Entry, ...]
    schools: int  # distinct schools of the whole list
    offers: int  # rows of the whole list
    within: int | None  # distinct schools within the radius (with a place)
    without_position: int  # distinct schools without a known point
    formers: tuple[Formation, ...]  # former versions whose schools are listed

    @property
    def has_formers(self) -> bool:
        return any(entry.former is not None for entry in self.entries)


def former_note(offer: Offer) -> str:
    year, source = SOURCE_WORDS.get(Source(offer.source), ("", offer.source))
    when = f" en {year}" if year else ""
    return f"proposait l’ancienne version{when} ({source})"


def schools_list(
    formation: Formation, *, region: Region | None, departement: str, page: int | None, near: Near | None
) -> SchoolsList:
    """The rows of `formation`'s schools for the page asked (see the module docstring)."""
    formers = {f.pk: f for f in Formation.objects.filter(pk__in=former_versions([formation]).get(formation.pk, set()))}
    offers = Offer.objects.filter(formation_id__in=[formation.pk, *formers])
    if region is not None and near is None:
        offers = offers.in_region(region.code)
    if departement:
        offers = offers.in_departement(departement)
    rows = list(offers.values_list(*_COLUMNS))
    current = {(row[1], row[7]) for row in rows if row[6] == formation.pk}
    kept: dict[tuple[int, str], tuple] = {}
    for row in sorted(rows, key=lambda r: (r[6] != formation.pk, r[6], r[0])):
        key = (row[1], row[7])
        if key not in kept and (row[6] == formation.pk or key not in current):
            kept[key] = row
    by_name = sorted(kept.values(), key=lambda r: (not r[2], r[2].casefold(), r[3], _VOIE_ORDER.get(r[7], 9)))
    numbers: dict[int, int] = {}
    if near is not None:
        ordered = order_by_distance(by_name, near.around, lambda r: (r[4], r[5]))
        for row, _km in ordered:
            numbers.setdefault(row[1], len(numbers) + 1)
    else:
        ordered = [(row, None) for row in by_name]
    paginator = Paginator(ordered, SCHOOLS_PER_PAGE)
    shown = paginator.get_page(page or 1)
    loaded = Offer.objects.select_related("school", "formation").in_bulk([row[0] for row, _ in shown.object_list])
    visible = [(loaded[row[0]], km) for row, km in shown.object_list if row[0] in loaded]
    pressures = pressures_for((o.school.uai, o.formation.cfd, o.voie) for o, _ in visible)
    entries = tuple(
        Entry(
            offer,
            numbers.get(offer.school_id),
            km,
            school_distance_words(km, offer.school.position_is_approximate) if near is not None else "",
            formers.get(offer.formation_id),
            former_note(offer) if offer.formation_id in formers else "",
            pressures.get((offer.school.uai, offer.formation.cfd, offer.voie), Pressure(())),
        )
        for offer, km in visible
    )
    # The page of offers keeps the paginator of the rows (its count, its pages): what the templates read.
    page_of_offers: Page[Offer] = Page([entry.offer for entry in entries], shown.number, paginator)  # type: ignore[arg-type]
    schools = {row[1] for row in kept.values()}
    within = None
    if near is not None:
        within = len({row[1] for row, km in ordered if km is not None and km <= near.radius})
    return SchoolsList(
        page=page_of_offers,
        entries=entries,
        schools=len(schools),
        offers=len(kept),
        within=within,
        without_position=len({row[1] for row in kept.values() if row[4] is None or row[5] is None}),
        formers=tuple(sorted(formers.values(), key=lambda f: f.cfd)),
    )


@dataclass(frozen=True)
class RowsPlan:
    """The figure questions of the visible rows, planned with the page's first round (one plan per formation)."""

    groups: tuple[tuple[Formation, tuple[OfferPlan, ...]], ...]


def plan_rows(
    listed: SchoolsList,
    formation: Formation,
    certifications: Sequence[tuple[str, Certification]],
    *,
    millesime: Millesime | None,
    answers: Answers,
) -> RowsPlan:
    """Each row's chain: the formation's own codes, or the former version's for a row that taught it."""
    groups = []
    for version in (formation, *listed.formers):
        offers = [e.offer for e in listed.entries if (e.former or formation).pk == version.pk]
        if not offers:
            continue
        certs = certifications if version.pk == formation.pk else page_certifications(version)
        plans = plan_offer_rows(version, offers, certs, millesime=millesime, answers=answers)
        groups.append((version, tuple(plans)))
    return RowsPlan(tuple(groups))


def build_rows(listed: SchoolsList, plan: RowsPlan, *, answers: Answers) -> list[tuple[Entry, OfferRow]]:
    """(entry, its figures) in the list's order."""
    rows: dict[int, OfferRow] = {}
    for version, plans in plan.groups:
        for row in build_offer_rows(version, plans, answers=answers):
            rows[row.offer.pk] = row
    return [(entry, rows[entry.offer.pk]) for entry in listed.entries if entry.offer.pk in rows]


def nearby_map(near: Near | None, rows: Sequence[tuple[Entry, OfferRow]]) -> NearbyMap | None:
    """The map of the place's region with the visible schools, numbered as in the list (None without a place)."""
    if near is None:
        return None
    place = (near.name, near.region_code, near.around.latitude, near.around.longitude, float(near.radius))
    schools = [
        (
            entry.number or 0,
            entry.offer.school.display_name,
            entry.distance,
            entry.offer.school.latitude,
            entry.offer.school.longitude,
            entry.offer.school.region_code,
        )
        for entry, _row in rows
        if entry.number
    ]
    return build_nearby_map(place, schools)
