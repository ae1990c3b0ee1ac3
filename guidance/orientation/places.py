"""Places a visitor types: a commune name (with or without accents, hyphens, "st"/"saint"), a postal code or a
département name, understood as communes, a département and a région (`communes/`, Code officiel géographique 2026).

Public interface:
- `parse_place(text) -> PlaceMatch | None`: the whole `text` as a place.
- `split_place(q, *, rest_finds=None, is_training_text=None) -> PlaceSplit`: the words of a query and the place
  it ends or starts with.
- `place_rank(place, postal_code, town, departement_code) -> int`: 0 same postal code, 1 same commune, 2 same
  département, 3 elsewhere
  (`guidance.search.engine.search_schools(..., use_place=True)` orders schools with it).
- `commune_by_code(insee) -> CommunePlace | None`, `communes_named(text) -> CommuneChoice | None` (a postal code
  or a name typed as a place to centre on: the most populous commune first) and `nearest_commune(lat, lon)`:
  the place a page centres its distances on (`guidance.web.place`).

Homonymous communes (there are 10 "Saint-Martin"…): the most populous is understood, and `PlaceMatch.homonyms`
says how many others share the name, so a page can say so.
"""

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from guidance.catalog.geo import bounding_box, haversine_km
from guidance.catalog.labels import fold
from guidance.inserjeunes.territories import DEPARTEMENTS, REGIONS

_POSTAL_RE = re.compile(r"^(?:[0-8][0-9]|9[0-8])[0-9]{3}$")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MAX_PLACE_WORDS = 5  # longest commune names people type ("saint georges de luzencon" is 4 words)


def place_key(text: str) -> str:
    """The form names are compared in: folded, hyphens and apostrophes as spaces, "st" → "saint"."""
    tokens = re.findall(r"[0-9a-z]+", fold(text))
    return " ".join(_ABBREVIATIONS.get(token, token) for token in tokens)


@dataclass(frozen=True, slots=True)
class CommunePlace:
    insee_code: str
    name: str
    departement_code: str  # catalogue form, 3 characters ("031")
    region_code: str
    postal_codes: tuple[str, ...]
    population: int | None
    latitude: float | None = None  # the commune's point (`geo/communes_positions.csv`), None when unknown
    longitude: float | None = None

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def departement_name(self) -> str:
        return DEPARTEMENTS.get(self.departement_code, ("",))[0]


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """What a visitor's place was understood as. `communes` is empty for a département typed by name."""

    kind: str  # "commune", "postal_code" or "departement"
    typed: str  # the words of the query taken as the place, as typed
    communes: tuple[CommunePlace, ...]
    departement_code: str
    region_code: str
    postal_code: str = ""
    homonyms: int = 0  # other communes of the same name, not understood

    @property
    def departement_name(self) -> str:
        return DEPARTEMENTS.get(self.departement_code, ("",))[0]

    @property
    def region_name(self) -> str:
        return REGIONS.get(self.region_code, "")

    @property
    def name(self) -> str:
        """ "Millau", "31000 Toulouse", "12100 Comprégnac, Creissels, Millau…", or the département's name."""
        if self.kind == "departement":
            return self.departement_name
        names = [commune.name for commune in self.communes]
        if self.kind == "postal_code":
            shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
            return f"{self.postal_code} {shown}"
        return names[0]

    @property
    def label(self) -> str:
        """ "Millau (Aveyron, Occitanie)"."""
        if self.kind == "departement":
            return f"{self.departement_name} ({self.region_name})"
        return f"{self.name} ({self.departement_name}, {self.region_name})"

    @property
    def region_sentence(self) -> str:
        """What a page says when it narrows to the place's région (French, for visitors)."""
        return f"Recherche limitée à la région {self.region_name} (lieu compris : {self.label})."

    @property
    def departement_sentence(self) -> str:
        """What the school search says when it lists a place's schools (French, for visitors)."""
        if self.kind == "departement":
            return f"Recherche limitée au département {self.departement_name} (lieu compris : {self.label})."
        return (
            f"Recherche limitée au département {self.departement_name}, les établissements de {self.name} "
            f"d’abord (lieu compris : {self.label})."
        )

    @property
    def homonyms_sentence(self) -> str:
        if not self.homonyms:
            return ""
        other = "autre commune porte" if self.homonyms == 1 else "autres communes portent"
        return f"{self.homonyms} {other} ce nom ; la plus peuplée a été retenue. Précisez le code postal au besoin."

    @property
    def postal_codes(self) -> frozenset[str]:
        if self.kind == "postal_code":
            return frozenset({self.postal_code})
        return frozenset(code for commune in self.communes for code in commune.postal_codes)

    @property
    def town_keys(self) -> frozenset[str]:
        return frozenset(place_key(commune.name) for commune in self.communes)


@dataclass(frozen=True, slots=True)
class PlaceSplit:
    words: str  # the query without the place words
    place: PlaceMatch | None


@dataclass(frozen=True, slots=True)
class CommuneChoice:
    """What a typed place names, to centre on one commune: `communes[0]` (the most populous), the others offered."""

    kind: str  # "postal_code" or "commune"
    typed: str
    communes: tuple[CommunePlace, ...]

    @property
    def centre(self) -> CommunePlace:
        return self.communes[0]

    @property
    def others(self) -> tuple[CommunePlace, ...]:
        return self.communes[1:]


class _Index:
    def __init__(self, communes: list[CommunePlace]) -> None:
        self.by_name: dict[str, list[CommunePlace]] = {}
        self.by_postal: dict[str, list[CommunePlace]] = {}
        self.by_code = {commune.insee_code: commune for commune in communes}
        for commune in communes:
            self.by_name.setdefault(place_key(commune.name), []).append(commune)
            for code in commune.postal_codes:
                self.by_postal.setdefault(code, []).append(commune)
        for found in self.by_name.values():
            found.sort(key=lambda c: (-(c.population or 0), c.insee_code))
        for found in self.by_postal.values():
            found.sort(key=lambda c: (c.name, c.insee_code))
        self.departements = {place_key(name): code for code, (name, *_) in DEPARTEMENTS.items()}


@lru_cache(maxsize=1)
def _index_for(version: object) -> _Index:
    from guidance.orientation.models import Commune

    rows = Commune.objects.values_list(
        "insee_code", "name", "departement_code", "region_code", "postal_codes", "population", "latitude", "longitude"
    )
    return _Index(
        [
            CommunePlace(c, n, d, r, tuple(p), population, lat, lon)
            for c, n, d, r, p, population, lat, lon in rows.iterator(chunk_size=5000)
        ]
    )


_checked: dict[str, Any] = {"at": -10.0, "version": None}


def _index() -> _Index:
    from django.db.models import Count

    from guidance.orientation.models import Commune

    now = time.monotonic()
    if _checked["version"] is None or now - _checked["at"] > 10.0:
        _checked.update(at=now, version=Commune.objects.aggregate(n=Count("pk"))["n"])
    return _index_for(_checked["version"])


def forget_index() -> None:
    _checked["version"] = None
    _index_for.cache_clear()


def parse_place(text: str) -> PlaceMatch | None:
    """`text` as a whole understood as a postal code, a commune or a département name; None when it is not one.

    A postal code gives every commune that has it (sorted by name), placed in the département and région of the
    first one (a postal code almost never crosses a département line). A name gives the most populous commune of
    that name; a département's name ("aveyron") gives the département.
    """
    typed = (text or "").strip()
    key = place_key(typed)
    if not key:
        return None
    index = _index()
    if _POSTAL_RE.match(key):
        communes = index.by_postal.get(key)
        if not communes:
            return None
        first = communes[0]
        return PlaceMatch("postal_code", typed, tuple(communes), first.departement_code, first.region_code, key)
    communes = index.by_name.get(key)
    if communes:
        best = communes[0]
        return PlaceMatch(
            "commune", typed, (best,), best.departement_code, best.region_code, homonyms=len(communes) - 1
        )
    departement = index.departements.get(key)
    if departement:
        return PlaceMatch("departement", typed, (), departement, DEPARTEMENTS[departement][2])
    return None


def _most_populous(communes: list[CommunePlace]) -> tuple[CommunePlace, ...]:
    return tuple(sorted(communes, key=lambda c: (-(c.population or 0), c.name, c.insee_code)))


def commune_by_code(insee_code: str) -> CommunePlace | None:
    """The commune (or municipal arrondissement) of an INSEE code, None when the catalogue has none."""
    return _index().by_code.get((insee_code or "").strip().upper())


def communes_named(text: str) -> CommuneChoice | None:
    """The communes a typed place names, most populous first: a postal code anywhere in it ("12100", "Millau
    12100") gives the communes that have it (the one whose name is typed too first), else the whole text as a
    commune name gives its homonyms. None for anything else (a département's name included: no centre to take).

    Five digits are a postal code, never an INSEE code: 12100 is Millau's postal code and Firmi's INSEE code.
    """
    typed = (text or "").strip()
    index = _index()
    tokens = place_key(typed).split()
    postal = next((token for token in tokens if _POSTAL_RE.match(token)), None)
    if postal is not None:
        communes = _most_populous(index.by_postal.get(postal, []))
        if not communes:
            return None
        named = place_key(" ".join(token for token in tokens if token != postal))
        first = [c for c in communes if named and place_key(c.name) == named]
        return CommuneChoice("postal_code", typed, (*first, *(c for c in communes if c not in first)))
    communes = _most_populous(index.by_name.get(" ".join(tokens), []))
    return CommuneChoice("commune", typed, communes) if communes else None


def nearest_commune(latitude: float, longitude: float, within_km: float = 20.0) -> CommunePlace | None:
    """The commune whose point is nearest to (latitude, longitude), looked for within `within_km`; None beyond
    (at sea, abroad). A bounding box on the indexed points, then exact distances."""
    from guidance.orientation.models import Commune

    box = bounding_box(latitude, longitude, within_km)
    rows = Commune.objects.filter(
        latitude__range=(box.min_lat, box.max_lat), longitude__range=(box.min_lon, box.max_lon)
    ).values_list("insee_code", "latitude", "longitude")
    found = [
        (haversine_km(latitude, longitude, lat, lon), code)
        for code, lat, lon in rows
        if lat is not None and lon is not None  # the box filter excludes nulls: this is for the type checker
    ]
    found = [(distance, code) for distance, code in found if distance <= within_km]
    return commune_by_code(min(found)[1]) if found else None


def split_place(q: str, *, rest_finds=None, is_training_text=None) -> PlaceSplit:
    """The query's words and the place it names, e.g. "cuisine millau" → ("cuisine", Millau).

    The rule, so that "vente" or "commerce" stay training words even if a commune had that name:
    1. a postal code anywhere is a place;
    2. otherwise the longest run of words (up to 5) at the end, then at the start, of the query that is a commune
       or a département name is a place when the other words are not empty, `rest_finds(other words)` is true
       (they still find something) and `is_training_text(place words)` is false (the place words are not
       themselves words of a training);
    3. a query that is only a place name, and not training words, is a place with no words.
    By default every run that names a place is taken (`rest_finds` true, `is_training_text` false).
    """
    tokens = (q or "").split()
    if not tokens:
        return PlaceSplit("", None)
    finds = rest_finds or (lambda text: True)
    training = is_training_text or (lambda text: False)
    for position, token in enumerate(tokens):
        if _POSTAL_RE.match(token):
            place = parse_place(token)
            if place:
                return PlaceSplit(" ".join(tokens[:position] + tokens[position + 1 :]), place)
    for size in range(min(MAX_PLACE_WORDS, len(tokens) - 1), 0, -1):
        for place_tokens, rest in ((tokens[-size:], tokens[:-size]), (tokens[:size], tokens[size:])):
            typed = " ".join(place_tokens)
            place = parse_place(typed)
            if place and not training(typed) and finds(" ".join(rest)):
                return PlaceSplit(" ".join(rest), place)
    if len(tokens) <= MAX_PLACE_WORDS:
        place = parse_place(q)
        if place and not training(q.strip()):
            return PlaceSplit("", place)
    return PlaceSplit(q.strip(), None)


def place_rank(place: PlaceMatch, postal_code: str, town: str, departement_code: str) -> int:
    """0: the postal code typed (or one of the commune's); 1: the commune by its name (a school whose postal
    code is a CEDEX one); 2: the département (schools without a known commune are placed by their département);
    3: elsewhere."""
    if place.kind != "departement":
        if postal_code and postal_code in place.postal_codes:
            return 0
        if town and place_key(town) in place.town_keys:
            return 1
    return 2 if departement_code == place.departement_code else 3
