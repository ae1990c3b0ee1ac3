"""Readers of the open-data files the replica serves from. Each returns plain Python structures.

Encodings and separators follow each folder's PROVENANCE.md: every CSV is `;`-separated; most are UTF-8 with or
without a BOM (`utf-8-sig` reads both), `bcn/nFormationDiplome_.csv` is cp1252, the apprenticeship catalogue is a zip
of one large JSON document. A missing file is not an error (the replica answers "no data" for what it lacks).
"""

import csv
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

logger = logging.getLogger(__name__)

COUNT_FIELDS = (
    "nb_annee_term",
    "nb_poursuite_etudes",
    "nb_sortant",
    "nb_en_emploi_6_mois",
    "nb_en_emploi_12_mois",
    "nb_en_emploi_18_mois",
    "nb_en_emploi_24_mois",
)

Counts = tuple[int | None, ...]  # in COUNT_FIELDS order


def read_csv(path: Path, *, encoding: str = "utf-8-sig") -> Iterator[dict[str, str]]:
    """Rows of a `;`-separated file as dicts of stripped strings (empty header cells keep their position)."""
    if not path.is_file():
        logger.warning("replica: open-data file missing: %s", path)
        return
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader, None)
        if header is None:
            return
        names = [(cell.strip() or f"_col{index}") for index, cell in enumerate(header)]
        for row in reader:
            yield {name: (row[index].strip() if index < len(row) else "") for index, name in enumerate(names)}


def to_int(raw: str | None) -> int | None:
    """`42`, `42.0` or `` → 42 / None. The open-data files write some counts as floats."""
    if raw is None:
        return None
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


def to_date(raw: str) -> date | None:
    """BCN dates are `dd/mm/yyyy`."""
    parts = raw.strip().split("/")
    if len(parts) != 3:
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def normalise_header(name: str) -> str:
    """`Nombre d'élèves en année terminale` → `nombre_d_eleves_en_annee_terminale` (accent-less, snake case)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")


# --- BCN -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiplomaRow:
    cfd: str
    libelle: str
    niveau: str
    date_fermeture: date | None
    anciens: tuple[str, ...]
    nouveaux: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MefRow:
    mefstat11: str
    mef: str
    cfd: str
    dispositif: str
    duree: int
    annee: int
    libelle: str
    date_fermeture: date | None


def load_diplomas(bcn_dir: Path) -> dict[str, DiplomaRow]:
    """CFD → diploma. V_FORMATION_DIPLOME is the superset; N_FORMATION_DIPLOME adds the former/new diplomas."""
    links: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    diplomas: dict[str, DiplomaRow] = {}
    for row in read_csv(bcn_dir / "nFormationDiplome_.csv", encoding="cp1252"):
        cfd = row["FORMATION_DIPLOME"]
        anciens = tuple(row[f"ANCIEN_DIPLOME_{n}"] for n in range(1, 8) if row.get(f"ANCIEN_DIPLOME_{n}"))
        nouveaux = tuple(row[f"NOUVEAU_DIPLOME_{n}"] for n in range(1, 8) if row.get(f"NOUVEAU_DIPLOME_{n}"))
        links[cfd] = (anciens, nouveaux)
        diplomas[cfd] = _diploma(row, anciens, nouveaux)
    for row in read_csv(bcn_dir / "vFormationDiplome_.csv"):
        cfd = row["FORMATION_DIPLOME"]
        anciens, nouveaux = links.get(cfd, ((), ()))
        diplomas[cfd] = _diploma(row, anciens, nouveaux)
    return diplomas


def _diploma(row: dict[str, str], anciens: tuple[str, ...], nouveaux: tuple[str, ...]) -> DiplomaRow:
    return DiplomaRow(
        cfd=row["FORMATION_DIPLOME"],
        libelle=row.get("LIBELLE_LONG_200") or row.get("LIBELLE_STAT_33") or "",
        niveau=row.get("NIVEAU_FORMATION_DIPLOME") or row["FORMATION_DIPLOME"][:3],
        date_fermeture=to_date(row.get("DATE_FERMETURE", "")),
        anciens=anciens,
        nouveaux=nouveaux,
    )


def load_niveaux(bcn_dir: Path) -> dict[str, str]:
    """Diploma level (first 3 chars of a CFD, e.g. `500`) → its short label (`CAP`), as the API names diplomas."""
    return {
        row["NIVEAU_FORMATION_DIPLOME"]: row["LIBELLE_COURT"]
        for row in read_csv(bcn_dir / "nNiveauFormationDiplome_.csv")
    }


def load_mefs(bcn_dir: Path) -> dict[str, MefRow]:
    """MEFSTAT11 → MEF. Several MEF may share a MEFSTAT11; the one still open (or closed last) wins."""
    mefs: dict[str, MefRow] = {}
    for row in read_csv(bcn_dir / "nMef.csv"):
        code = row["MEF_STAT_11"]
        if not code:
            continue
        mef = MefRow(
            mefstat11=code,
            mef=row["MEF"],
            cfd=row["FORMATION_DIPLOME"],
            dispositif=row["DISPOSITIF_FORMATION"],
            duree=to_int(row["DUREE_DISPOSITIF"]) or 0,
            annee=to_int(row["ANNEE_DISPOSITIF"]) or 0,
            libelle=row["LIBELLE_LONG"],
            date_fermeture=to_date(row["DATE_FERMETURE"]),
        )
        current = mefs.get(code)
        if current is None or _closes_later(mef, current):
            mefs[code] = mef
    return mefs


def _closes_later(candidate: MefRow, current: MefRow) -> bool:
    if current.date_fermeture is None:
        return False
    return candidate.date_fermeture is None or candidate.date_fermeture > current.date_fermeture


@dataclass(frozen=True, slots=True)
class FamilleRow:
    famille: str
    mefstat11_commun: str
    mefstat11_specialite: str


def load_familles(bcn_dir: Path) -> list[FamilleRow]:
    """Familles de métiers: the seconde commune's MEFSTAT11 and each speciality's final-year MEFSTAT11."""
    return [
        FamilleRow(row["FAMILLE"], row["MEFSTAT11_COMMUN"], row["MEFSTAT11_SPECIALITE"])
        for row in read_csv(bcn_dir / "familleMetiers.csv")
        if row.get("MEFSTAT11_COMMUN") and row.get("MEFSTAT11_SPECIALITE")
    ]


def load_famille_codes(bcn_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(10-character MEF → famille de métiers code `001`…, code → BCN label), from N_LIEN_MEF_FAMILLE_METIER and
    N_FAMILLE_METIER_SPEC_PRO."""
    codes = {}
    for row in read_csv(bcn_dir / "n_lien_mef_famille_metier.csv"):
        code = row["FAMILLE_METIER"].removesuffix("_temp")
        if code and code != "999":
            codes[row["MEF"]] = code
    labels = {row["FAMILLE_METIER"]: row["LIBELLE_LONG"] for row in read_csv(bcn_dir / "n_famille_metier_spec_pro.csv")}
    return codes, labels


# --- InserJeunes per region × formation ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegionalRow:
    millesime: str  # period, e.g. 2022_2023
    region: str  # INSEE code
    voie: str  # scolaire | apprentissage
    code: str  # MEFSTAT11 (scolaire) or CFD (apprentissage)
    counts: Counts
    # InserJeunes' own region code (`code_region_ij`), which the API stores as `region.code_region_academique`.
    region_academique: str = ""


def load_regional(path: Path) -> list[RegionalRow]:
    rows = []
    for row in read_csv(path):
        code = row["mefstat11"] if row["voie"] == "scolaire" else row["cfd"]
        if not code or not row["millesime"] or not row["code_region"]:
            continue
        counts = tuple(to_int(row.get(field)) for field in COUNT_FIELDS)
        region_ij = row.get("code_region_ij", "")
        region_ij = region_ij.zfill(2) if region_ij else ""
        rows.append(RegionalRow(row["millesime"], row["code_region"].zfill(2), row["voie"], code, counts, region_ij))
    return rows


# --- Schools -------------------------------------------------------------------------------------------------

_CATALOGUE_UAI = re.compile(rb'"uai"\s*:\s*"([0-9]{7}[A-Z])"')


def load_known_uais(opendata: Path) -> dict[str, str]:
    """Every UAI named by a school file → its name when a file gives one ('' otherwise)."""
    names: dict[str, str] = {}

    def add(uai: str, name: str = "") -> None:
        uai = uai.strip().upper()
        if len(uai) == 8 and uai[:7].isdigit() and uai[7].isalpha() and (name or uai not in names):
            names[uai] = name or names.get(uai, "")

    for uai in _catalogue_uais(opendata / "etablissements_catalogue_apprentissage"):
        add(uai)
    for path in sorted((opendata / "offre_formation_affelnet_parcoursup").glob("affelnet*.csv")):
        for row in read_csv(path):
            add(row.get("Etablissement d'accueil", ""))
    for path in sorted((opendata / "offre_formation_affelnet_parcoursup").glob("parcoursup*.csv")):
        for row in read_csv(path):
            add(row.get("UAI", ""))
    for row in read_csv(opendata / "offre_formation_constat_2020" / "constat_2020.csv"):
        add(row.get("UAI", ""))
    for row in read_csv(opendata / "inserjeunes_cfa" / "fr-en-inserjeunes-cfa.csv"):
        add(row.get("UAI", ""), row.get("Libellé", ""))
    for path in sorted((opendata / "inserjeunes_etablissements_depp").glob("*.csv")):
        for row in read_csv(path):
            add(row.get("n°UAI de l'établissement", ""), row.get("Libellé de l'établissement", ""))
    annuaire = opendata / "etablissements_annuaire_occitanie" / "fr-en-annuaire-education_occitanie.csv"
    for row in read_csv(annuaire):
        add(row.get("Identifiant_de_l_etablissement", ""), row.get("Nom_etablissement", ""))
    return names


def _catalogue_uais(folder: Path) -> list[str]:
    # A regex over the raw bytes: parsing the 20 MB JSON would cost more time and memory than the replica's budget.
    uais: list[str] = []
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".json"):
                    uais.extend(m.decode() for m in _CATALOGUE_UAI.findall(archive.read(member)))
    return uais


# --- Optional per school × formation files ("formation fine" layout) -----------------------------------------

FORMATION_FINE_GLOB = "**/fr-en-inserjeunes-*formation*fine*.csv"

# Accepted header names (normalised) for each field: the data.education.gouv.fr CSV export headers and the
# Opendatasoft API field names.
_FINE_ALIASES: dict[str, tuple[str, ...]] = {
    "annee": ("annee", "millesime"),
    "voie": ("filiere", "voie", "voie_de_formation", "type_de_voie"),
    "uai": ("uai", "n_uai_de_l_etablissement", "numero_uai"),
    "libelle": ("libelle", "libelle_de_l_etablissement", "libelle_etablissement"),
    "mefstat11": ("code_formation_mefstat11", "mefstat11", "code_mefstat11", "mef_stat_11"),
    "cfd": ("code_formation_diplome", "cfd", "code_formation_diplome_cfd"),
    "nb_annee_term": ("nb_annee_term", "nombre_d_eleves_en_annee_terminale", "nombre_en_annee_terminale"),
    "nb_poursuite_etudes": ("nb_poursuite_etudes", "nombre_en_poursuite_d_etudes"),
    "nb_sortant": ("nb_sortant", "nombre_de_sortants"),
    "nb_en_emploi_6_mois": ("nb_en_emploi_6_mois", "nombre_en_emploi_6_mois_apres_la_sortie"),
    "nb_en_emploi_12_mois": ("nb_en_emploi_12_mois", "nombre_en_emploi_12_mois_apres_la_sortie"),
    "nb_en_emploi_18_mois": ("nb_en_emploi_18_mois", "nombre_en_emploi_18_mois_apres_la_sortie"),
    "nb_en_emploi_24_mois": ("nb_en_emploi_24_mois", "nombre_en_emploi_24_mois_apres_la_sortie"),
}
_YEAR_RE = re.compile(r"([0-9]{4})\D+([0-9]{4})|([0-9]{4})")


@dataclass(frozen=True, slots=True)
class FormationRow:
    millesime: str
    uai: str
    libelle_etablissement: str
    voie: str  # scolaire | scolaire_agricole | apprentissage
    code: str
    counts: Counts


def load_formation_fine(path: Path) -> list[FormationRow]:
    """Rows of one per school × formation file. Rows without a final-year count are skipped (never guessed).

    A MEFSTAT11 row is agricultural (the API's `agricole` filière, InserJeunes' `voie_pro_sco_agri`) only when its
    file says so: "agri" in the file name (the agriculture ministry's own lycée file) or in a voie / filière column.
    The code alone never decides: an agricultural diploma taught in an Education nationale lycée belongs to the
    Education nationale's figures (`pro`).
    """
    agricultural_file = "agri" in normalise_header(path.name)
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader, None) or []
    index = {normalise_header(name): position for position, name in enumerate(header)}
    columns = {
        field: next((index[alias] for alias in aliases if alias in index), None)
        for field, aliases in _FINE_ALIASES.items()
    }
    rows = []
    skipped = 0
    for raw in reader:

        def cell(field: str, raw: list[str] = raw) -> str:
            position = columns[field]
            return raw[position].strip() if position is not None and position < len(raw) else ""

        millesime = _millesime_of(cell("annee"))
        mefstat11, cfd = cell("mefstat11"), cell("cfd")
        voie, code = ("scolaire", mefstat11) if mefstat11 else ("apprentissage", cfd)
        if mefstat11 and (agricultural_file or "agri" in normalise_header(cell("voie"))):
            voie = "scolaire_agricole"
        counts = tuple(to_int(cell(field)) for field in COUNT_FIELDS)
        if not millesime or not code or not cell("uai") or counts[0] is None:
            skipped += 1
            continue
        rows.append(FormationRow(millesime, cell("uai").upper(), cell("libelle"), voie, code.upper(), counts))
    if skipped:
        logger.warning("replica: %s rows of %s skipped (no year, code, UAI or final-year count)", skipped, path)
    return rows


def _millesime_of(raw: str) -> str:
    """`cumul 2022-2023` / `2022_2023` → `2022_2023`; `2023` → `2023`."""
    match = _YEAR_RE.search(raw)
    if not match:
        return ""
    return f"{match[1]}_{match[2]}" if match[1] else match[3]
