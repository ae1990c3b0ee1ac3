"""Higher-education diplomas from the BCN's SISE table (`bcn_sise/`): the licences, licences pro, masters, BUT, DUT,
engineering and management diplomas a student chooses, as `Formation` rows with `code_type = SISE`.

Read as the files are: bzip2, Latin-1, `;`-separated. Kept: the codes without a closing date, of the types of
`sise_labels.SISE_TYPES`; for licences and masters, the national mentions of the 2014 nomenclature only (see
`SiseType.national_prefix`). A type the BCN closed (the DUT, replaced by the BUT) closes its diplomas on that day.
Which school delivers which of them is not in the open data: `sync_catalog_from_api` adds it from the API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.utils.text import slugify

from guidance.catalog.importers.base import Report, RowRejected, read_dicts, upsert
from guidance.catalog.importers.bcn import ACRONYMS, _fields, _readable_sources, parse_date
from guidance.catalog.labels import sentence_case
from guidance.catalog.models import CodeType, Formation
from guidance.catalog.sise_labels import (
    HIGHER_EDUCATION_WORDS,
    SISE_TYPES,
    InflectingRestorer,
    place_names,
    sise_label,
)

DIPLOMAS = Path("bcn_sise") / "BCN_n_diplome_sise.csv.bz2"
SECTORS = Path("bcn_sise") / "BCN_n_secteur_disciplinaire_sise.csv.bz2"
TYPES = Path("bcn") / "N_TYPE_DIPLOME_SISE.json"
ENCODING = "latin-1"  # bcn_sise/PROVENANCE.md
_SISE_RE = re.compile(r"^[0-9A-Z]{7}$")


def _rows(path: Path, report: Report) -> Iterable[tuple[int, dict[str, str]]]:
    for number, row in read_dicts(path, encoding=ENCODING):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        yield number, row


def _type_closings(root: Path) -> dict[str, date]:
    """The closing day of each SISE type the BCN closed (`N_TYPE_DIPLOME_SISE.date_fermeture`)."""
    data = json.loads((root / TYPES).read_text(encoding="utf-8"))
    closings = {}
    for record in data.get("data", []) if isinstance(data, dict) else []:
        closed = str(record.get("date_fermeture") or "")[:10]
        if closed:
            closings[str(record["type_diplome_sise"])] = date.fromisoformat(closed)
    return closings


def _sectors(root: Path, report: Report, restore: InflectingRestorer) -> dict[str, str]:
    """Readable label of each disciplinary sector ("SCIENCES JURIDIQUES" → "Sciences juridiques")."""
    sectors = {}
    for _number, row in _rows(root / SECTORS, report):
        label = row["LIBELLE_SECTEUR_DISCIPLINAIRE"].strip()
        readable = label if "." in label else sentence_case(label, restore, ACRONYMS)  # S.T.A.P.S.
        sectors[row["SECTEUR_DISCIPLINAIRE_SISE"].strip()] = readable
    return sectors


def _restorer(root: Path) -> InflectingRestorer:
    """Accents learnt from the readable French of the open data: the BCN's readable labels, the ROME job titles,
    the NSF groups and the words of `HIGHER_EDUCATION_WORDS` (not the communes' names: "Villeneuve-lès-Avignon"
    would teach "lès" for every "les"; place names are `sise_labels.ProperNames`')."""
    _specialties, texts = _readable_sources(root)
    report = Report()  # these files only help labels; their own row problems are not the catalogue's
    rome = root / "formations_metiers_rome" / "metier.csv"
    texts += [row.get("libelle_appellation_long", "") for _n, row in _rows_utf8(rome, report)]
    groups = root / "bcn" / "n_groupe_specialite_.csv"
    texts += [row.get("LIBELLE_EDITION", "") for _n, row in _rows_utf8(groups, report)]
    return InflectingRestorer(texts, curated=HIGHER_EDUCATION_WORDS)


def _rows_utf8(path: Path, report: Report) -> Iterable[tuple[int, dict[str, str]]]:
    for number, row in read_dicts(path, encoding="utf-8", progress=False):
        if not isinstance(row, RowRejected):
            yield number, row


def _communes(root: Path) -> list[dict]:
    records = json.loads((root / "communes" / "communes.json").read_text(encoding="utf-8"))
    return [record for record in records if isinstance(record, dict)]


def import_sise_diplomas(root: Path, report: Report) -> dict[str, int]:
    """Upsert the SISE diplomas of `root`; returns how many were written per readable type."""
    restore = _restorer(root)
    places = place_names(_communes(root))
    sectors = _sectors(root, report, restore)
    fields = _fields(root, report, restore)
    closings = _type_closings(root)
    path = root / DIPLOMAS
    formations: dict[str, Formation] = {}
    for number, row in _rows(path, report):
        code, type_code = row["DIPLOME_SISE"].strip().upper(), row["TYPE_DIPLOME_SISE"].strip().upper()
        kind = SISE_TYPES.get(type_code)
        if kind is None or row["DATE_FERMETURE"].strip() or not code.startswith(kind.national_prefix):
            continue  # another type, a closed code, or a licence / master of the replaced nomenclature
        if not _SISE_RE.match(code):
            report.reject(path.name, number, "code SISE invalide (7 chiffres ou lettres)", code)
            continue
        try:
            opened_on = parse_date(row["DATE_OUVERTURE"], "DATE_OUVERTURE")
        except RowRejected as error:
            report.reject_error(path.name, number, error)
            continue
        label, _specialty = sise_label(kind, row["LIBELLE_INTITULE_1"], row["LIBELLE_INTITULE_2"], restore, places)
        field_code = row["GROUPE_SPECIALITE"].strip()
        sector = row["SECTEUR_DISCIPLINAIRE_SISE"].strip()
        duration = row["DUREE"].strip()
        formations[code] = Formation(
            cfd=code,
            code_type=CodeType.SISE,
            label=label[:300],
            slug=slugify(label)[:120] or code.lower(),
            diploma_code=type_code,
            diploma_type=kind.label,
            level=kind.level,
            duration_years=int(duration) if duration.isdigit() and 0 < int(duration) < 10 else kind.years,
            field_code=field_code,
            field_label=fields.get(field_code, ""),
            discipline_code=sector if sector != "-" else "",
            discipline_label=sectors.get(sector, "") if sector != "-" else "",
            opened_on=opened_on,
            closed_on=closings.get(type_code),
        )
    # has_figures / offer_count come from the API (`sync_catalog_from_api`), search_text from the search: kept.
    kept = {
        "id",
        "cfd",
        "offer_count",
        "search_text",
        "has_figures",
        "has_figures_scolaire",
        "has_figures_apprentissage",
    }
    update = [f.name for f in Formation._meta.concrete_fields if f.name not in kept]
    report.written["Formation (SISE)"] += upsert(Formation, list(formations.values()), ["cfd"], update)
    counts: dict[str, int] = {}
    for formation in formations.values():
        counts[formation.diploma_type] = counts.get(formation.diploma_type, 0) + 1
    for label, count in sorted(counts.items()):
        report.written[f"Formation (SISE : {label})"] += count
    return counts
