"""Figures of the school pages: per school × training (with the region → France fallback) and the DEPP
school-level indicators.

The views hand these functions catalogue rows; every upstream question of a page is asked in at most two
`get_many` batches (school + region first, France only for what is still missing), duplicates merged.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from guidance.catalog.models import Formation, Offer, Population, School, SchoolIndicators, Voie
from guidance.indicators.service import IndicatorResult, Question, get_many
from guidance.inserjeunes.codes import (
    Certification,
    InvalidCode,
    Millesime,
    Region,
    Uai,
    parse_cfd,
    parse_mefstat11,
    region_from_code,
)
from guidance.web.presenters import (
    SHARE_LABELS,
    SOURCE_LABEL,
    FigureChain,
    FigurePanel,
    MissingCause,
    ScopeKind,
    Share,
    SourceLine,
    missing,
    present,
    present_chain,
)

VOIE_LABELS = dict(Voie.choices)


def school_region(school: School) -> Region | None:
    try:
        return region_from_code(school.region_code)
    except InvalidCode:
        return None


def certification_for(formation: Formation, voie: str, mefstat11: str = "") -> Certification | None:
    """The InserJeunes key of a training in a voie: the final-year MEFSTAT11 (scolaire) or the CFD (apprentissage).

    For the voie scolaire, the offer's own MEFSTAT11 wins; else the formation's first final-year one (needs
    `mefs` prefetched to stay query-free). None when the catalogue knows no final year for that voie.
    """
    # Catalogue codes come from files: parse them before they reach an upstream URL (a malformed one is skipped).
    if voie == Voie.APPRENTISSAGE:
        return _valid(parse_cfd, formation.cfd)
    if mefstat11 and (cert := _valid(parse_mefstat11, mefstat11)):
        return cert
    scolaire = [cert for cert_voie, cert in formation.certifications() if cert_voie == Voie.SCOLAIRE]
    return next((cert for cert in scolaire if _valid(parse_mefstat11, cert.code)), None)


def _valid(parser, code: str) -> Certification | None:
    try:
        return parser(code)
    except InvalidCode:
        return None


def is_new_formation(formation: Formation, today: datetime.date | None = None) -> bool:
    """Opened too recently for a first cohort to have finished and been followed for six months."""
    if formation.opened_on is None:
        return False
    today = today or timezone.localdate()
    years = (formation.duration_years or 2) + 1
    return (today - formation.opened_on).days < 365 * years


@dataclass(frozen=True)
class Triple:
    """The three questions about one training in one school; `region`/`france` may be None."""

    school: Question
    region: Question | None
    france: Question


@dataclass(frozen=True)
class TripleResults:
    school: IndicatorResult
    region: IndicatorResult | None
    france: IndicatorResult | None


def triple(uai: Uai, cert: Certification, region: Region | None) -> Triple:
    return Triple(
        school=Question.school(uai, cert),
        region=Question.regional(cert, region) if region else None,
        france=Question.national(cert),
    )


def fetch(triples: Sequence[Triple], *, always_france: bool = False) -> list[TripleResults]:
    """Results for each triple, in order. France is only asked when neither the school nor the region has figures
    (unless `always_france`), so a page asks at most one question per figure it shows."""
    first = list(
        dict.fromkeys(q for t in triples for q in (t.school, t.region, t.france if always_france else None) if q)
    )
    answers = dict(zip(first, get_many(first), strict=True))
    needs_france = [
        t.france
        for t in triples
        if t.france not in answers and not answers[t.school].ok and not (t.region and answers[t.region].ok)
    ]
    second = list(dict.fromkeys(needs_france))
    answers.update(zip(second, get_many(second), strict=True) if second else ())
    return [
        TripleResults(
            school=answers[t.school],
            region=answers.get(t.region) if t.region else None,
            france=answers.get(t.france),
        )
        for t in triples
    ]


def chain_for(
    results: TripleResults, *, school: School, region: Region | None, voie: str, new: bool = False
) -> FigureChain:
    """School figure, else the region's, else France's: the presenter labels the fallback."""
    links = [(results.school, school.display_name, ScopeKind.SCHOOL)]
    if results.region is not None and region is not None:
        links.append((results.region, region.nom, ScopeKind.REGION))
    if results.france is not None:
        links.append((results.france, "France", ScopeKind.FRANCE))
    return present_chain(links, voie=VOIE_LABELS.get(voie, ""), is_new_formation=new)


def no_code_chain(school: School, voie: str) -> FigureChain:
    """For a training whose final year the catalogue does not know in that voie: nothing to ask the source."""
    panel = FigurePanel(
        scope=school.display_name,
        scope_kind=ScopeKind.SCHOOL,
        voie=VOIE_LABELS.get(voie, ""),
        millesime=None,
        cohort=None,
        leavers=None,
        in_study=None,
        missing=missing(MissingCause.UNKNOWN),
        source=SourceLine(label=SOURCE_LABEL, millesime_label="", fetched_at=None, is_stale=False),
    )
    return FigureChain(asked=panel)


@dataclass(frozen=True)
class OfferRow:
    """One training offered by a school, with the figure shown for it."""

    formation: Formation
    voie: str
    voie_label: str
    chain: FigureChain

    @property
    def panel(self) -> FigurePanel:
        return self.chain.shown

    @property
    def employment_rate(self) -> int | None:
        return self._share("emploi")

    @property
    def study_rate(self) -> int | None:
        return self._share("formation")

    def _share(self, key: str) -> int | None:
        return next((share.rate for share in self.panel.shares if share.key == key), None)


def offer_rows(school: School, offers: Iterable[Offer]) -> list[OfferRow]:
    """A row per offer (formations and their `mefs` prefetched), figures fetched together."""
    region = school_region(school)
    uai = Uai(school.uai)
    offers = list(offers)
    # A seconde commune has no cohort of its own: its figures are those of each speciality (formation page).
    certs = [
        None if o.formation.is_seconde_commune else certification_for(o.formation, o.voie, o.mefstat11) for o in offers
    ]
    asked = [(offer, triple(uai, cert, region)) for offer, cert in zip(offers, certs, strict=True) if cert]
    results = dict(zip((offer.pk for offer, _ in asked), fetch([t for _, t in asked]), strict=True))
    rows = []
    for offer in offers:
        if offer.pk in results:
            chain = chain_for(
                results[offer.pk], school=school, region=region, voie=offer.voie, new=is_new_formation(offer.formation)
            )
        else:
            chain = no_code_chain(school, offer.voie)
        rows.append(OfferRow(offer.formation, offer.voie, VOIE_LABELS.get(offer.voie, ""), chain))
    return rows


# --- DEPP school-level indicators ------------------------------------------------------------------------------

POPULATION_ORDER = {Population.ENSEMBLE: 0, Population.SCOLAIRE: 1, Population.APPRENTIS: 2}


@dataclass(frozen=True)
class IndicatorRow:
    millesime: str
    population_label: str
    row: SchoolIndicators

    @property
    def millesime_label(self) -> str:
        return Millesime(self.millesime).label

    @property
    def value_added_sentence(self) -> str:
        return value_added_sentence(self.row)

    @property
    def value_added_label(self) -> str:
        return "—" if self.row.value_added is None else _signed(self.row.value_added)


def _signed(value: float) -> str:
    """+4, −7 (a real minus sign), 0."""
    number = round(value)
    return "0" if number == 0 else f"{'+' if number > 0 else '−'}{abs(number)}"


def _points(value: float) -> str:
    return f"{_signed(value)}\u00a0point{'s' if abs(round(value)) > 1 else ''}"


def _pct(value: float) -> str:
    return f"{round(value)}\u202f%"


def value_added_sentence(row: SchoolIndicators) -> str:
    """The DEPP value added in one plain sentence, with the numbers of the row ("" when they are missing)."""
    if row.employment_rate_6m is None or row.expected_rate is None:
        return ""
    value_added = row.value_added if row.value_added is not None else row.employment_rate_6m - row.expected_rate
    comparison = "plus que" if round(value_added) > 0 else "moins que" if round(value_added) < 0 else "autant que"
    return (
        f"Six mois après leur sortie, {_pct(row.employment_rate_6m)} des jeunes sortis de l’établissement "
        f"avaient un emploi, contre {_pct(row.expected_rate)} attendus pour des jeunes de même profil (âge, sexe, "
        f"formation suivie, origine sociale) dans une zone d’emploi comparable : c’est {comparison} prévu, "
        f"soit une valeur ajoutée de {_points(value_added)}."
    )


def indicator_rows(indicators: Iterable[SchoolIndicators]) -> list[IndicatorRow]:
    """Newest millésime first; within one, the whole school first, then pupils, then apprentices."""
    rows = sorted(
        indicators,
        key=lambda ind: (-Millesime(ind.millesime).last_year, POPULATION_ORDER.get(ind.population, 9)),
    )
    return [IndicatorRow(ind.millesime, ind.get_population_display(), ind) for ind in rows]


def headline_indicator(rows: Sequence[IndicatorRow]) -> IndicatorRow | None:
    """The row the page opens with: the newest millésime, whole school when there is such a row."""
    return rows[0] if rows else None


def present_one(result: IndicatorResult, *, scope: str, kind: ScopeKind, voie: str, new: bool) -> FigurePanel:
    return present(result, scope=scope, scope_kind=kind, voie=VOIE_LABELS.get(voie, ""), is_new_formation=new)


# --- Where a school's figures come from (apprentissage: lieu de formation / formateur / gestionnaire) ----------

UAI_TYPE_LABELS = {
    "lieu_formation": "le lieu de formation",
    "formateur": "l’organisme formateur",
    "gestionnaire": "l’organisme gestionnaire",
}


@dataclass(frozen=True)
class UaiMention:
    uai: str
    school: School | None  # when the catalogue knows it (to link its page)

    @property
    def name(self) -> str:
        return self.school.display_name if self.school else ""


@dataclass(frozen=True)
class Provenance:
    """What the source says about which organisation the school's figures describe."""

    data_type_label: str  # "le lieu de formation"…; "" when the source does not say
    data_uai: UaiMention | None  # the organisation whose figures these are, when another one than the school
    lieux: tuple[UaiMention, ...]
    formateurs: tuple[UaiMention, ...]
    gestionnaires: tuple[UaiMention, ...]
    other_name: str  # libelle_etablissement when the figures come from another organisation

    @property
    def is_other_organisation(self) -> bool:
        return self.data_uai is not None


def provenance(figures, known: dict[str, School]) -> Provenance | None:
    """From SchoolFigures (or None): which organisation the figures describe, the related UAIs named when known."""
    if figures is None or not hasattr(figures, "uai_donnee_type"):
        return None

    def mentions(uais: Iterable[str]) -> tuple[UaiMention, ...]:
        return tuple(UaiMention(uai, known.get(uai)) for uai in uais)

    data_type = figures.uai_donnee_type.value if figures.uai_donnee_type else ""
    return Provenance(
        data_type_label=UAI_TYPE_LABELS.get(data_type, ""),
        data_uai=UaiMention(figures.uai_donnee, known.get(figures.uai_donnee))
        if figures.figures_from_other_uai
        else None,
        lieux=mentions(figures.uai_lieu_formation),
        formateurs=mentions(figures.uai_formateur),
        gestionnaires=mentions(figures.uai_gestionnaire),
        other_name=(figures.libelle_etablissement or "") if figures.figures_from_other_uai else "",
    )


def related_uais(figures_list: Iterable) -> set[str]:
    uais: set[str] = set()
    for figures in figures_list:
        if figures is None or not hasattr(figures, "uai_donnee_type"):
            continue
        uais.update(figures.uai_lieu_formation, figures.uai_formateur, figures.uai_gestionnaire)
        if figures.uai_donnee:
            uais.add(figures.uai_donnee)
    return uais


DEPP_SOURCE = "InserJeunes, indicateurs par établissement (ministère de l’Éducation nationale – DEPP)"


def depp_shares(row: SchoolIndicators) -> tuple[Share, ...]:
    """The three shares of a DEPP row, as the shared figure template draws them (x and width in a 0–100 box)."""
    shares, x = [], 0.0
    for key, value in (
        ("emploi", row.share_in_employment),
        ("formation", row.share_in_study),
        ("autres", row.share_other),
    ):
        rate = None if value is None else round(value)
        width = max(0.0, min(float(rate or 0), 100.0 - x))  # shares rounded apart may add up to 101
        label, explanation = SHARE_LABELS[key]
        shares.append(Share(key, label, explanation, rate, None, x, width))
        x += width
    return tuple(shares)


def depp_panel(row: IndicatorRow, school: School) -> FigurePanel:
    """A DEPP school-level row as a figure panel (shares + source line), for the shared templates."""
    ind = row.row
    has_shares = any(v is not None for v in (ind.share_in_employment, ind.share_in_study, ind.share_other))
    return FigurePanel(
        scope=school.display_name,
        scope_kind=ScopeKind.SCHOOL,
        voie=row.population_label,
        millesime=Millesime(ind.millesime),
        cohort=ind.cohort_size,
        leavers=None,
        in_study=None,
        shares=depp_shares(ind) if has_shares else (),
        missing=None if has_shares else missing(MissingCause.NO_DATA),
        source=SourceLine(
            label=DEPP_SOURCE,
            millesime_label=Millesime(ind.millesime).label,
            fetched_at=None,
            is_stale=False,
        ),
    )
