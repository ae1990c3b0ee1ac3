"""Is that rate good? A formation's regional figure among the same diploma type in the same region and voie.

Public interface:
- `regional_peers(region, millesime) -> tuple[PeerFigure, ...] | None`: every certification of a region with its
  own figures, from the API's authenticated list route `/regionales/{region}` (a few pages, asked through the
  indicators service like any figure: database cache, stale-if-error, single flight, circuit breaker, the page's
  deadline, and the page kept out of the page cache when they are unavailable). The compact peer list is kept in
  Django's cache for an hour when every page was fresh. None when the figures are unavailable.
- Every answer below is computed once per data generation in each process (`memo.per_generation`), not on each
  page: the lists, positions and alternatives change only when an import or a refresh moves the generation.
- `position(value, peer_values) -> Position`: pure: how many peers are lower, equal, higher.
- `position_for(code, region, voie, millesime, measure) -> PositionReading | None`: the sentence a page shows;
  `no_position_reason(...)` says in French why there is none.
- `latest_millesime(region) -> str | None`: the newest period the list route has for a region (its default).
- `sort_by_outcome(formations, region, voie, millesime, measure, minimum=None) -> list[RankedFormation]`.
- `alternatives(formation, region, voie, millesime, measure, kinds=None) -> Alternatives`: up to 5 better-placed
  formations, only of the BCN diploma codes `kinds` when given (after a CAP or a bac pro: those entered after the 3e).

Figures are the API's rates, whose denominator is the final-year learners (`nb_annee_term`): `taux_en_emploi_6_mois`
= in employment 6 months after / final-year learners, `taux_en_formation` = further study / final-year learners.
Only a certification's own figures count (`donnee_source.type == "self"`): the API also lends a renewed diploma
the figures of its former code, which would count the same learners twice.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from guidance.catalog.labels import DIPLOMA_TYPES
from guidance.catalog.models import Formation
from guidance.indicators import service, upstream
from guidance.indicators.memo import per_generation, unfresh
from guidance.indicators.questions import IndicatorResult, Question
from guidance.inserjeunes.codes import InvalidCode, parse_millesime, parse_region
from guidance.inserjeunes.results import RegionalFigures, RegionalList
from guidance.inserjeunes.territories import REGIONS
from guidance.pagecache import generations

MIN_PEERS = 10  # fewer peers with a figure than this: no position is said (a rank among 4 says nothing)
MIN_COHORT = 20  # the API's own threshold: below 20 final-year learners it publishes no rate
CACHE_TTL = 3_600  # the compact list; its source pages stay in the service's cache (INSERJEUNES_CACHE_TTL)
PAGE_SIZE = 500  # items per list page (~400 KB): a region's list is 1 to 4 pages
MAX_PAGES = 40  # a list announcing more pages than this is not read (it would hold a page for nothing)
MAX_ALTERNATIVES = 5
SOURCE = "InserJeunes (MENJ-DEPP, DARES)"
EMPLOYMENT = "taux_en_emploi_6_mois"  # the default measure
MEASURES = {
    "taux_en_emploi_6_mois": ("le taux d’emploi à 6 mois est publié", "emploi à 6 mois"),
    "taux_en_formation": ("la part en poursuite d’études est publiée", "poursuite d’études"),
}
# Better-placed formations exist, but none of the kinds a pupil of this one can enter instead (`alternatives`' kinds).
NO_ELIGIBLE_ALTERNATIVE = (
    "Aucune formation accessible après la 3e, du même domaine et du même niveau, n’a un chiffre plus haut ici."
)
_FILIERES = {"scolaire": "pro", "apprentissage": "apprentissage"}
_VOIE_WORDS = {"scolaire": "de la voie scolaire", "apprentissage": "en apprentissage"}


@dataclass(frozen=True, slots=True)
class PeerFigure:
    code: str  # code_certification: final-year MEFSTAT11 (voie scolaire) or CFD (apprentissage)
    cfd: str
    filiere: str  # the API's: "pro" (voie scolaire) or "apprentissage"
    diploma_type: str  # the API's diplome.libelle: "BAC PRO", "CAP", "BTS"…
    label: str
    nb_annee_term: int | None
    taux_en_emploi_6_mois: int | None
    taux_en_formation: int | None
    # The counts of the employment rate among leavers (`nb_en_emploi_6_mois / nb_sortant`, web.figures.peerword).
    nb_sortant: int | None = None
    nb_en_emploi_6_mois: int | None = None

    def value(self, measure: str) -> int | None:
        """The figure of `measure` (a key of `MEASURES`)."""
        return self.taux_en_formation if measure == "taux_en_formation" else self.taux_en_emploi_6_mois


def _check(measure: str, voie: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    if voie not in _FILIERES:
        raise ValueError(f"unknown voie {voie!r}")


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


def _pages(results: Iterable[IndicatorResult]) -> list[RegionalList] | None:
    """The list pages of `results`, None when one of them is unavailable."""
    pages = [r.figures for r in results if r.ok and isinstance(r.figures, RegionalList)]
    return pages if all(r.ok for r in results) else None


def _peer(item: RegionalFigures) -> PeerFigure:
    return PeerFigure(
        code=item.code_certification,
        cfd=item.code_formation_diplome or "",
        filiere=item.filiere,
        diploma_type=item.diplome.libelle if item.diplome else "",
        label=item.libelle,
        nb_annee_term=_whole(item.nb_annee_term),
        taux_en_emploi_6_mois=_whole(item.taux_en_emploi_6_mois),
        taux_en_formation=_whole(item.taux_en_formation),
        nb_sortant=_whole(item.nb_sortant),
        nb_en_emploi_6_mois=_whole(item.nb_en_emploi_6_mois),
    )


@per_generation(maxsize=64)
def regional_peers(region: str, millesime: str) -> tuple[PeerFigure, ...] | None:
    """Every certification of `region` (INSEE code) with its own figures for `millesime`; None when unavailable."""
    try:
        region_code, period = parse_region(region), parse_millesime(millesime)
    except InvalidCode:
        return None
    if not upstream.lists_available():  # a private route: without credentials, a refusal is all we would get
        return None
    # Under the data generation too: a refresh that changed a list page gives new peers at once, not within the hour.
    key = f"indicators:peers:{generations.current()}:{region_code.code}:{period}"
    cached: tuple[PeerFigure, ...] | None = cache.get(key)
    if cached is not None:
        return cached
    first = service.get(Question.regional_list(region_code, period, page_size=PAGE_SIZE))
    pages = _pages([first])
    if not pages:
        unfresh()  # unavailable: asked again next time
        return None
    if pages[0].nombre_de_page > MAX_PAGES:
        return None
    rest = [
        Question.regional_list(region_code, period, page=number, page_size=PAGE_SIZE)
        for number in range(2, pages[0].nombre_de_page + 1)
    ]
    results = [first, *service.get_many(rest)] if rest else [first]
    pages = _pages(results)
    if pages is None:
        unfresh()
        return None
    figures = tuple(
        _peer(item)
        for page in pages
        for item in page.items
        if item.millesime == str(period) and (item.donnee_source is None or item.donnee_source.type == "self")
    )
    if not any(r.is_stale for r in results):  # stale pages are being refreshed: ask the service again next time
        cache.set(key, figures, CACHE_TTL)
    else:
        unfresh()
    return figures


@per_generation(maxsize=64)
def latest_millesime(region: str) -> str | None:
    """The newest regional period the list route holds for `region` (its default when no millésime is asked: one
    item of one page is enough); None when the figures are unavailable or there are none there."""
    try:
        region_code = parse_region(region)
    except InvalidCode:
        return None
    if not upstream.lists_available():
        return None
    key = f"indicators:peers:latest:{generations.current()}:{region_code.code}"
    cached: str | None = cache.get(key)
    if cached is not None:
        return cached or None
    result = service.get(Question.regional_list(region_code, page_size=1))
    pages = _pages([result])
    if pages is None:
        unfresh()
        return None
    value = pages[0].items[0].millesime if pages[0].items else ""
    if not result.is_stale:
        cache.set(key, value, CACHE_TTL)
    else:
        unfresh()
    return value or None


@dataclass(frozen=True, slots=True)
class Position:
    value: int
    lower: int
    equal: int
    higher: int

    @property
    def total(self) -> int:
        return self.lower + self.equal + self.higher


def position(value: int, peer_values: Iterable[int | None]) -> Position:
    """Where `value` stands among `peer_values` (the figure itself left out by the caller); None values ignored."""
    values = [v for v in peer_values if v is not None]
    return Position(
        value,
        sum(1 for v in values if v < value),
        sum(1 for v in values if v == value),
        sum(1 for v in values if v > value),
    )


def _type_words(diploma_type: str) -> str:
    """ "BAC PRO" → "bac pro", "CAP" → "CAP": how the type reads inside a sentence."""
    label = DIPLOMA_TYPES.get(diploma_type, "")
    return label[:1].lower() + label[1:] if label[:1].isupper() and label[1:2].islower() else label


def region_words(region: str) -> str:
    """ "en Occitanie", "à La Réunion"."""
    name = REGIONS.get(region, region)
    return f"à {name}" if name.startswith("La ") else f"en {name}"


# What a position is computed on (the page writes the source line, with the leavers of the millésime).
POSITION_LIMITS = "taux calculés sur les inscrits en dernière année, comparés au sein de la région et de la voie"


@dataclass(frozen=True, slots=True)
class PositionReading:
    figure: PeerFigure
    measure: str
    position: Position
    region: str
    voie: str
    millesime: str

    @property
    def sentence(self) -> str:
        """ "Parmi les 74 autres bac pro de la voie scolaire en Occitanie dont le taux d’emploi à 6 mois est publié,
        6 ont un chiffre plus bas, 7 ont le même et 61 ont un chiffre plus haut (10 % ici)." """
        p = self.position
        what, _ = MEASURES[self.measure]
        kind = _type_words(self.figure.diploma_type) or "formations du même type"
        parts = [_count(p.lower, "un chiffre plus bas")]
        if p.equal:
            parts.append(_count(p.equal, "le même"))
        parts.append(_count(p.higher, "un chiffre plus haut"))
        counts = ", ".join(parts[:-1]) + " et " + parts[-1]
        return (
            f"Parmi les {p.total} autres {kind} {_VOIE_WORDS[self.voie]} {region_words(self.region)} "
            f"dont {what}, {counts} ({p.value} % ici)."
        )


def _count(count: int, what: str) -> str:
    """ "35 ont un chiffre plus bas", "1 a le même", "aucun n’a un chiffre plus haut"."""
    if count == 0:
        return f"aucun n’a {what}"
    return f"{count} {'a' if count == 1 else 'ont'} {what}"


def _same_group(figures: Iterable[PeerFigure], figure: PeerFigure) -> list[PeerFigure]:
    return [
        f for f in figures if f.filiere == figure.filiere and f.diploma_type == figure.diploma_type and f is not figure
    ]


@per_generation(maxsize=8192)
def position_for(
    code: str, region: str, voie: str, millesime: str, measure: str = EMPLOYMENT
) -> PositionReading | None:
    """The position of certification `code` among its peers; None when it has no figure, the API does not
    answer, or fewer than `MIN_PEERS` peers have the figure (the page then says nothing about the rank)."""
    _check(measure, voie)
    figures = regional_peers(region, millesime)
    if not figures:
        return None
    filiere = _FILIERES[voie]
    own = next((f for f in figures if f.code == code and f.filiere == filiere), None)
    own_value = own.value(measure) if own is not None else None
    if own is None or own_value is None:
        return None
    values = [v for f in _same_group(figures, own) if (v := f.value(measure)) is not None]
    if len(values) < MIN_PEERS:
        return None
    return PositionReading(own, measure, position(own_value, values), region, voie, millesime)


@per_generation(maxsize=8192)
def no_position_reason(code: str, region: str, voie: str, millesime: str, measure: str = EMPLOYMENT) -> str:
    """Why `position_for` gave None, in one French sentence for the page ("" when it gives a position)."""
    _check(measure, voie)
    figures = regional_peers(region, millesime)
    if figures is None:
        return "Les chiffres des autres formations de la région ne sont pas disponibles pour le moment."
    own = next((f for f in figures if f.code == code and f.filiere == _FILIERES[voie]), None)
    if own is None or own.value(measure) is None:
        return "Cette formation n’a pas de chiffre publié pour cette promotion dans la liste régionale."
    count = sum(1 for f in _same_group(figures, own) if f.value(measure) is not None)
    if count < MIN_PEERS:
        return (
            f"Trop peu de formations du même type ont un chiffre publié dans la région ({count}, il en faut au "
            f"moins {MIN_PEERS}) pour situer ce taux."
        )
    return ""


def _figure_of(formation: Formation, by_code: dict[str, PeerFigure], voie: str, measure: str) -> PeerFigure | None:
    """The formation's figure in `voie`: its CFD in apprentissage, its final-year MEFSTAT11 with the largest
    cohort among those with the figure in the voie scolaire."""
    codes = [cert.code for kind, cert in formation.certifications() if kind == voie]
    found = [by_code[code] for code in codes if code in by_code and by_code[code].value(measure) is not None]
    return max(found, key=lambda f: (f.nb_annee_term or 0, f.code), default=None)


@per_generation(maxsize=256)
def _by_code(region: str, voie: str, millesime: str) -> dict[str, PeerFigure] | None:
    figures = regional_peers(region, millesime)
    if figures is None:
        return None
    return {f.code: f for f in figures if f.filiere == _FILIERES[voie]}


@dataclass(frozen=True, slots=True)
class RankedFormation:
    formation: Formation
    figure: PeerFigure | None  # None: no regional figure in that voie and millésime


def sort_by_outcome(
    formations: Iterable[Formation],
    region: str,
    voie: str,
    millesime: str,
    measure: str = EMPLOYMENT,
    minimum: int | None = None,
) -> list[RankedFormation]:
    """`formations` by their regional figure, highest first, those without a figure last (in their given order);
    with `minimum`, only those whose figure is at least `minimum`. [] only when `formations` is empty; when the
    API does not answer, every formation comes back without a figure, in its given order."""
    _check(measure, voie)
    by_code = _by_code(region, voie, millesime) or {}
    ranked = [RankedFormation(f, _figure_of(f, by_code, voie, measure)) for f in formations]
    # (figure, cohort, rank) of those with a figure (`_figure_of` only gives figures that have the measure)
    scored = [(r.figure.value(measure) or 0, r.figure.nb_annee_term or 0, r) for r in ranked if r.figure is not None]
    if minimum is not None:
        scored = [entry for entry in scored if entry[0] >= minimum]
        ranked = []
    with_figures = [r for _, _, r in sorted(scored, key=lambda entry: (-entry[0], -entry[1]))]
    return with_figures + [r for r in ranked if r.figure is None]


@dataclass(frozen=True, slots=True)
class Alternatives:
    items: tuple[RankedFormation, ...]
    reference: PeerFigure | None  # the formation's own figure they beat
    reason: str = ""  # why there are none, for the page (French)


Kinds = frozenset[str] | None  # BCN diploma codes (`Formation.diploma_code`); None: any


def _formation_key(
    formation: Formation, region: str, voie: str, millesime: str, measure: str = EMPLOYMENT, kinds: Kinds = None
) -> tuple[object, ...]:
    """`alternatives`' memo key: every argument, defaults filled in, a formation by its identity."""
    return (formation.pk, formation.cfd, region, voie, millesime, measure, kinds)


@per_generation(maxsize=4096, key=_formation_key)
def alternatives(
    formation: Formation, region: str, voie: str, millesime: str, measure: str = EMPLOYMENT, kinds: Kinds = None
) -> Alternatives:
    """Up to 5 formations of the same NSF field and level whose regional figure (same millésime, voie, measure
    and denominator) is higher than `formation`'s, each with a cohort of at least `MIN_COHORT` learners; with
    `kinds`, only formations whose BCN diploma code (`Formation.diploma_code`) is one of them, chosen before the 5
    are kept (so that a CAP still gets 5 when its region has 5 it can follow). `kinds` is part of the memo key."""
    _check(measure, voie)
    by_code = _by_code(region, voie, millesime)
    if by_code is None:
        return Alternatives((), None, "Les chiffres régionaux ne sont pas disponibles pour le moment.")
    own = _figure_of(formation, by_code, voie, measure)
    own_value = own.value(measure) if own is not None else None
    if own is None or own_value is None:
        return Alternatives((), None, "Cette formation n’a pas de chiffre publié dans cette région et cette voie.")
    if not formation.field_code or not formation.level:
        return Alternatives((), own, "Le domaine ou le niveau de cette formation n’est pas connu.")
    same = (
        Formation.objects.filter(field_code=formation.field_code, level=formation.level)
        .exclude(pk=formation.pk)
        .prefetch_related("mefs")
    )
    better = [
        r
        for r in sort_by_outcome(same, region, voie, millesime, measure)
        if r.figure is not None
        and (r.figure.nb_annee_term or 0) >= MIN_COHORT
        and (r.figure.value(measure) or 0) > own_value
    ]
    if not better:
        return Alternatives((), own, "Aucune formation du même domaine et du même niveau n’a un chiffre plus haut ici.")
    eligible = [r for r in better if kinds is None or r.formation.diploma_code in kinds]
    if not eligible:
        return Alternatives((), own, NO_ELIGIBLE_ALTERNATIVE)
    return Alternatives(tuple(eligible[:MAX_ALTERNATIVES]), own)
