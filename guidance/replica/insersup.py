"""InserSup in the replica: the SISE nomenclature (which codes "exist", their label and diploma) and, when
`OPENDATA_DIR` has an `insersup/` folder, the figures of the SIES's open dataset `fr-esr-insersup`.

The file is the dataset's CSV export in its official layout (data.enseignementsup-recherche.gouv.fr, Opendatasoft
`exports/csv`: `;`-separated, UTF-8, a header of field names: `uo_lib`, `etablissement`, `diplome`, `promo`,
`genre`, `nationalite`, `regime_inscription`, `obtention_diplome`, `nb_sortants`, `nb_poursuivants`,
`nb_sortants_en_emploi_sal_fr_6|12|18|24`, `salaire_q1|q2|q3_12`…). It is read as upstream's importers read the same
dataset (`server/src/services/dataEnseignementSup/InserSup.js`, `jobs/stats/importCertificationsSupStats.js`):
- only the rows for everyone (`genre`, `nationalite`, `regime_inscription`, `obtention_diplome` = `ensemble`) of a
  SISE code (`diplome`, not the `all` totals) from the `insersup` source;
- national figures from the `uo_lib = National` rows of a single year of graduation (`promo` 2023 → millésime
  `2023`); per school figures from the rows whose `etablissement` is a UAI, a year or two cumulated years
  (`2022,2023` → `2022_2023`);
- `nb_annee_term` = leavers + those going on (`nb_sortants` + `nb_poursuivants`), the employed are the leavers in
  salaried employment in France (`nb_sortants_en_emploi_sal_fr_*`), `nd` / `na` / empty is absent (never 0);
- salaries: the national quartiles 12 months after (`salaire_q*_12`), on national records and, as upstream does
  (`salaire_q*_national_diplome_12`), on the school records of the same diploma and year.
Without the folder no InserSup figure exists: every SISE route answers the API's own 404s.
"""

from __future__ import annotations

import bz2
import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from guidance.replica.loaders import COUNT_FIELDS, Counts, read_csv, to_date

logger = logging.getLogger(__name__)

FOLDER = "insersup"
FILIERE = "superieur"
_UAI_RE = re.compile(r"^[0-9]{7}[A-Z]$")
_SISE_RE = re.compile(r"^[0-9A-Z]{7}$")
_EVERYONE = ("genre", "nationalite", "regime_inscription", "obtention_diplome")
_MISSING = {"", "nd", "na", "ns", "nc", "null", "none"}
# The API's mapping of a SISE type's `niveau_interministeriel` to its `diplome.code` (bcn.js ANCIENS_NIVEAUX_MAPPER).
_LEVEL_CODES = {"5": "3", "4": "4", "3": "5", "2": "6", "1": "7", "0": "0"}
Salaries = tuple[int | None, int | None, int | None]


@dataclass(frozen=True, slots=True)
class SiseRow:
    """One code of the BCN's SISE table, as upstream's `bcn_sise` collection keeps it."""

    code: str
    type_code: str
    libelle: str  # LIBELLE_INTITULE_1, the API's `libelle` of an InserSup record
    date_fermeture: date | None


@dataclass(frozen=True, slots=True)
class InserSupRow:
    """One row of the InserSup file, kept: national (`uai` empty) or per school."""

    code: str
    millesime: str
    uai: str
    libelle_etablissement: str
    counts: Counts  # in COUNT_FIELDS order
    salaries: Salaries


def load_sise(root: Path) -> tuple[dict[str, SiseRow], dict[str, dict[str, str]]]:
    """SISE code → its row, and SISE type → the API's `diplome` {code, libelle} (`N_TYPE_DIPLOME_SISE`)."""
    codes: dict[str, SiseRow] = {}
    path = root / "bcn_sise" / "BCN_n_diplome_sise.csv.bz2"
    if path.is_file():
        text = bz2.decompress(path.read_bytes()).decode("latin-1")
        for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";"):
            code = (row.get("DIPLOME_SISE") or "").strip()
            if _SISE_RE.match(code):
                closed = to_date(row.get("DATE_FERMETURE") or "")
                codes[code] = SiseRow(code, row["TYPE_DIPLOME_SISE"].strip(), row["LIBELLE_INTITULE_1"].strip(), closed)
    types: dict[str, dict[str, str]] = {}
    type_path = root / "bcn" / "N_TYPE_DIPLOME_SISE.json"
    if type_path.is_file():
        records = json.loads(type_path.read_text(encoding="utf-8")).get("data", [])
        for record in records:
            code = _LEVEL_CODES.get(str(record.get("niveau_interministeriel") or ""))
            if code and record.get("libelle_court"):
                types[str(record["type_diplome_sise"])] = {"code": code, "libelle": str(record["libelle_court"])}
    return codes, types


def _number(raw: str | None) -> int | None:
    value = (raw or "").strip().replace(",", ".").replace("*", "").strip()
    if value.lower() in _MISSING:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _millesime(raw: str, *, national: bool) -> str:
    years = sorted(set(re.findall(r"[0-9]{4}", raw)))
    if len(years) == 1:
        return years[0]
    if len(years) == 2 and not national and int(years[1]) == int(years[0]) + 1:
        return f"{years[0]}_{years[1]}"
    return ""  # national figures are one year of graduation (upstream keeps no other)


def read_insersup(path: Path) -> Iterator[InserSupRow]:
    """The kept rows of one InserSup file (see the module docstring)."""
    for row in read_csv(path):
        if row.get("source", "insersup").lower() != "insersup":
            continue
        if any(row.get(column, "ensemble").lower() != "ensemble" for column in _EVERYONE):
            continue
        code = row.get("diplome", "").upper()
        national = row.get("uo_lib", "").lower() == "national"
        uai = "" if national else row.get("etablissement", "").upper()
        if not _SISE_RE.match(code) or not (national or _UAI_RE.match(uai)):
            continue
        millesime = _millesime(row.get("promo", ""), national=national)
        if not millesime:
            continue
        leavers, going_on = _number(row.get("nb_sortants")), _number(row.get("nb_poursuivants"))
        whole = leavers + going_on if leavers is not None and going_on is not None else None
        employed = [_number(row.get(f"nb_sortants_en_emploi_sal_fr_{months}")) for months in (6, 12, 18, 24)]
        values = {"nb_annee_term": whole, "nb_poursuite_etudes": going_on, "nb_sortant": leavers}
        values.update({f"nb_en_emploi_{months}_mois": n for months, n in zip((6, 12, 18, 24), employed, strict=True)})
        counts = tuple(values[field] for field in COUNT_FIELDS)
        salaries = tuple(_number(row.get(f"salaire_q{q}_12")) for q in (1, 2, 3))
        name = "" if national else row.get("denomination_principale") or row.get("uo_lib", "")
        yield InserSupRow(code, millesime, uai, name, counts, (salaries[0], salaries[1], salaries[2]))


def load_insersup(root: Path) -> list[InserSupRow]:
    """Every kept row of the `insersup/` folder's CSV files ([] without the folder: no InserSup figures here)."""
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    rows = [row for path in sorted(folder.glob("*.csv")) for row in read_insersup(path)]
    logger.info("replica: %d InserSup rows from %s", len(rows), folder)
    return rows
