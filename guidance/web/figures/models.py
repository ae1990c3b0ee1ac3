"""The frozen values the figure templates read (`templates/includes/figures/`). Built by `figures.present`;
their French words come from `figures.wording`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from guidance.inserjeunes.codes import Millesime
from guidance.web.figures.wording import (
    AGRICOLE,
    COUNT_LABELS,
    SOURCE_LABEL,
    MissingCause,
    fallback_sentence,
    leavers_note,
    leavers_sentence,
    leavers_years,
)

HORIZONS = (6, 12, 18, 24)


class ScopeKind(StrEnum):
    SCHOOL = "school"
    REGION = "region"
    FRANCE = "france"


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

    @property
    def leavers(self) -> str:
        """ "Chiffres des jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)" (`wording`)."""
        return leavers_note(self.millesime_label)


@dataclass(frozen=True)
class CarriedOver:
    """The figures belong to another version of the diploma (renamed): say so."""

    code: str
    is_former: bool  # True: from the former diploma; False: from the new one (or, with `is_known` False, unknown)
    is_known: bool = True  # False: the source used a carry-over type this site does not know yet


@dataclass(frozen=True)
class FigurePanel:
    scope: str  # "France", a region name or a school name
    scope_kind: ScopeKind
    voie: str  # "Voie scolaire", "Apprentissage" or ""
    millesime: Millesime | None = None
    cohort: int | None = None  # nb_annee_term
    leavers: int | None = None  # nb_sortant
    in_study: int | None = None  # nb_poursuite_etudes
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
    filiere: str = ""  # the record's: "pro", "apprentissage", "agricole" ("" without a record)

    @property
    def is_agricole(self) -> bool:
        return self.filiere == AGRICOLE or any(sub.is_agricole for sub in self.terminales)

    @property
    def has_figures(self) -> bool:
        return self.missing is None and bool(self.shares)

    @property
    def has_any_figures(self) -> bool:
        """Figures of its own, or of at least one of its specialities (seconde commune)."""
        return self.has_figures or any(sub.has_figures for sub in self.terminales)

    @property
    def scope_is_france(self) -> bool:
        return self.scope_kind is ScopeKind.FRANCE

    @property
    def employment_rate(self) -> int | None:
        return self.share_rate("emploi")

    @property
    def study_rate(self) -> int | None:
        return self.share_rate("formation")

    def share_rate(self, key: str) -> int | None:
        """The rate of the share `key` ("emploi", "formation", ...), None when the source gives none."""
        return next((share.rate for share in self.shares if share.key == key), None)

    @property
    def counts(self) -> tuple[Count, ...]:
        """The counts the source gives under the figure, in the order of `wording.COUNT_LABELS`."""
        values = {
            "nb_annee_term": self.cohort,
            "nb_poursuite_etudes": self.in_study,
            "nb_sortant": self.leavers,
            "taux_rupture_contrats": self.contract_breaks,
        }
        return tuple(
            Count(key, label, value, is_percent=key.startswith("taux_"))
            for key, label in COUNT_LABELS
            if (value := values[key]) is not None
        )

    @property
    def millesime_label(self) -> str:
        return self.millesime.label if self.millesime else ""

    @property
    def leavers_sentence(self) -> str:
        """ "jeunes sortis en 2022 et 2023": which leavers the figure counts, from the record's own millésime."""
        return leavers_sentence(self.millesime)

    @property
    def leavers_years(self) -> str:
        """ "2022 et 2023" (a table cell under "Jeunes sortis en")."""
        return leavers_years(self.millesime)


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

    @property
    def fallback_note(self) -> str:
        """ "" when the figure shown is the one asked, else where it comes from (`wording.fallback_sentence`)."""
        if self.fallback is None:
            return ""
        return fallback_sentence(self.fallback.scope, is_france=self.fallback.scope_is_france)


@dataclass(frozen=True)
class EmbedEntry:
    """One voie (or cursus) of an embed or a badge: the chain shown by the compact layout and the badge (the place
    asked, or the nearest with figures), and the panels the page shows side by side (the full layout)."""

    label: str
    chain: FigureChain | None = None
    panels: tuple[FigurePanel, ...] = ()
    note: str = ""  # said instead of figures (a diploma with no code in this voie)


@dataclass(frozen=True)
class EvolutionCell:
    employment_rate: int | None
    study_rate: int | None
    cohort: int | None
    missing: str  # a short reason when there is no figure ("moins de 20 jeunes", "pas de chiffres")


@dataclass(frozen=True)
class EvolutionRow:
    millesime: str  # its label (`2022-2023`)
    cells: tuple[EvolutionCell, ...]

    @property
    def years(self) -> str:
        """ "2022 et 2023": the years of leaving the row counts."""
        return leavers_years(self.millesime)


@dataclass(frozen=True)
class Evolution:
    columns: tuple[str, ...]
    rows: tuple[EvolutionRow, ...]
    source: str = SOURCE_LABEL
    shared_cohorts: str = ""  # said when two successive rows count one same cohort (`wording.shared_cohorts_note`)

    @property
    def has_figures(self) -> bool:
        return any(cell.employment_rate is not None for row in self.rows for cell in row.cells)


class Count(NamedTuple):
    """One count under a figure (`FigurePanel.counts`)."""

    key: str  # the source's field (`nb_annee_term`…), for the page's data attributes
    label: str
    value: int
    is_percent: bool = False
