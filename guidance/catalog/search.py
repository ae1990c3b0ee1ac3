"""Search of the catalogue: formations by words, schools by name / town / postal code / département / UAI.

Public interface (the page views call exactly this):
- `search_formations(q, *, niveau=None, voie=None, domaine=None, region=None) -> FormationResults`
- `search_schools(q, *, region=None, kind=None, sector=None) -> SchoolResults`
- filter choices present in the catalogue: `level_choices()`, `field_choices()`, `voie_choices()`,
  `kind_choices()`, `sector_choices()`, `region_choices()`.

Results behave like a read-only sequence of model instances in relevance order: `len()`, `.count`, slicing,
`.page(number, per_page)`, so Django's Paginator accepts them.

How: the query is parsed once in Python (`query.py`: accents folded, singular forms, diploma acronyms, typo
corrections from the catalogue's own vocabulary); the database only finds candidates through its full-text index
(SQLite FTS5, PostgreSQL tsvector + unaccent, see `backends.py`); candidates are then scored in Python
(`scoring.py`), so the order is the same on both databases.
"""

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import Q

from guidance.catalog.backends import match_ids
from guidance.catalog.models import (
    Formation,
    Level,
    Offer,
    School,
    SchoolKind,
    Sector,
    Voie,
)
from guidance.catalog.query import parse_formation_query, parse_school_query
from guidance.catalog.scoring import FormationCandidate, SchoolCandidate, rank_formations, rank_schools
from guidance.inserjeunes.territories import REGIONS

__all__ = [
    "FormationResults",
    "SchoolResults",
    "field_choices",
    "kind_choices",
    "level_choices",
    "region_choices",
    "search_formations",
    "search_schools",
    "sector_choices",
    "voie_choices",
]


class _Results(Sequence):
    """Ids in relevance order; instances are loaded only for the slice asked for."""

    model = None
    select_related: tuple[str, ...] = ()

    def __init__(self, ids: list[int], query: str = "") -> None:
        self.ids = ids
        self.query = query

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def count(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._load(self.ids[index])
        return self._load([self.ids[index]])[0]

    def __iter__(self):
        # Load in chunks so iterating over everything stays a handful of queries.
        for start in range(0, len(self.ids), 500):
            yield from self._load(self.ids[start : start + 500])

    def _load(self, ids: list[int]) -> list:
        if not ids:
            return []
        queryset = self.model.objects.all()
        if self.select_related:  # select_related() without fields is deprecated (Django 6.1)
            queryset = queryset.select_related(*self.select_related)
        by_id = queryset.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def page(self, number, per_page: int = 20) -> Page:
        """A Django Page of instances; out-of-range numbers give the last page, junk gives the first."""
        return Paginator(self, per_page).get_page(number)


class FormationResults(_Results):
    model = Formation


class SchoolResults(_Results):
    model = School


def search_formations(
    q: str,
    *,
    niveau: str | None = None,
    voie: str | None = None,
    domaine: str | None = None,
    region: str | None = None,
) -> FormationResults:
    """Formations matching every word of `q` (all formations when `q` is blank), filtered, best first.

    `niveau` is a `Level` value ("3"…"8"), `voie` a `Voie` value, `domaine` an NSF group code, `region` an INSEE
    region code (the formation must have an offer there, in `voie` when given). Unknown filter values give no result.
    """
    queryset = Formation.objects.all()
    if niveau:
        queryset = queryset.filter(level=niveau)
    if domaine:
        queryset = queryset.filter(field_code=domaine)
    if voie and voie not in Voie.values:
        return FormationResults([], q)
    if region:
        offered = Offer.objects.filter(region_code=region)
        if voie:
            offered = offered.filter(voie=voie)
        queryset = queryset.filter(pk__in=offered.values("formation_id"))
    elif voie:
        # With no region, a formation exists in a voie when schools offer it so or figures exist for it.
        figures = Q(has_figures_scolaire=True) if voie == Voie.SCOLAIRE else Q(has_figures_apprentissage=True)
        offered = Offer.objects.filter(voie=voie).values("formation_id")
        queryset = queryset.filter(Q(pk__in=offered) | figures)

    parsed = parse_formation_query(q)
    if parsed.is_empty:
        ids = list(
            queryset.order_by("-has_figures", "-offer_count", "closed_on", "level", "label", "cfd").values_list(
                "pk", flat=True
            )
        )
        return FormationResults(ids, q)
    queryset = match_ids(queryset, "formation", parsed.expression)
    rows = queryset.values_list(
        "pk", "label", "search_text", "level", "has_figures", "closed_on", "offer_count", "diploma_type"
    )
    candidates = [FormationCandidate(*row) for row in rows]
    return FormationResults(rank_formations(candidates, parsed), q)


def search_schools(
    q: str, *, region: str | None = None, kind: str | None = None, sector: str | None = None
) -> SchoolResults:
    """Schools matching `q` by name, town, postal code, département (code or name) or UAI, filtered, best first.

    `region` is an INSEE region code, `kind` a `SchoolKind` value, `sector` a `Sector` value.
    """
    queryset = School.objects.all()
    if region:
        queryset = queryset.filter(region_code=region)
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(sector=sector)

    parsed = parse_school_query(q)
    if parsed.is_empty:
        ids = list(queryset.exclude(name="").order_by("name", "uai").values_list("pk", flat=True))
        return SchoolResults(ids, q)
    matched = match_ids(queryset, "school", parsed.expression)
    if parsed.uai:
        # A UAI typed whole is an exact lookup, even when the rest of the words would not match.
        matched = matched | queryset.filter(uai=parsed.uai)
    rows = matched.values_list("pk", "uai", "name", "town", "search_text", "kind")
    candidates = [SchoolCandidate(*row) for row in rows]
    return SchoolResults(rank_schools(candidates, parsed), q)


# --- Filter choices: only values present in the catalogue --------------------------------------------------------


def level_choices() -> list[tuple[str, str]]:
    present = set(Formation.objects.exclude(level="").values_list("level", flat=True).distinct())
    return [(value, label) for value, label in Level.choices if value in present]


def field_choices() -> list[tuple[str, str]]:
    rows = (
        Formation.objects.exclude(field_code="")
        .values_list("field_code", "field_label")
        .distinct()
        .order_by("field_label", "field_code")
    )
    seen: dict[str, str] = {}
    for code, label in rows:
        seen.setdefault(code, label or code)
    return sorted(seen.items(), key=lambda item: (item[1], item[0]))


def voie_choices() -> list[tuple[str, str]]:
    return list(Voie.choices)


def kind_choices() -> list[tuple[str, str]]:
    present = set(School.objects.values_list("kind", flat=True).distinct())
    return [(value, label) for value, label in SchoolKind.choices if value in present]


def sector_choices() -> list[tuple[str, str]]:
    present = set(School.objects.values_list("sector", flat=True).distinct())
    return [(value, label) for value, label in Sector.choices if value in present]


def region_choices() -> list[tuple[str, str]]:
    present = set(School.objects.exclude(region_code="").values_list("region_code", flat=True).distinct())
    return sorted(((code, REGIONS[code]) for code in present if code in REGIONS), key=lambda item: item[1])
