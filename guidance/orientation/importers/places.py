"""Communes of the Code officiel géographique 2026 (`communes/communes.json`, see its PROVENANCE.md), each with
its point from `geo/communes_positions.csv` (null for the few the file lacks: communes re-created since 2018).

Kept: current communes and the 45 municipal arrondissements of Paris, Lyon, Marseille (their own postal codes).
Communes déléguées / associées are counted as rejected with that reason: they are former communes whose postal
codes and names belong to a current commune, and keeping them would make homonyms of their own parent.
Département codes are written as the catalogue writes them (3 characters: "31" → "031", "2A" → "02A").
"""

import json
from pathlib import Path

from tqdm import tqdm

from guidance.catalog.importers.base import Report
from guidance.catalog.importers.locations import read_positions
from guidance.inserjeunes.territories import DEPARTEMENTS, REGIONS
from guidance.orientation.importers.common import missing, replace_all
from guidance.orientation.models import Commune
from guidance.orientation.places import place_key

FILE = "communes/communes.json"
KEPT_KINDS = {"commune-actuelle", "arrondissement-municipal"}


def catalogue_departement(code: str) -> str:
    return code.zfill(3) if len(code) == 2 else code


def import_communes(root: Path, report: Report) -> None:
    path = root / FILE
    if missing(path, report):
        return
    records = json.loads(path.read_text(encoding="utf-8"))
    positions = read_positions(root, report)
    objects = []
    for number, record in enumerate(tqdm(records, desc=path.name, unit=" communes", leave=False), start=1):
        kind = record.get("type", "")
        if kind not in KEPT_KINDS:
            report.reject(
                path.name, number, f"{kind or 'type absent'} : non retenue (ancienne commune)", record.get("code", "")
            )
            continue
        departement = catalogue_departement(record.get("departement", ""))
        region = record.get("region", "")
        if departement not in DEPARTEMENTS or region not in REGIONS:
            report.reject(
                path.name,
                number,
                "hors région (collectivité d'outre-mer) ou département inconnu",
                record.get("code", ""),
            )
            continue
        _name, latitude, longitude = positions.get(record["code"], ("", None, None))
        objects.append(
            Commune(
                insee_code=record["code"],
                name=record["nom"],
                kind=kind,
                departement_code=departement,
                region_code=region,
                postal_codes=list(record.get("codesPostaux", [])),
                population=record.get("population"),
                folded_name=place_key(record["nom"])[:120],
                latitude=latitude,
                longitude=longitude,
            )
        )
    replace_all(Commune, objects, report)
