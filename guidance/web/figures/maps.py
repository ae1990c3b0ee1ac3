"""The maps of a formation page, drawn by the server as SVG (no JavaScript, no tiles): view models for the templates
`includes/maps/regions.html` and `includes/maps/nearby.html`.

- `RegionMap`: France's regions (the overseas ones as insets) shaded by the formation's regional figure (the share
  in employment 6 months after, in one voie), each region a link to its figures, a legend, hatching where there is
  no figure and why, the same figures in a table. All regions come from one question to the service
  (`Question.across_regions`: one page of the authenticated list `/regionales` filtered on the diploma's codes),
  planned with the page's first round: a map never multiplies the page's upstream calls.
- `NearbyMap`: the region of the visitor's place, the place and the schools of the list as numbered dots (the
  numbers of the list, `web/formations/schools.py`).
The outlines are `france_shapes.json` (projected and simplified once: `mapshapes.py`); a page only places them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from guidance.catalog.labels import fold
from guidance.indicators import upstream
from guidance.indicators.service import IndicatorResult, Question
from guidance.inserjeunes.codes import Certification, Millesime, Region
from guidance.inserjeunes.results import SMALL_COHORT_THRESHOLD, RegionalFigures, RegionalList
from guidance.inserjeunes.territories import DEPARTEMENTS, REGIONS
from guidance.web.figures import mapshapes
from guidance.web.figures.questions import Answers
from guidance.web.figures.wording import VOIE_LABELS, leavers_sentence

CREDIT = "Fond de carte : IGN – Admin Express, INSEE"
MEASURE_LABEL = "part en emploi 6 mois après la sortie"
FILIERES = {"scolaire": ("pro", "agricole"), "apprentissage": ("apprentissage",)}
# The shades of the map, lightest first (DSFR blue-france scale); a region without a figure is hatched instead.
SHADES = ("#e3e3fd", "#cacafb", "#8585f6", "#3d3dd6", "#000091")
NO_FIGURE = {
    "small": "moins de 20 jeunes : pas de taux publié",
    "none": "pas de chiffre publié dans cette région",
    "unavailable": "chiffres par région indisponibles pour le moment",
}


@lru_cache(maxsize=1)
def shapes() -> dict[str, Any]:
    return json.loads(mapshapes.OUTPUT.read_text(encoding="utf-8"))


def project(latitude: float, longitude: float, region_code: str) -> tuple[float, float]:
    """A point in the map's units: the mainland projection, or the inset of its overseas region."""
    overseas = shapes()["overseas"].get(region_code)
    if overseas is not None:
        return mapshapes.inset_point(overseas["frame"], latitude, longitude)
    x, y = mapshapes.lambert(latitude, longitude)
    mainland = shapes()["mainland"]
    return x + mainland["x"], mainland["y"] - y


# --- The regions' figures ------------------------------------------------------------------------------------


def plan_region_map(
    certifications: Sequence[tuple[str, Certification]], millesime: Millesime | None, answers: Answers
) -> Question | None:
    """The one question of the map, planned with the page's first round; None when the list route cannot be asked
    (no credentials: a refusal would only count against the circuit)."""
    certs = [cert for voie, cert in certifications if voie in FILIERES]
    if not certs or not upstream.lists_available():
        return None
    question = Question.across_regions(certs, millesime.regional() if millesime else None)
    answers.plan([question])
    return question


@dataclass(frozen=True)
class RegionShape:
    code: str
    name: str
    d: str
    value: int | None
    cohort: int | None
    reason: str  # why there is no figure ("" with one)
    shade: str  # fill colour, "" when hatched
    href: str
    is_current: bool
    carried: bool  # the figures are the former version's (`donnee_source` "ancienne")

    @property
    def label(self) -> str:
        """What the region's link says: "Occitanie : 21 % (voir les chiffres de la région)"."""
        said = f"{self.value} %" if self.value is not None else self.reason
        return f"{self.name} : {said}"


@dataclass(frozen=True)
class Inset:
    shape: RegionShape
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class LegendItem:
    label: str
    shade: str  # "" for the hatching


@dataclass(frozen=True)
class RegionMap:
    voie_label: str
    millesime_label: str  # "jeunes sortis en 2022 et 2023"
    regions: tuple[RegionShape, ...]  # mainland
    insets: tuple[Inset, ...]
    legend: tuple[LegendItem, ...]
    viewbox: str
    unavailable: bool

    @cached_property  # read by the table and the description: sorted once (a frozen dataclass keeps a __dict__)
    def rows(self) -> tuple[RegionShape, ...]:
        """The table beside the map: every region, by name."""
        return tuple(sorted([*self.regions, *(i.shape for i in self.insets)], key=lambda r: fold(r.name)))

    @property
    def with_figures(self) -> int:
        return sum(1 for row in self.rows if row.value is not None)

    @property
    def description(self) -> str:
        if self.unavailable:
            return f"Carte des régions de France. {NO_FIGURE['unavailable'].capitalize()}."
        values = sorted((r.value, r.name) for r in self.rows if r.value is not None)
        if not values:
            return "Carte des régions de France : aucune région n’a de chiffre publié pour cette formation."
        (low, low_name), (high, high_name) = values[0], values[-1]
        return (
            f"Carte des régions de France, {self.voie_label.lower()} : {MEASURE_LABEL}, de {low} % ({low_name}) à "
            f"{high} % ({high_name}) ; {len(values)} régions sur {len(self.rows)} ont un chiffre, les autres sont "
            "hachurées. Le tableau qui suit donne chaque chiffre."
        )


def _best_items(result: IndicatorResult | None, voie: str) -> tuple[dict[str, RegionalFigures], bool]:
    """{region code: its item of the voie} (the newest millésime, the largest cohort among several codes) and
    whether the figures are unavailable."""
    if result is None or not result.ok or not isinstance(result.figures, RegionalList):
        return {}, True
    found: dict[str, RegionalFigures] = {}
    for item in result.figures.items:
        if item.region is None or item.filiere not in FILIERES[voie]:
            continue
        current = found.get(item.region.code)
        key = (item.millesime, item.nb_annee_term or 0)
        if current is None or key > (current.millesime, current.nb_annee_term or 0):
            found[item.region.code] = item
    return found, False


def _shade(value: int, bins: Sequence[int]) -> str:
    """The shade of the class `value` falls in (`bins` are the class limits, the last one above every value)."""
    index = max((i for i, low in enumerate(bins[:-1]) if value >= low), default=0)
    return SHADES[min(index, len(SHADES) - 1)]


def _bins(values: Sequence[int]) -> list[int]:
    """Class limits by steps of 5 points covering the values (the last limit above the highest), at most
    `len(SHADES)` classes."""
    low, high = 5 * math.floor(min(values) / 5), 5 * (math.floor(max(values) / 5) + 1)
    step = 5 * max(1, math.ceil((high - low) / len(SHADES) / 5))
    limits = [low]
    while limits[-1] < high:
        limits.append(limits[-1] + step)
    return limits


def _value(item: RegionalFigures | None) -> int | None:
    if item is None or not _published(item) or item.taux_en_emploi_6_mois is None:
        return None
    return round(item.taux_en_emploi_6_mois)


def build_region_map(
    question: Question | None,
    answers: Answers,
    *,
    voie: str,
    region: Region | None,
    href: str,
) -> RegionMap:
    """The map of `voie`'s regional figures (`href`: the page's address with `region=` left to add)."""
    result = answers.get(question) if question is not None else None
    items, unavailable = _best_items(result, voie)
    values = [value for item in items.values() if (value := _value(item)) is not None]
    bins = _bins(values) if values else []
    millesimes = sorted({i.millesime for i in items.values()})

    def shape(code: str, name: str, d: str) -> RegionShape:
        item = items.get(code)
        value = _value(item)
        if value is not None:
            reason = ""
        elif unavailable:
            reason = NO_FIGURE["unavailable"]
        elif item is not None:
            reason = NO_FIGURE["small"]
        else:
            reason = NO_FIGURE["none"]
        return RegionShape(
            code=code,
            name=REGIONS.get(code, name),
            d=d,
            value=value,
            cohort=int(item.nb_annee_term) if item and item.nb_annee_term is not None else None,
            reason=reason,
            shade=_shade(value, bins) if value is not None else "",
            href=f"{href}{'&' if '?' in href else '?'}region={code}#devenir",
            is_current=region is not None and region.code == code,
            carried=bool(item and item.donnee_source and item.donnee_source.type.value == "ancienne"),
        )

    data = shapes()
    regions = tuple(shape(code, s["name"], s["d"]) for code, s in sorted(data["regions"].items()))
    insets = tuple(
        Inset(shape(code, s["name"], s["d"]), tuple(s["inset"])) for code, s in sorted(data["overseas"].items())
    )
    classes = zip(bins[:-1], bins[1:], SHADES[: max(0, len(bins) - 1)], strict=True)
    legend = [LegendItem(f"de {low} à moins de {high} %", shade) for low, high, shade in classes]
    legend.append(LegendItem("pas de chiffre (la raison est dans le tableau)", ""))
    return RegionMap(
        voie_label=VOIE_LABELS.get(voie, voie),
        millesime_label=leavers_sentence(millesimes[-1]) if millesimes else "",
        regions=regions,
        insets=insets,
        legend=tuple(legend),
        viewbox=" ".join(str(v) for v in data["viewbox"]),
        unavailable=unavailable,
    )


def _published(item: RegionalFigures) -> bool:
    return item.nb_annee_term is None or item.nb_annee_term >= SMALL_COHORT_THRESHOLD


# --- Around a place ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outline:
    d: str
    kind: str  # "home" (a département of the place's region), "other" (another region), "region" (the place's)


@dataclass(frozen=True)
class Dot:
    number: int
    name: str
    distance: str
    x: float  # the school's point
    y: float
    label_x: float  # where its number is drawn (moved aside when another number is there)
    label_y: float

    @property
    def moved(self) -> bool:
        return (self.x, self.y) != (self.label_x, self.label_y)


@dataclass(frozen=True)
class NearbyMap:
    place_name: str
    region_name: str
    viewbox: str
    outlines: tuple[Outline, ...]
    place_x: float
    place_y: float
    dots: tuple[Dot, ...]
    radius: float  # of a number's circle, in map units
    font_size: float
    stroke: float
    left_out: int  # schools of the list not drawn: no known point, or outside the map

    @property
    def point_radius(self) -> float:
        return self.radius / 3

    @property
    def place_d(self) -> str:
        """A diamond on the place."""
        r, x, y = self.radius, self.place_x, self.place_y
        return f"M{x:.1f} {y - r:.1f}l{r:.2f} {r:.2f} {-r:.2f} {r:.2f} {-r:.2f} {-r:.2f}z"

    @property
    def description(self) -> str:
        drawn = f"{len(self.dots)} établissement{'s' if len(self.dots) > 1 else ''} de la liste"
        out = f" ; {self.left_out} autre{'s' if self.left_out > 1 else ''} hors de la carte" if self.left_out else ""
        return (
            f"Carte de la région {self.region_name} : {self.place_name} (losange) et {drawn}, numérotés comme dans la "
            f"liste{out}. Le tableau à côté donne chaque numéro, son établissement et sa distance."
        )


def _frame(region_code: str, centre: tuple[float, float], radius_km: float) -> tuple[float, float, float, float]:
    data = shapes()
    overseas = data["overseas"].get(region_code)
    if overseas is not None:
        min_x, min_y, max_x, max_y = overseas["box"]
        return min_x, min_y, max_x, max_y
    min_x, min_y, max_x, max_y = data["regions"].get(region_code, {"box": [*centre, *centre]})["box"]
    x, y = centre
    return min(min_x, x - radius_km), min(min_y, y - radius_km), max(max_x, x + radius_km), max(max_y, y + radius_km)


def _overlaps(box: Sequence[float], frame: Sequence[float]) -> bool:
    return box[0] <= frame[2] and box[2] >= frame[0] and box[1] <= frame[3] and box[3] >= frame[1]


def build_nearby_map(
    place: tuple[str, str, float, float, float],
    schools: Sequence[tuple[int, str, str, float | None, float | None, str]],
) -> NearbyMap:
    """The map of the place's region: `place` (name, region code, latitude, longitude, radius in km) and the listed
    `schools` (number, name, distance words, latitude, longitude, region code), each school drawn once."""
    name, region_code, latitude, longitude, radius_km = place
    centre = project(latitude, longitude, region_code)
    frame = _frame(region_code, centre, radius_km)
    width, height = frame[2] - frame[0], frame[3] - frame[1]
    margin = max(width, height) * 0.04
    frame = (frame[0] - margin, frame[1] - margin, frame[2] + margin, frame[3] + margin)
    data = shapes()
    outlines: list[Outline] = []
    if region_code in data["overseas"]:
        outlines.append(Outline(data["overseas"][region_code]["d"], "home"))
    else:
        # The place's region by département (finer outlines), the others as whole regions (coarser: few bytes).
        others = [(c, s) for c, s in sorted(data["regions"].items()) if c != region_code and _overlaps(s["box"], frame)]
        outlines += [Outline(s["d"], "other") for _, s in others]
        outlines += [
            Outline(shape["d"], "home")
            for code, shape in sorted(data["departements"].items())
            if _departement_region(code) == region_code
        ]
        if region_code in data["regions"]:
            outlines.append(Outline(data["regions"][region_code]["d"], "region"))
    size = max(frame[2] - frame[0], frame[3] - frame[1])
    radius = size / 55
    dots: list[Dot] = []
    place_dot = Dot(0, name, "", centre[0], centre[1], centre[0], centre[1])  # numbers keep off the place's mark
    seen: set[int] = set()
    left_out = 0
    for number, school, distance, lat, lon, school_region in schools:
        if number in seen:
            continue
        seen.add(number)
        if lat is None or lon is None or (school_region in data["overseas"]) != (region_code in data["overseas"]):
            left_out += 1
            continue
        x, y = project(lat, lon, school_region)
        if not (frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]):
            left_out += 1
            continue
        label_x, label_y = _free_spot(x, y, radius, [place_dot, *dots])
        dots.append(Dot(number, school, distance, round(x, 1), round(y, 1), round(label_x, 1), round(label_y, 1)))
    return NearbyMap(
        place_name=name,
        region_name=REGIONS.get(region_code, ""),
        viewbox=" ".join(f"{value:.1f}" for value in (frame[0], frame[1], frame[2] - frame[0], frame[3] - frame[1])),
        outlines=tuple(outlines),
        place_x=round(centre[0], 1),
        place_y=round(centre[1], 1),
        dots=tuple(dots),
        radius=round(radius, 2),
        font_size=round(radius * 1.25, 2),
        stroke=round(size / 600, 2),
        left_out=left_out,
    )


def _departement_region(code: str) -> str:
    return DEPARTEMENTS.get(code, ("", "", ""))[2]


def _free_spot(x: float, y: float, radius: float, placed: Sequence[Dot]) -> tuple[float, float]:
    """Where a number's circle can go without covering another: its point, else around it, farther and farther."""

    def free(cx: float, cy: float) -> bool:
        return all(math.hypot(cx - d.label_x, cy - d.label_y) >= 2.1 * radius for d in placed)

    if free(x, y):
        return x, y
    for ring in range(1, 6):
        for step in range(8 * ring):
            angle = 2 * math.pi * step / (8 * ring) - math.pi / 2
            cx, cy = x + 2.2 * radius * ring * math.cos(angle), y + 2.2 * radius * ring * math.sin(angle)
            if free(cx, cy):
                return cx, cy
    return x, y
