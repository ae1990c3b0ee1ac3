"""Where the family lives: the place a page centres on, read from the address, carried by every link that leads on.

One mechanism for every page (search → formation → school × formation → compare), in the URL only (no cookie), so
pages stay cacheable and shareable:
- `PlaceFields`, the GET fields a page form adds to its own: `lieu=` (what the visitor typed: a town or a postal
  code), `commune=` (the INSEE code links carry: the canonical form), `rayon=` (km: 10, 20, 30, 50, 100; 30 by
  default). The page cache keys on a view's form fields, so every page reading the place declares them this way.
- `read_place(form) -> PlaceReading`: the `Near` place the page centres on (or why there is none, in French).
  A typed `lieu` wins over `commune` unless it names that very commune (a postal code or a name shared by several
  communes: the one chosen in a click stays chosen); a `lieu` sent empty clears the place; five digits are a postal
  code (never an INSEE code: 12100 is Millau's postal code and Firmi's INSEE code), centred on its most populous
  commune, the others offered.
- `Near.query`: what links carry (`commune=`, and `rayon=` when not the default), used by the `near_url` template
  tag and the hidden inputs of forms that lead on (`includes/place/hidden.html`).
- `distance_words(km)`: "à environ 5 km", the one wording of a distance (straight lines, rounded: said once per page
  by `DISTANCE_NOTE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django import forms

from guidance.catalog.models import Formation, School
from guidance.inserjeunes.territories import REGIONS
from guidance.orientation.places import CommunePlace, PlaceMatch, commune_by_code, communes_named, parse_place
from guidance.search.nearby import Around, Teaching, teaching_near
from guidance.web.forms import RememberedSelect, SearchField

RADII = (10, 20, 30, 50, 100)
DEFAULT_RADIUS = 30
PLACE_FIELDS = ("lieu", "commune", "rayon")
DISTANCE_NOTE = (
    "Distances à vol d’oiseau, arrondies, depuis le centre de la commune choisie ; quand nous ne connaissons que la "
    "commune d’un établissement, c’est le centre de cette commune qui compte."
)
UNKNOWN_DISTANCE = "distance inconnue"


class CommuneField(forms.RegexField):
    """`?commune=`: an INSEE commune code (5 digits, or 2A / 2B and 3 digits for Corsica) the catalogue knows."""

    def __init__(self) -> None:
        super().__init__(regex=r"^(?:[0-9]{5}|2[AB][0-9]{3})$", required=False, widget=forms.HiddenInput)

    def clean(self, value: Any) -> str:
        code = cast(str, super().clean(value))
        if code and commune_by_code(code) is None:
            raise forms.ValidationError("Cette commune n’existe pas.", code="unknown")
        return code


class PlaceFields(forms.Form):
    """The place fields of a page form: `class SomePageForm(PlaceFields, forms.Form)` (see the module docstring)."""

    place_field_names = PLACE_FIELDS
    lieu = SearchField("Ville ou code postal")
    commune = CommuneField()
    rayon = forms.TypedChoiceField(
        label="Distance",
        required=False,
        choices=[("", f"{DEFAULT_RADIUS} km"), *((str(km), f"{km} km") for km in RADII)],
        coerce=int,
        empty_value=None,
        widget=RememberedSelect(attrs={"class": "fr-select"}),
    )


@dataclass(frozen=True)
class Near:
    """The place a page centres on: a commune with a point, and the radius asked."""

    commune: CommunePlace
    radius: int = DEFAULT_RADIUS
    typed: str = ""  # the `lieu` typed, when the page was reached by typing
    others: tuple[CommunePlace, ...] = ()  # the other communes of the postal code (or of the name) typed

    @property
    def around(self) -> Around:
        assert self.commune.latitude is not None and self.commune.longitude is not None  # see read_place
        return Around(self.commune.latitude, self.commune.longitude, self.radius)

    @property
    def query(self) -> dict[str, str]:
        """The parameters every link that leads on carries."""
        query = {"commune": self.commune.insee_code}
        if self.radius != DEFAULT_RADIUS:
            query["rayon"] = str(self.radius)
        return query

    @property
    def querystring(self) -> str:
        return urlencode(self.query)

    @property
    def region_code(self) -> str:
        return self.commune.region_code

    @property
    def name(self) -> str:
        return self.commune.name

    @property
    def label(self) -> str:
        """ "Millau (Aveyron, Occitanie)"."""
        where = ", ".join(part for part in (self.commune.departement_name, REGIONS.get(self.region_code, "")) if part)
        return f"{self.commune.name} ({where})" if where else self.commune.name

    @property
    def postal_code(self) -> str:
        return self.commune.postal_codes[0] if len(self.commune.postal_codes) == 1 else ""

    def distance(self, school: School) -> float | None:
        return self.around.distance(school.latitude, school.longitude)

    def distance_words(self, school: School) -> str:
        return school_distance_words(self.distance(school), school.position_is_approximate)


@dataclass(frozen=True)
class PlaceReading:
    near: Near | None = None
    problem: str = ""  # why the place typed could not be used (French, for the page)
    typed: str = ""


def read_place(form: forms.Form) -> PlaceReading:
    """The place of a valid page form with `PlaceFields` (see the module docstring for the rules)."""
    data = form.cleaned_data
    radius = data.get("rayon") or DEFAULT_RADIUS
    if "lieu" in form.data:
        typed = data.get("lieu", "").strip()
        if not typed:
            return PlaceReading()
        choice = communes_named(typed)
        if choice is None:
            return PlaceReading(problem=_not_understood(typed), typed=typed)
        chosen = next((c for c in choice.communes if c.insee_code == data.get("commune")), choice.centre)
        others = tuple(c for c in choice.communes if c != chosen)
        return _located(Near(chosen, radius, typed, others), typed)
    if data.get("commune"):
        commune = commune_by_code(data["commune"])
        if commune is not None:
            return _located(Near(commune, radius), "")
    return PlaceReading()


def near_of_words(place: PlaceMatch | None) -> Near | None:
    """The commune a search understood in its words ("cuisine millau"), as the place its links carry: the commune
    named, or the most populous of a postal code's; None for a département or a commune without a point."""
    if place is None or not place.communes:
        return None
    centre = max(place.communes, key=lambda c: (c.population or 0, c.insee_code))
    return Near(centre) if centre.has_position else None


def card_lines(near: Near | None, formations: list[Formation]) -> dict[int, str]:
    """{formation id: "3 établissements à moins de 30 km, le plus proche à environ 5 km"} of a page of results."""
    if near is None or not formations:
        return {}
    return {pk: teaching_sentence(t, near.radius) for pk, t in teaching_near(near.around, formations).items()}


def _located(near: Near, typed: str) -> PlaceReading:
    if not near.commune.has_position:
        name = near.commune.name
        problem = f"Nous ne connaissons pas la position de {name} : les distances ne peuvent pas être données."
        return PlaceReading(problem=problem, typed=typed)
    return PlaceReading(near=near, typed=typed)


def _not_understood(typed: str) -> str:
    place = parse_place(typed)
    if place is not None and place.kind == "departement":
        return f"« {typed} » est un département : indiquez une ville ou un code postal pour chercher autour."
    return f"Nous n’avons pas trouvé de commune « {typed} ». Indiquez une ville ou un code postal (par exemple 12100)."


def distance_words(km: float) -> str:
    """ "à moins de 1 km", "à environ 5 km", "à environ 55 km", "à environ 120 km" (rounded to 5 km past 100)."""
    if km < 1:
        return "à moins de 1 km"
    shown = round(km) if km < 100 else 5 * round(km / 5)
    return f"à environ {shown} km"


def school_distance_words(km: float | None, approximate: bool) -> str:
    """A school's distance: `distance_words`, "distance inconnue" without a point, and never "à moins de 1 km" for a
    school placed at its commune's centre (its address may be a couple of km away: 1.6 km in the median)."""
    if km is None:
        return UNKNOWN_DISTANCE
    if approximate and km < 2:
        return "à moins de 2 km environ"
    return distance_words(km)


def teaching_sentence(teaching: Teaching, radius: int) -> str:
    """ "3 établissements à moins de 30 km, le plus proche à environ 5 km" (the line of a formation card)."""
    nearest = distance_words(teaching.nearest_km) if teaching.nearest_km is not None else ""
    if teaching.within == 0:
        if not nearest:
            return f"Aucun établissement connu à moins de {radius} km"
        return f"Aucun établissement à moins de {radius} km ; le plus proche {nearest}"
    schools = "1 établissement" if teaching.within == 1 else f"{teaching.within} établissements"
    return f"{schools} à moins de {radius} km, le plus proche {nearest}"
