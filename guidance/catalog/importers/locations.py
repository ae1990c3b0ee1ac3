"""Where schools are, from two national files (see their PROVENANCE.md):

- `geo/communes_positions.csv`: a point for every commune of the 2026 COG (the centroid of its outline); with the
  postal codes of `communes/communes.json`, what a school known only by its commune gets (`read_commune_points`);
- `etablissements_ips_lycees/fr-en-ips_lycees.csv`: 3,697 lycées with their name, commune, type and sector
  (`read_lycees`), the only national file that says where a lycée outside Occitanie is.

`guidance.catalog.importers.schools` merges them with the other files; `guidance.orientation` reads the same
points for its communes (`read_positions`).
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from guidance.catalog.importers.base import Report, RowRejected, read_dicts
from guidance.catalog.models import SchoolKind, Sector

POSITIONS_FILE = "geo/communes_positions.csv"
COMMUNES_FILE = "communes/communes.json"
LYCEES_FILE = "etablissements_ips_lycees/fr-en-ips_lycees.csv"
_LYCEE_KINDS = {"LP": SchoolKind.LYCEE_PRO, "LPO": SchoolKind.LYCEE_POLYVALENT, "LEGT": SchoolKind.LYCEE_GT}
_PLACEHOLDER_NAMES = {"", "a completer", "à compléter"}
# Words of the IPS file's names, written there in capitals without accents.
_ACCENTED = {
    "lycee": "lycée",
    "lycees": "lycées",
    "metiers": "métiers",
    "metier": "métier",
    "general": "général",
    "generale": "générale",
    "prive": "privé",
    "privee": "privée",
    "hotelier": "hôtelier",
    "hoteliere": "hôtelière",
    "hotellerie": "hôtellerie",
    "regional": "régional",
    "regionale": "régionale",
    "ecole": "école",
    "etablissement": "établissement",
    "electrique": "électrique",
    "electronique": "électronique",
    "electrotechnique": "électrotechnique",
    "energetique": "énergétique",
    "genie": "génie",
    "batiment": "bâtiment",
    "sante": "santé",
    "europeen": "européen",
    "europeenne": "européenne",
}
_LOWER = {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "aux", "au", "a"}
# Words kept in lower case inside a name ("Lycée professionnel", "Section d’enseignement professionnel").
_COMMON = {
    *("lycee", "lycees", "metiers", "metier", "general", "generale", "prive", "privee", "professionnel"),
    *("polyvalent", "technologique", "agricole", "hotelier", "hoteliere", "regional", "regionale"),
    *("enseignement", "etablissement", "section", "ecole", "publique", "public", "genie", "electrique"),
    *("electronique", "electrotechnique", "energetique", "batiment", "bureautique", "industriel", "industrielle"),
    *("commerce", "services", "hotellerie", "tourisme", "restauration", "sante", "social", "travaux", "publics"),
}


@dataclass(frozen=True, slots=True)
class CommunePoint:
    insee_code: str
    name: str
    latitude: float
    longitude: float
    postal_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lycee:
    uai: str
    name: str
    commune_code: str
    kind: str  # SchoolKind value, "" when the file's type is unknown
    sector: str  # Sector value


def read_positions(root: Path, report: Report) -> dict[str, tuple[str, float, float]]:
    """{INSEE code: (name, latitude, longitude)} of every row of `geo/communes_positions.csv` with a readable point."""
    path = root / POSITIONS_FILE
    found: dict[str, tuple[str, float, float]] = {}
    for number, row in read_dicts(path, delimiter=",", progress=False):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        try:
            latitude, longitude = float(row["latitude"]), float(row["longitude"])
        except ValueError:
            report.reject(path.name, number, "coordonnées illisibles", row["code_insee"])
            continue
        if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
            report.reject(path.name, number, "coordonnées hors limites", row["code_insee"])
            continue
        found[row["code_insee"]] = (row["nom"], latitude, longitude)
    return found


def read_commune_points(root: Path, report: Report) -> dict[str, CommunePoint]:
    """{INSEE code: point, name and postal codes} of every commune (and municipal arrondissement) with a point."""
    positions = read_positions(root, report)
    postal: dict[str, tuple[str, ...]] = {}
    for record in json.loads((root / COMMUNES_FILE).read_text(encoding="utf-8")):
        if isinstance(record, dict) and isinstance(record.get("code"), str):
            codes = record.get("codesPostaux") or []
            postal[record["code"]] = tuple(code for code in codes if isinstance(code, str))
    return {
        code: CommunePoint(code, name, latitude, longitude, postal.get(code, ()))
        for code, (name, latitude, longitude) in positions.items()
    }


def read_lycees(root: Path, report: Report) -> dict[str, Lycee]:
    """{UAI: lycée} as the latest school year of the IPS file gives it (a placeholder name "A COMPLETER" is
    skipped for an older year's real one)."""
    path = root / LYCEES_FILE
    latest: dict[str, tuple[str, Lycee]] = {}
    for number, row in read_dicts(path, progress=False):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        uai = row["uai"].strip().upper()
        if not re.fullmatch(r"[0-9]{7}[A-Z]", uai):
            report.reject(path.name, number, "UAI invalide (7 chiffres et une lettre)", uai)
            continue
        name = row["nom_de_l_etablissment"]
        if name.strip().lower() in _PLACEHOLDER_NAMES:
            continue
        year = row["rentree_scolaire"]
        if uai in latest and latest[uai][0] >= year:
            continue
        sector = Sector.PRIVE if row["secteur"].lower().startswith("priv") else Sector.PUBLIC
        kind = _LYCEE_KINDS.get(row["type_de_lycee"], "")
        latest[uai] = (year, Lycee(uai, school_name_case(name), row["code_insee_de_la_commune"], kind, sector))
    return {uai: lycee for uai, (_, lycee) in latest.items()}


def school_name_case(text: str) -> str:
    """ "LYCEE PROFESSIONNEL DE L YSER" → "Lycée professionnel de l’Yser": the file's capitals made readable (its
    apostrophes are spaces; the usual words of school names get their accents back). Mixed case is kept."""
    text = " ".join(text.split())
    if not text.isupper():
        return text
    words = text.lower().split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        if word in {"l", "d"} and index + 1 < len(words):
            out.append(f"{word}’")
            continue
        glued = bool(out) and out[-1].endswith("’")
        written = _ACCENTED.get(word, word)
        if word not in _COMMON and (glued or word not in _LOWER):
            written = "-".join(part[:1].upper() + part[1:] for part in written.split("-"))
        if glued:
            out[-1] += written
        else:
            out.append(written)
    name = " ".join(out)
    return name[:1].upper() + name[1:]
