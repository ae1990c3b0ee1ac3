"""Search of the catalogue: formations by words, schools by name / town / postal code / département / UAI.

Public interface (the page views call exactly this):
- `search_formations(q, *, niveau=None, voie=None, domaine=None, region=None, use_place=False, around=None,
  include_closed=False, after_3e=False) -> FormationResults`: one result per diploma (`diplomas.py`: versions
  folded, closed ones out unless asked, adult titles after initial training)
- `search_schools(q, *, region=None, kind=None, sector=None, use_place=False, around=None) -> SchoolResults`
- `schools_near(place, parsed=None, queryset=None) -> list[int]`: school ids ordered by a `PlaceMatch`
- filter choices present in the catalogue: `level_choices()`, `field_choices()` (`fields.py`), `voie_choices()`,
  `kind_choices()`, `sector_choices()`, `region_choices()`.

Results behave like a read-only sequence of model instances in relevance order: `len()`, `.count`, slicing,
`.page(number, per_page)`, so Django's Paginator accepts them.

How: the query is parsed once in Python (`query.py`: accents folded, singular forms, diploma acronyms, typo
corrections from the catalogue's own vocabulary); the database only finds candidates through its full-text index
(SQLite FTS5, PostgreSQL tsvector + unaccent, see `backends.py`); candidates are then scored in Python
(`scoring.py`), so the order is the same on both databases.

Job words: the words are also looked up among the ROME job titles (`jobs.py`, over the tables of
`guidance.orientation`): "cariste" adds the diplomas Certif Info declares for the job, ranked with the diploma's
own words (see `scoring.JOB_WEIGHT`).
Places (`use_place=True`): a commune, postal code or département the query starts or ends with is understood
(`guidance.orientation.places.split_place`); formations are then narrowed to its région, schools ordered by it.
A school query naming a commune as typed ("lyon") lists the schools of that commune first (`_commune_first`).
The results say what was understood (`.place`, `.place_region`, `.words`) so a page can offer to widen.
Around a point (`around`, a `nearby.Around` the page resolved from `commune=` / `lieu=`): formations are narrowed
to those taught within the radius (`nearby.formations_taught_within`), schools to those within it, nearest first
(`nearby.schools_by_distance`).
"""

import json
from collections.abc import Iterator, Sequence
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from guidance.catalog.models import (
    CodeType,
    Formation,
    Level,
    Offer,
    School,
    SchoolKind,
    Sector,
    Voie,
)
from guidance.inserjeunes.territories import REGIONS
from guidance.orientation.places import PlaceMatch, place_rank, split_place
from guidance.search.backends import match_ids
from guidance.search.diplomas import AFTER_3E_DIPLOMA_CODES, Version, fold_versions, is_adult_title
from guidance.search.fields import field_choices, field_codes
from guidance.search.jobs import match_job_words
from guidance.search.levels import defer_unfollowed_higher_education, level_intent, prefer_levels, typed_levels
from guidance.search.nearby import Around, formations_taught_within, schools_by_distance
from guidance.search.query import ParsedQuery, parse_formation_query, parse_school_query
from guidance.search.scoring import FormationCandidate, SchoolCandidate, rank_formations, rank_schools
from guidance.search.text import DIPLOMA_TOKENS

__all__ = [
    "FormationResults",
    "SchoolResults",
    "field_choices",
    "field_codes",
    "kind_choices",
    "level_choices",
    "region_choices",
    "search_formations",
    "schools_near",
    "search_schools",
    "sector_choices",
    "voie_choices",
]


class _Results(Sequence[Any]):
    """Ids in relevance order; instances are loaded only for the slice asked for."""

    model: type[models.Model]
    select_related: tuple[str, ...] = ()

    def __init__(
        self,
        ids: list[int],
        query: str = "",
        *,
        words: str | None = None,
        place: PlaceMatch | None = None,
        place_region: str = "",
        job_titles: tuple[str, ...] = (),
    ) -> None:
        self.ids = ids
        self.query = query
        self.words = query if words is None else words  # the query without the place words
        self.place = place  # the place understood, None when none was (or `use_place` was off)
        self.place_region = place_region  # INSEE region the results were narrowed to because of `place`
        self.job_titles = job_titles  # ROME job titles the words named (a few), when they added diplomas

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def count(self) -> int:  # type: ignore[override]  # a number, like QuerySet.count() (Paginator reads either)
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._load(self.ids[index])
        return self._load([self.ids[index]])[0]

    def __iter__(self) -> Iterator[Any]:
        # Load in chunks so iterating over everything stays a handful of queries.
        for start in range(0, len(self.ids), 500):
            yield from self._load(self.ids[start : start + 500])

    def _load(self, ids: list[int]) -> list[Any]:
        if not ids:
            return []
        queryset = self.model._default_manager.all()
        if self.select_related:  # select_related() without fields is deprecated (Django 6.1)
            queryset = queryset.select_related(*self.select_related)
        by_id = queryset.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]

    def page(self, number: int | str | None, per_page: int = 20) -> Page[Any]:
        """A Django Page of instances; out-of-range numbers give the last page, junk gives the first."""
        return Paginator(self, per_page).get_page(number)


class FormationResults(_Results):
    model = Formation
    # {id shown: ids of its other versions}, closed diplomas left out, whether only closed ones matched (shown).
    others: dict[int, tuple[int, ...]] = {}
    closed_left_out: int = 0
    closed_fallback: bool = False


class SchoolResults(_Results):
    model = School


def _finds_formations(text: str) -> bool:
    intent = level_intent(text)
    if intent.only_a_level:
        return True
    parsed = parse_formation_query(intent.words)
    if parsed.is_empty:
        return False
    return match_ids(Formation.objects.all(), "formation", parsed.expression).exists() or bool(match_job_words(text))


def search_formations(
    q: str,
    *,
    niveau: str | None = None,
    voie: str | None = None,
    domaine: str | None = None,
    region: str | None = None,
    use_place: bool = False,
    around: Around | None = None,
    include_closed: bool = False,
    after_3e: bool = False,
) -> FormationResults:
    """Formations matching every word of `q` (all formations when `q` is blank), filtered, best first, one result
    per diploma (its versions folded, `diplomas.fold_versions`; `.others` the other versions of each).

    Diplomas no longer delivered are left out unless `include_closed` (or unless nothing else matches: then
    `.closed_fallback` says so); `after_3e` keeps the diplomas a pupil enters after the 3e (CAP, bac pro).

    `niveau` is a `Level` value ("3"…"8"), `voie` a `Voie` value, `domaine` an NSF group code, `region` an INSEE
    region code (the formation must have an offer there, in `voie` when given). Unknown filter values give no result.
    With `use_place`, a query that finds nothing as typed but ends or starts with a place whose other words find
    formations ("cuisine millau") is searched for those words, narrowed to the place's région when `region` is
    not given; the results' `.place` / `.place_region` / `.words` say so (`.words` is the query to widen with).
    """
    words, place = (q, None)
    # The words as typed come first: a query that finds formations has no place in it ("commerce vente" stays
    # two training words even where a commune is called so; diploma labels also hold town names).
    if use_place and not _finds_formations(q):
        split = split_place(q, rest_finds=_finds_formations)
        words, place = split.words, split.place
    place_region = ""
    if place is not None and not region:
        region = place_region = place.region_code
    context: dict[str, Any] = {"words": words, "place": place, "place_region": place_region}

    queryset = Formation.objects.all()
    if around is not None:
        queryset = queryset.filter(pk__in=formations_taught_within(around))
    if niveau:
        queryset = queryset.filter(level=niveau)
    if after_3e:
        queryset = queryset.filter(diploma_code__in=AFTER_3E_DIPLOMA_CODES)
    if domaine:  # a sub-domain ("22") or one NSF group ("221"), `search.fields`
        queryset = queryset.filter(field_code__startswith=domaine)
    if voie and voie not in Voie.values:
        return FormationResults([], q, **context)
    if region:
        offered = Offer.objects.filter(region_code=region)
        if voie:
            offered = offered.filter(voie=voie)
        queryset = queryset.filter(pk__in=offered.values("formation_id"))
    elif voie:
        # With no region, a formation exists in a voie when schools offer it so or figures exist for it.
        figures = Q(has_figures_scolaire=True) if voie == Voie.SCOLAIRE else Q(has_figures_apprentissage=True)
        in_voie = Offer.objects.filter(voie=voie).values("formation_id")
        queryset = queryset.filter(Q(pk__in=in_voie) | figures)

    # The level the words ask for ("bac+3", "licence", "master"): its diplomas first (`search.levels`).
    intent = level_intent(words)
    parsed = parse_formation_query(intent.words)
    levels = intent.levels | typed_levels(parsed)
    if parsed.is_empty:
        if intent.only_a_level:
            queryset = queryset.filter(level__in=intent.levels)
        ordered = queryset.order_by("-has_figures", "-offer_count", "closed_on", "level", "label", "cfd")
        # Every formation may be listed: its indexed text (large, unused without words) is not read.
        light = ordered.annotate(**_LINKS).values_list(*(name for name in _COLUMNS if name != "search_text"))
        rows = {row[0]: (*row[:2], "", *row[2:]) for row in light}
        return _folded(list(rows), rows, q, include_closed, context)
    matched = match_ids(queryset.annotate(**_LINKS), "formation", parsed.expression)
    rows = {row[0]: row for row in matched.values_list(*_COLUMNS)}
    job = match_job_words(intent.words)
    if job:
        # The diplomas leading to the job, kept to the diploma types typed ("cap plombier" → CAP only).
        typed_types = tuple(group for group in parsed.groups if group[0].word in DIPLOMA_TOKENS)
        leading = match_ids(queryset.filter(cfd__in=list(job.cfds)).annotate(**_LINKS), "formation", typed_types)
        rows.update((row[0], row) for row in leading.values_list(*_COLUMNS) if row[0] not in rows)
    candidates = [
        FormationCandidate(
            pk, label, text, level, figures_, closed_on, offers, diploma, job.cfds.get(cfd, 0.0), is_adult_title(code)
        )
        for pk, label, text, level, figures_, closed_on, offers, diploma, cfd, _type, code, *_ in rows.values()
    ]
    level_of = {row[0]: row[3] for row in rows.values()}
    followed = {row[0] for row in rows.values() if row[9] == CodeType.SISE or row[4]}
    ranked = prefer_levels(rank_formations(candidates, parsed), levels, level_of, followed)
    unfollowed = {row[0] for row in rows.values() if row[9] == CodeType.SISE and not row[4] and not row[6]}
    ranked = defer_unfollowed_higher_education(ranked, levels, unfollowed)
    return _folded(ranked, rows, q, include_closed, {**context, "job_titles": job.titles})


# Read by a formation search: scoring (`FormationCandidate`), then versions (`diplomas.Version`), whose links are
# read as JSON text and decoded only when not empty (decoding 2 × 16,000 lists slowed a blank search most).
_COLUMNS = (
    *("pk", "label", "search_text", "level", "has_figures", "closed_on", "offer_count", "diploma_type", "cfd"),
    *("code_type", "diploma_code", "opened_on", "former_text", "new_text"),
)
_LINKS = {"former_text": Cast("former_cfds", TextField()), "new_text": Cast("new_cfds", TextField())}


def _codes(text: str | None) -> list[str]:
    return json.loads(text) if text and text != "[]" else []


def _folded(ranked: list[int], rows: dict[int, tuple], q: str, include_closed: bool, context: dict) -> FormationResults:
    """The results with one id per diploma (`diplomas.fold_versions`); the closed ones when nothing else is left."""
    versions = {
        pk: Version(pk, row[8], row[1], row[3], row[11], row[5], (*_codes(row[12]), *_codes(row[13])))
        for pk, row in rows.items()
    }
    folded = fold_versions(ranked, versions, include_closed=include_closed)
    fallback = not folded.ids and folded.closed_left_out > 0
    if fallback:
        folded = fold_versions(ranked, versions, include_closed=True)
    results = FormationResults(folded.ids, q, **context)
    results.others, results.closed_left_out, results.closed_fallback = folded.others, folded.closed_left_out, fallback
    return results


def search_schools(
    q: str,
    *,
    region: str | None = None,
    kind: str | None = None,
    sector: str | None = None,
    use_place: bool = False,
    around: Around | None = None,
) -> SchoolResults:
    """Schools matching `q` by name, town, postal code, département (code or name) or UAI, filtered, best first.

    `region` is an INSEE region code, `kind` a `SchoolKind` value, `sector` a `Sector` value.
    With `use_place`, a postal code in `q` ("31000", "cfa 31000"), or a place in a query whose words match no
    school as typed ("boulangerie millau"), lists the schools of the département only, those of the commune /
    postal code first (a school without a known commune is placed by its département). A query that matches
    as typed ("lycée condorcet", "toulouse") is searched as before: school names hold town names.
    """
    queryset = School.objects.all()
    if region:
        queryset = queryset.filter(region_code=region)
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(sector=sector)

    if around is not None:
        return SchoolResults(_schools_around(around, queryset, parse_school_query(q)), q)
    place = None
    words = q
    if use_place:
        split = split_place(q, rest_finds=lambda text: _school_matches(queryset, parse_school_query(text)))
        if split.place is not None and (
            split.place.kind == "postal_code" or not _school_matches(queryset, parse_school_query(q))
        ):
            words, place = split.words, split.place
    parsed = parse_school_query(words)
    context: dict[str, Any] = {"words": words, "place": place}
    if place is not None:
        return SchoolResults(schools_near(place, parsed, queryset), q, **context)
    if parsed.is_empty:
        ids = list(queryset.exclude(name="").order_by("name", "uai").values_list("pk", flat=True))
        return SchoolResults(ids, q, **context)
    matched = match_ids(queryset, "school", parsed.expression)
    if parsed.uai:
        # A UAI typed whole is an exact lookup, even when the rest of the words would not match.
        matched = matched | queryset.filter(uai=parsed.uai)
    rows = matched.values_list("pk", "uai", "name", "town", "search_text", "kind", "postal_code", "departement_code")
    candidates = [SchoolCandidate(*row[:6]) for row in rows]
    if use_place:
        return SchoolResults(_commune_first(q, candidates, rows, parsed), q, **context)
    return SchoolResults(rank_schools(candidates, parsed), q, **context)


def _commune_first(q: str, candidates: list[SchoolCandidate], rows, parsed: ParsedQuery) -> list[int]:
    """Schools ranked, those of the commune the words name ("lyon", "lycée flesselles lyon") first: a school in
    Lyon is what "lyon" asks for, more than a CFA elsewhere named after the city. Within the commune the schools are
    ranked by the other words (their own name), the place words counting once whether in the name or the town."""
    split = split_place(q)
    place = split.place
    if place is None or place.kind != "commune":
        return rank_schools(candidates, parsed)
    inside = {row[0] for row in rows if place_rank(place, row[6], row[3], row[7]) <= 1}
    first = rank_schools([c for c in candidates if c.pk in inside], parse_school_query(split.words))
    return first + rank_schools([c for c in candidates if c.pk not in inside], parsed)


def _schools_around(around: Around, queryset: QuerySet[School], parsed: ParsedQuery) -> list[int]:
    """Ids of the schools within the radius (matching `parsed` when it has words), nearest first."""
    if not parsed.is_empty:
        matched = match_ids(queryset, "school", parsed.expression)
        queryset = matched | queryset.filter(uai=parsed.uai) if parsed.uai else matched
    return [pk for pk, _km in schools_by_distance(around, queryset)]


def _school_matches(queryset: QuerySet[School], parsed: ParsedQuery) -> bool:
    return not parsed.is_empty and match_ids(queryset, "school", parsed.expression).exists()


def schools_near(
    place: PlaceMatch, parsed: ParsedQuery | None = None, queryset: QuerySet[School] | None = None
) -> list[int]:
    """Ids of the schools of the place's département (matching `parsed`, the other words, when given): those of
    its postal code first, then of the commune by name, then the rest of the département, each by relevance."""
    parsed = parsed or parse_school_query("")
    queryset = (School.objects.all() if queryset is None else queryset).filter(departement_code=place.departement_code)
    if not parsed.is_empty:
        queryset = match_ids(queryset, "school", parsed.expression)
    rows = queryset.values_list("pk", "uai", "name", "town", "search_text", "kind", "postal_code", "departement_code")
    candidates = {row[0]: row for row in rows}
    order = rank_schools([SchoolCandidate(*row[:6]) for row in candidates.values()], parsed)
    position = {pk: index for index, pk in enumerate(order)}
    rank = {pk: place_rank(place, row[6], row[3], row[7]) for pk, row in candidates.items()}
    return sorted(order, key=lambda pk: (rank[pk], position[pk]))


# --- Filter choices: only values present in the catalogue --------------------------------------------------------


def level_choices() -> list[tuple[str, str]]:
    present = set(Formation.objects.exclude(level="").values_list("level", flat=True).distinct())
    return [(value, label) for value, label in Level.choices if value in present]


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
