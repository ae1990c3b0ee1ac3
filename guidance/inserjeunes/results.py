"""Frozen dataclasses of every InserJeunes answer (`parsing.py` builds them from the JSON bodies).

Two kinds of "no figure" must never be confused (see docs/inserjeunes-api.md, "null vs absent"):

- a field that is **null** in a small cohort means *too few learners* (fewer than 20 in the final year): the value
  is `None` and the field name is *not* in `absent_fields`;
- a field that is **missing** means *cannot be computed*: the value is `None` and the name *is* in
  `absent_fields`. So does a **null** where the cohort is not small (the filières view nulls the counts a
  certification lacks, and the rates built on them): too few learners cannot be why.

Templates test `"taux_en_emploi_6_mois" in figures.absent_fields`, or use `figures.too_few_learners`.
Small cohorts are detected from `nb_annee_term < 20`, never from `_meta` messages; salaries are then hidden by
the parser (the API does not null them).

The parsers of `guidance.inserjeunes.parsing` raise `PayloadError` when a body does not have the documented shape;
the client turns that into `Unavailable(MALFORMED)`. So do figures that cannot be: a rate outside 0-100, a count
below 0, a part above its whole (`parsing.check_figures`): an impossible figure is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from guidance.inserjeunes.codes import Filiere

SMALL_COHORT_THRESHOLD = 20

COUNT_FIELDS: tuple[str, ...] = (
    "nb_annee_term",
    "nb_poursuite_etudes",
    "nb_sortant",
    "nb_diplome",
    "nb_en_emploi_6_mois",
    "nb_en_emploi_12_mois",
    "nb_en_emploi_18_mois",
    "nb_en_emploi_24_mois",
)
RATE_FIELDS: tuple[str, ...] = (
    "taux_en_emploi_6_mois",
    "taux_en_emploi_12_mois",
    "taux_en_emploi_18_mois",
    "taux_en_emploi_24_mois",
    "taux_en_formation",
    "taux_autres_6_mois",
    "taux_autres_12_mois",
    "taux_autres_18_mois",
    "taux_autres_24_mois",
    "taux_rupture_contrats",
)
SALARY_FIELDS: tuple[str, ...] = ("salaire_12_mois_q1", "salaire_12_mois_q2", "salaire_12_mois_q3")
FIGURE_FIELDS: tuple[str, ...] = COUNT_FIELDS + RATE_FIELDS + SALARY_FIELDS

Number = int | float


class PayloadError(ValueError):
    """A JSON body that does not have the documented shape."""


class DonneeSourceType(StrEnum):
    SELF = "self"
    ANCIENNE = "ancienne"  # figures carried over from the previous version of a renamed diploma
    NOUVELLE = "nouvelle"  # figures carried over from the next version
    # Not an upstream value: a type this client does not know, on figures that come from another code. The figures
    # are kept (they are the answer); only the direction of the carry-over is unknown.
    OTHER = "other"


class UaiType(StrEnum):
    LIEU_FORMATION = "lieu_formation"
    FORMATEUR = "formateur"
    GESTIONNAIRE = "gestionnaire"
    INCONNU = "inconnu"


@dataclass(frozen=True, kw_only=True)
class InserSupMeta:
    """`_meta.insersup` of an InserSup record, when the answer carries it: how the SIES classes the diploma. Upstream
    stores it with its records (`importCertificationsSupStats.js`, `importFormationsSupStats.js`); its display rules
    (`stats.js transformDisplayStat`) drop the stored `_meta` from v1.35's answers, so it may well be absent."""

    type_diplome: str = ""  # "licence_pro", "Master LMD"…
    domaine: str = ""  # domaine disciplinaire ("DEG")
    discipline: str = ""
    secteur: str = ""  # secteur disciplinaire


@dataclass(frozen=True, kw_only=True)
class Meta:
    """`_meta` as the API sends it: `{titre, details}`, `messages` only when there is one (no `date_import`);
    `insersup` for InserSup records that carry it."""

    titre: str = ""
    details: str = ""
    messages: tuple[str, ...] = ()
    insersup: InserSupMeta | None = None


@dataclass(frozen=True, kw_only=True)
class DonneeSource:
    code_certification: str
    type: DonneeSourceType

    @property
    def is_carried_over(self) -> bool:
        """True when the figures come from another version of the diploma (say so on the page)."""
        return self.type is not DonneeSourceType.SELF


@dataclass(frozen=True, kw_only=True)
class FamilleMetier:
    code: str
    libelle: str
    is_annee_commune: bool


@dataclass(frozen=True, kw_only=True)
class Diplome:
    code: str
    libelle: str


@dataclass(frozen=True, kw_only=True)
class _Territory:
    code: str
    nom: str


class RegionRef(_Territory):
    """A region as an answer names it."""


class AcademieRef(_Territory):
    """An académie as an answer names it."""


@dataclass(frozen=True, kw_only=True)
class _Stats:
    """Counts, rates and salaries shared by every answer: a number or None each (see the module docstring)."""

    nb_annee_term: Number | None = None
    nb_poursuite_etudes: Number | None = None
    nb_sortant: Number | None = None
    nb_diplome: Number | None = None
    nb_en_emploi_6_mois: Number | None = None
    nb_en_emploi_12_mois: Number | None = None
    nb_en_emploi_18_mois: Number | None = None
    nb_en_emploi_24_mois: Number | None = None
    taux_en_emploi_6_mois: Number | None = None
    taux_en_emploi_12_mois: Number | None = None
    taux_en_emploi_18_mois: Number | None = None
    taux_en_emploi_24_mois: Number | None = None
    taux_en_formation: Number | None = None
    taux_autres_6_mois: Number | None = None
    taux_autres_12_mois: Number | None = None
    taux_autres_18_mois: Number | None = None
    taux_autres_24_mois: Number | None = None
    taux_rupture_contrats: Number | None = None
    salaire_12_mois_q1: Number | None = None
    salaire_12_mois_q2: Number | None = None
    salaire_12_mois_q3: Number | None = None
    # Figure fields missing from the body: "cannot be computed" (as opposed to None = too few learners).
    absent_fields: frozenset[str] = frozenset()
    meta: Meta = field(default_factory=Meta)

    @property
    def too_few_learners(self) -> bool:
        """Fewer than 20 learners in the final year: rates, counts and salaries are not shown."""
        return self.nb_annee_term is not None and self.nb_annee_term < SMALL_COHORT_THRESHOLD

    @property
    def has_salaries(self) -> bool:
        return not self.too_few_learners and self.salaire_12_mois_q2 is not None

    def is_absent(self, name: str) -> bool:
        return name in self.absent_fields


@dataclass(frozen=True, kw_only=True)
class TerminalError:
    """An entry of `certificationsTerminales` for which the upstream has no figures."""

    code_certification: str
    error: str  # the API's error name (`ErrorNoDataForMillesime`…); "" for a bare reference (older answers)
    millesimes: tuple[str, ...] = ()
    libelle: str = ""  # the speciality's name when the entry gives one

    is_error = True


@dataclass(frozen=True, kw_only=True)
class CertificationFigures(_Stats):
    """National figures for one certification (`/certifications/{code}`); base of regional and school ones."""

    millesime: str  # a year or a period: a replica may label a sum of regions with their period
    code_certification: str
    filiere: str  # as sent (`pro`, `agricole`, `apprentissage`, `superieur`); see `filiere_kind`
    code_formation_diplome: str | None = None
    libelle: str = ""
    libelle_ancien: str | None = None
    diplome: Diplome | None = None
    date_fermeture: str | None = None
    formation_fermee: bool = False
    donnee_source: DonneeSource | None = None
    famille_metier: FamilleMetier | None = None
    # Seconde commune or non-final year: one entry per final-year speciality (figures or an error entry).
    certifications_terminales: tuple[CertificationFigures | TerminalError, ...] = ()

    is_error = False

    @property
    def filiere_kind(self) -> Filiere | None:
        """The filière as a `codes.Filiere` (`AGRICOLE` for agricultural trainings), None for one we do not know."""
        try:
            return Filiere(self.filiere)
        except ValueError:
            return None

    @property
    def has_terminales(self) -> bool:
        return bool(self.certifications_terminales)

    @property
    def is_annee_commune(self) -> bool:
        return self.famille_metier is not None and self.famille_metier.is_annee_commune


@dataclass(frozen=True, kw_only=True)
class RegionalFigures(CertificationFigures):
    """Figures for one certification in one region (`/regionales/{region}/certifications/{code}`)."""

    region: RegionRef | None = None


@dataclass(frozen=True, kw_only=True)
class SchoolFigures(CertificationFigures):
    """Figures for one certification in one school (`/formations/{uai}-{code}`).

    For apprentissage, `uai_donnee_type` tells where the figures come from (place of training, formateur,
    gestionnaire); `figures_from_other_uai` is True when that is another organisation than the school asked.
    """

    uai: str
    libelle_etablissement: str | None = None
    region: RegionRef | None = None
    academie: AcademieRef | None = None
    uai_type: UaiType | None = None
    uai_donnee: str | None = None
    uai_donnee_type: UaiType | None = None
    uai_lieu_formation: tuple[str, ...] = ()
    uai_formateur: tuple[str, ...] = ()
    uai_gestionnaire: tuple[str, ...] = ()

    @property
    def figures_from_other_uai(self) -> bool:
        return bool(self.uai_donnee) and self.uai_donnee != self.uai


@dataclass(frozen=True, kw_only=True)
class FiliereFigures(_Stats):
    """One voie of a filières view: counts summed over the certifications sharing the CFDs, rates redone."""

    filiere: str
    millesime: str
    codes_certifications: tuple[str, ...] = ()
    codes_formation_diplome: tuple[str, ...] = ()
    code_formation_diplome: str | None = None  # only when a single CFD is involved
    libelle: str | None = None  # idem
    libelle_ancien: str | None = None
    diplome: Diplome | None = None
    date_fermeture: str | None = None
    formation_fermee: bool | None = None  # None when several CFDs are involved
    region: RegionRef | None = None


@dataclass(frozen=True, kw_only=True)
class FilieresFigures:
    """A filières view: `pro` (voie scolaire) and `apprentissage` side by side; either may be None."""

    pro: FiliereFigures | None = None
    apprentissage: FiliereFigures | None = None

    @property
    def voies(self) -> tuple[tuple[str, FiliereFigures | None], ...]:
        """(label, figures) pairs in a stable order, for templates that show both columns."""
        return (("Voie scolaire", self.pro), ("Apprentissage", self.apprentissage))

    @property
    def millesime(self) -> str | None:
        present = self.pro or self.apprentissage
        return present.millesime if present else None

    @property
    def region(self) -> RegionRef | None:
        present = self.pro or self.apprentissage
        return present.region if present else None


@dataclass(frozen=True, kw_only=True)
class RegionalList:
    """One page of a region's list (`/regionales/{region}`): every certification's regional figures."""

    items: tuple[RegionalFigures, ...]
    page: int
    nombre_de_page: int
    total: int


Figures = CertificationFigures | RegionalFigures | SchoolFigures | FilieresFigures | RegionalList


@dataclass(frozen=True, kw_only=True)
class Page:
    """One page of an authenticated list route."""

    items: tuple[dict[str, Any], ...]
    page: int
    items_par_page: int
    nombre_de_page: int
    total: int
