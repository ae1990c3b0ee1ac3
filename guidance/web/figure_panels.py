"""The frozen values the figure templates read (`templates/includes/figures/`), and the French wording of each
missing-data cause. Built by `guidance.web.presenters`; re-exported there, import them from either.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from guidance.inserjeunes.codes import Millesime

SOURCE_LABEL = "InserJeunes (ministère de l’Éducation nationale – DEPP, ministère du Travail – DARES)"
HORIZONS = (6, 12, 18, 24)


class ScopeKind(StrEnum):
    SCHOOL = "school"
    REGION = "region"
    FRANCE = "france"


class MissingCause(StrEnum):
    """Why a figure is not shown. Each cause has its own message (`MESSAGES`)."""

    SMALL_COHORT = "small_cohort"
    NO_DATA_FOR_MILLESIME = "no_data_for_millesime"
    UNKNOWN = "unknown"  # the source does not know this training (or this school)
    NEW_FORMATION = "new_formation"  # a training too recent to have a cohort that finished
    NO_DATA = "no_data"
    UNAVAILABLE = "unavailable"


MESSAGES: dict[MissingCause, tuple[str, str]] = {
    MissingCause.SMALL_COHORT: (
        "Moins de 20 jeunes : chiffres non publiés",
        "Moins de 20 jeunes étaient en dernière année. Sur un si petit groupe, les pourcentages ne seraient pas "
        "fiables et pourraient permettre de reconnaître quelqu’un : ils ne sont donc pas publiés.",
    ),
    MissingCause.NO_DATA_FOR_MILLESIME: (
        "Pas de chiffres pour cette promotion",
        "La source ne publie pas de chiffres pour cette promotion. Vous pouvez consulter une autre promotion.",
    ),
    MissingCause.UNKNOWN: (
        "Formation non suivie par la source",
        "InserJeunes ne suit pas cette formation à cet endroit : aucun chiffre n’existe pour elle.",
    ),
    MissingCause.NEW_FORMATION: (
        "Formation trop récente",
        "Cette formation est récente : aucune promotion ne l’a encore terminée, il n’y a donc pas encore de chiffres.",
    ),
    MissingCause.NO_DATA: (
        "Pas de chiffres disponibles",
        "La source n’a pas de chiffres pour cette formation à cet endroit.",
    ),
    MissingCause.UNAVAILABLE: (
        "Chiffres momentanément indisponibles",
        "Nous n’arrivons pas à joindre la source des chiffres pour le moment. Réessayez dans quelques minutes.",
    ),
}

SHARE_LABELS: dict[str, tuple[str, str]] = {
    "emploi": (
        "En emploi",
        "Salarié ou salariée dans le privé ou le public (hors indépendants), 6 mois après la sortie.",
    ),
    "formation": (
        "En formation",
        "Continue ses études ou une autre formation (y compris en apprentissage) l’année suivante.",
    ),
    "autres": (
        "Autres situations",
        "Ni en emploi salarié ni en formation : en recherche d’emploi, indépendant, à l’étranger, inactif…",
    ),
}


@dataclass(frozen=True)
class MillesimeLink:
    value: str
    label: str
    is_current: bool = False


@dataclass(frozen=True)
class Missing:
    cause: MissingCause
    title: str
    text: str
    millesimes: tuple[MillesimeLink, ...] = ()  # offered instead (no data for the millésime asked)
    cohort: int | None = None  # known for small cohorts

    @property
    def is_error(self) -> bool:
        return self.cause is MissingCause.UNAVAILABLE


@dataclass(frozen=True)
class Share:
    """One of the three 6-month shares, with its SVG geometry (x, width in a 0–100 viewBox)."""

    key: str
    label: str
    explanation: str
    rate: int | None
    count: int | None
    x: float
    width: float


@dataclass(frozen=True)
class Horizon:
    months: int
    employment_rate: int | None
    employment_count: int | None
    other_rate: int | None
    not_yet_measured: bool = False  # the source cannot compute it (yet): not the same as a hidden figure


@dataclass(frozen=True)
class Salaries:
    q1: int | None
    median: int
    q3: int | None


@dataclass(frozen=True)
class SourceLine:
    label: str
    millesime_label: str
    fetched_at: datetime.datetime | None
    is_stale: bool
    notes: tuple[str, ...] = ()  # the source's own remarks about these figures (`_meta.messages`)


@dataclass(frozen=True)
class CarriedOver:
    """The figures belong to another version of the diploma (renamed): say so."""

    code: str
    is_former: bool  # True: from the former diploma; False: from the new one


@dataclass(frozen=True)
class FigurePanel:
    scope: str  # "France", a region name or a school name
    scope_kind: ScopeKind
    voie: str  # "Voie scolaire", "Apprentissage" or ""
    millesime: Millesime | None
    cohort: int | None  # nb_annee_term
    leavers: int | None  # nb_sortant
    in_study: int | None  # nb_poursuite_etudes
    shares: tuple[Share, ...] = ()
    horizons: tuple[Horizon, ...] = ()
    salaries: Salaries | None = None
    contract_breaks: int | None = None  # taux_rupture_contrats (apprentissage)
    missing: Missing | None = None
    source: SourceLine | None = None
    carried_over: CarriedOver | None = None
    is_closed: bool = False
    terminales: tuple[FigurePanel, ...] = ()  # seconde commune: one panel per speciality
    speciality: str = ""  # label of this speciality when it is one of `terminales`
    speciality_code: str = ""  # its certification code
    speciality_url: str = ""  # its formation page, when the catalogue knows it
    millesimes: tuple[MillesimeLink, ...] = ()  # every millésime the source has for this question
    absent: frozenset[str] = field(default_factory=frozenset)  # figures the source cannot compute

    @property
    def has_figures(self) -> bool:
        return self.missing is None and bool(self.shares)

    @property
    def has_any_figures(self) -> bool:
        """Figures of its own, or of at least one of its specialities (seconde commune)."""
        return self.has_figures or any(sub.has_figures for sub in self.terminales)

    @property
    def millesime_label(self) -> str:
        return self.millesime.label if self.millesime else ""

    @property
    def scope_is_france(self) -> bool:
        return self.scope_kind is ScopeKind.FRANCE


@dataclass(frozen=True)
class FigureChain:
    """The figure asked (`asked`) and, when it has none, the nearest real one (`fallback`), labelled."""

    asked: FigurePanel
    fallback: FigurePanel | None = None

    @property
    def shown(self) -> FigurePanel:
        return self.fallback or self.asked

    @property
    def is_fallback(self) -> bool:
        return self.fallback is not None


@dataclass(frozen=True)
class EvolutionCell:
    employment_rate: int | None
    study_rate: int | None
    cohort: int | None
    missing: str  # a short reason when there is no figure ("moins de 20 jeunes", "pas de chiffres")


@dataclass(frozen=True)
class EvolutionRow:
    millesime: str
    cells: tuple[EvolutionCell, ...]


@dataclass(frozen=True)
class Evolution:
    columns: tuple[str, ...]
    rows: tuple[EvolutionRow, ...]
    source: str = SOURCE_LABEL

    @property
    def has_figures(self) -> bool:
        return any(cell.employment_rate is not None for row in self.rows for cell in row.cells)
