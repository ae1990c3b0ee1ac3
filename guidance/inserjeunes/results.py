"""Frozen dataclasses of every InserJeunes answer, and the parsers that build them from the JSON bodies.

Two kinds of "no figure" must never be confused (see docs/inserjeunes-api.md, "null vs absent"):

- a field that is **null** means *too few learners* (fewer than 20 in the final year): the value is `None`
  and the field name is *not* in `absent_fields`;
- a field that is **missing** means *cannot be computed*: the value is `None` and the name *is* in
  `absent_fields`.

Templates test `"taux_en_emploi_6_mois" in figures.absent_fields`, or use `figures.too_few_learners`.
Small cohorts are detected from `nb_annee_term < 20`, never from `_meta` messages; salaries are then hidden by
the parser (the API does not null them).

The parsers raise `PayloadError` when a body does not have the documented shape; the client turns that into
`Unavailable(MALFORMED)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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


class UaiType(StrEnum):
    LIEU_FORMATION = "lieu_formation"
    FORMATEUR = "formateur"
    GESTIONNAIRE = "gestionnaire"
    INCONNU = "inconnu"


@dataclass(frozen=True, kw_only=True)
class Meta:
    titre: str = ""
    details: str = ""
    messages: tuple[str, ...] = ()
    date_import: str | None = None


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
class RegionRef:
    code: str
    nom: str


@dataclass(frozen=True, kw_only=True)
class AcademieRef:
    code: str
    nom: str


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

    def is_hidden(self, name: str) -> bool:
        """Null because of a small cohort (not absent)."""
        return getattr(self, name) is None and name not in self.absent_fields


@dataclass(frozen=True, kw_only=True)
class TerminalError:
    """An entry of `certificationsTerminales` for which the upstream has no figures."""

    code_certification: str
    error: str
    millesimes: tuple[str, ...] = ()

    is_error = True


@dataclass(frozen=True, kw_only=True)
class CertificationFigures(_Stats):
    """National figures for one certification (`/certifications/{code}`); base of regional and school ones."""

    millesime: str
    code_certification: str
    filiere: str
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


Figures = CertificationFigures | RegionalFigures | SchoolFigures | FilieresFigures


@dataclass(frozen=True, kw_only=True)
class Page:
    """One page of an authenticated list route."""

    items: tuple[dict[str, Any], ...]
    page: int
    items_par_page: int
    nombre_de_page: int
    total: int


# --- Parsers --------------------------------------------------------------------------------


def _obj(data: object, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise PayloadError(f"{what}: object expected, got {type(data).__name__}")
    return data


def _str(data: dict, key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise PayloadError(f"missing {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PayloadError(f"{key}: string expected")
    return str(value)


def _strs(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PayloadError(f"{key}: list of strings expected")
    return tuple(value)


def _stats_kwargs(data: dict) -> dict[str, Any]:
    values: dict[str, Any] = {}
    absent = set()
    for name in FIGURE_FIELDS:
        if name not in data:
            absent.add(name)
            values[name] = None
            continue
        value = data[name]
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise PayloadError(f"{name}: number or null expected")
        values[name] = value
    nb = values["nb_annee_term"]
    if nb is not None and nb < SMALL_COHORT_THRESHOLD:
        for name in SALARY_FIELDS:  # the API leaves them; a small cohort's salaries are not reliable either
            values[name] = None
    values["absent_fields"] = frozenset(absent)
    values["meta"] = _meta(data.get("_meta"))
    return values


def _meta(data: object) -> Meta:
    if data is None:
        return Meta()
    data = _obj(data, "_meta")
    messages = data.get("messages") or []
    if not isinstance(messages, list):
        raise PayloadError("_meta.messages: list expected")
    return Meta(
        titre=str(data.get("titre") or data.get("title") or ""),
        details=str(data.get("details") or data.get("description") or ""),
        messages=tuple(str(m) for m in messages),
        date_import=_str(data, "date_import"),
    )


def _ref(data: object, cls):
    if data is None:
        return None
    data = _obj(data, cls.__name__)
    return cls(code=_str(data, "code", required=True), nom=_str(data, "nom") or "")


def _uai_type(value: object) -> UaiType | None:
    if value is None:
        return None
    try:
        return UaiType(value)
    except ValueError:
        return UaiType.INCONNU


def _certification_kwargs(data: dict) -> dict[str, Any]:
    kwargs = _stats_kwargs(data)
    diplome = data.get("diplome")
    source = data.get("donnee_source")
    famille = data.get("familleMetier")
    if source is not None:
        source = _obj(source, "donnee_source")
        try:
            source_type = DonneeSourceType(source.get("type", "self"))
        except ValueError:
            raise PayloadError("donnee_source.type unknown") from None
        source = DonneeSource(
            code_certification=_str(source, "code_certification") or str(data.get("code_certification")),
            type=source_type,
        )
    if famille is not None:
        famille = _obj(famille, "familleMetier")
        famille = FamilleMetier(
            code=_str(famille, "code") or "",
            libelle=_str(famille, "libelle") or "",
            is_annee_commune=bool(famille.get("isAnneeCommune")),
        )
    terminales = data.get("certificationsTerminales")
    terminales = [] if terminales is None else terminales
    if not isinstance(terminales, list):
        raise PayloadError("certificationsTerminales: list expected")
    kwargs.update(
        millesime=_str(data, "millesime", required=True),
        code_certification=_str(data, "code_certification", required=True),
        filiere=_str(data, "filiere", required=True),
        code_formation_diplome=_str(data, "code_formation_diplome"),
        libelle=_str(data, "libelle") or "",
        libelle_ancien=_str(data, "libelle_ancien"),
        diplome=Diplome(**{k: str(_obj(diplome, "diplome").get(k) or "") for k in ("code", "libelle")})
        if diplome
        else None,
        date_fermeture=_str(data, "date_fermeture"),
        formation_fermee=bool(data.get("formation_fermee")),
        donnee_source=source,
        famille_metier=famille,
        certifications_terminales=tuple(_terminal(entry) for entry in terminales),
    )
    return kwargs


def _terminal(data: object) -> CertificationFigures | TerminalError:
    data = _obj(data, "certificationsTerminales[]")
    if "error" in data or "millesime" not in data:
        return TerminalError(
            code_certification=_str(data, "code_certification", required=True),
            error=str(data.get("error") or ""),
            millesimes=_strs(data, "millesimes"),
        )
    return parse_certification(data)


def parse_certification(data: object) -> CertificationFigures:
    return CertificationFigures(**_certification_kwargs(_obj(data, "certification")))


def parse_regional(data: object) -> RegionalFigures:
    data = _obj(data, "regionale")
    return RegionalFigures(**_certification_kwargs(data), region=_ref(data.get("region"), RegionRef))


def parse_school(data: object) -> SchoolFigures:
    data = _obj(data, "formation")
    return SchoolFigures(
        **_certification_kwargs(data),
        uai=_str(data, "uai", required=True),
        libelle_etablissement=_str(data, "libelle_etablissement"),
        region=_ref(data.get("region"), RegionRef),
        academie=_ref(data.get("academie"), AcademieRef),
        uai_type=_uai_type(data.get("uai_type")),
        uai_donnee=_str(data, "uai_donnee"),
        uai_donnee_type=_uai_type(data.get("uai_donnee_type")),
        uai_lieu_formation=_strs(data, "uai_lieu_formation"),
        uai_formateur=_strs(data, "uai_formateur"),
        uai_gestionnaire=_strs(data, "uai_gestionnaire"),
    )


def _filiere(data: object, name: str) -> FiliereFigures:
    data = _obj(data, name)
    diplome = data.get("diplome")
    return FiliereFigures(
        **_stats_kwargs(data),
        filiere=_str(data, "filiere") or name,
        millesime=_str(data, "millesime", required=True),
        codes_certifications=_strs(data, "codes_certifications"),
        codes_formation_diplome=_strs(data, "codes_formation_diplome"),
        code_formation_diplome=_str(data, "code_formation_diplome"),
        libelle=_str(data, "libelle"),
        libelle_ancien=_str(data, "libelle_ancien"),
        diplome=Diplome(**{k: str(_obj(diplome, "diplome").get(k) or "") for k in ("code", "libelle")})
        if diplome
        else None,
        date_fermeture=_str(data, "date_fermeture"),
        formation_fermee=fermee if isinstance(fermee := data.get("formation_fermee"), bool) else None,
        region=_ref(data.get("region"), RegionRef),
    )


def parse_filieres(data: object) -> FilieresFigures:
    data = _obj(data, "filieres")
    if not data or not set(data) <= {"pro", "apprentissage", "agricole", "superieur"}:
        raise PayloadError("filières view: keys pro/apprentissage expected")
    return FilieresFigures(
        pro=_filiere(data["pro"], "pro") if data.get("pro") else None,
        apprentissage=_filiere(data["apprentissage"], "apprentissage") if data.get("apprentissage") else None,
    )


def parse_page(data: object, items_key: str) -> Page:
    data = _obj(data, "page")
    items = data.get(items_key)
    pagination = _obj(data.get("pagination"), "pagination")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise PayloadError(f"{items_key}: list of objects expected")
    try:
        return Page(
            items=tuple(items),
            page=int(pagination.get("page", 1)),
            items_par_page=int(pagination.get("items_par_page") or pagination.get("resultats_par_page") or len(items)),
            nombre_de_page=int(pagination.get("nombre_de_page", 1)),
            total=int(pagination.get("total", len(items))),
        )
    except (TypeError, ValueError):
        raise PayloadError("pagination: integers expected") from None
