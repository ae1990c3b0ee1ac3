"""Schools, merged from every file that names a UAI.

Each field takes the value of the most precise source that gives one: the annuaire (Occitanie, full records),
then the InserJeunes files (official names, région), then the IPS file of lycées (name, commune, type, sector: it
only completes schools another file names), then the apprenticeship catalogue (CFA addresses and coordinates),
then the offer files (UAI only). Département, académie and région come from the UAI and the official territory
tables when no file gives them.

Where a school is (`position`): its own coordinates (annuaire, catalogue) when they lie within
`MAX_OWN_OFFSET_KM` of its commune, else its commune's point (`geo/communes_positions.csv`), said approximate;
a school with neither keeps no point. Its town and postal code are filled from its commune when no file gives
them (a postal code only when the commune has a single one: we never pick one of several).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify
from tqdm import tqdm

from guidance.catalog.geo import haversine_km
from guidance.catalog.importers.base import Report, RowRejected, read_dicts, read_zip_member, upsert
from guidance.catalog.importers.indicators import IndicatorRow
from guidance.catalog.importers.locations import CommunePoint, Lycee, read_commune_points, read_lycees
from guidance.catalog.labels import fold
from guidance.catalog.models import PositionPrecision, School, SchoolKind, Sector
from guidance.inserjeunes.codes import InvalidCode, departement_of_uai, parse_uai
from guidance.inserjeunes.territories import ACADEMIES, DEPARTEMENTS, REGIONS

# Source ranks: lower wins.
ANNUAIRE, INSERJEUNES, LYCEES, CATALOGUE, OFFERS = 0, 1, 2, 3, 4
# Own coordinates farther than this from the school's commune are a geocoding error (one annuaire row is 284 km
# off): the commune's point is kept instead.
MAX_OWN_OFFSET_KM = 50.0
_SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "sur", "sous", "en", "et", "aux", "au", "l", "d"}
_REGION_BY_NAME = {re.sub(r"[^a-z]+", " ", fold(name)).strip(): code for code, name in REGIONS.items()}


@dataclass
class SchoolDraft:
    uai: str
    values: dict[str, tuple[int, object]] = field(default_factory=dict)

    def offer(self, rank: int, **values) -> None:
        for name, value in values.items():
            if value in (None, ""):
                continue
            current = self.values.get(name)
            if current is None or rank < current[0]:
                self.values[name] = (rank, value)

    def get(self, name: str, default=""):
        return self.values.get(name, (0, default))[1]


def town_case(text: str) -> str:
    """ "SAINT-GAUDENS CEDEX" → "Saint-Gaudens Cedex"; mixed-case text is left as written."""
    if not text.isupper():
        return text.strip()
    parts = re.split(r"([\s'\-]+)", text.strip().lower())
    out = [part if (index and part in _SMALL_WORDS) else part.capitalize() for index, part in enumerate(parts)]
    return "".join(out)


def kind_from_nature(nature: str, agricultural: bool) -> str:
    """Kind from an annuaire/ACCE nature label or from an official name (both say what the school is)."""
    text = fold(nature)
    if agricultural or "agricole" in text or re.search(r"\b(legta|lpa|eplefpa)\b", text):
        return SchoolKind.LYCEE_AGRICOLE
    if "apprenti" in text or re.search(r"\bcfa\b", text):
        return SchoolKind.CFA
    if "section d enseignement professionnel" in text or re.search(r"\bsep\b", text):
        return SchoolKind.SEP
    if "erea" in text or "enseignement adapte" in text:
        return SchoolKind.EREA
    if "polyvalent" in text:
        return SchoolKind.LYCEE_POLYVALENT
    if "professionnel" in text and "lycee" in text:
        return SchoolKind.LYCEE_PRO
    if "lycee" in text and ("general" in text or "technolog" in text):
        return SchoolKind.LYCEE_GT
    if "lycee" in text:
        return SchoolKind.LYCEE
    return ""


def region_code_from_name(name: str) -> str:
    return _REGION_BY_NAME.get(re.sub(r"[^a-z]+", " ", fold(name)).strip(), "")


def _annuaire(root: Path, report: Report, drafts: dict[str, SchoolDraft], wanted: set[str]) -> None:
    path = root / "etablissements_annuaire_occitanie" / "fr-en-annuaire-education_occitanie.csv"
    if not path.exists():
        return
    for number, row in read_dicts(path, encoding="utf-8"):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        try:
            uai = parse_uai(row["Identifiant_de_l_etablissement"]).value
        except InvalidCode as error:
            report.reject(path.name, number, error.reason, error.value)
            continue
        teaches = row["Type_etablissement"] in {"Lycée", "EREA"} or "1" in {
            row["Voie_professionnelle"],
            row["Apprentissage"],
        }
        # Écoles and collèges are not in this catalogue unless another file names them.
        if not teaches and uai not in wanted:
            continue
        try:
            latitude = float(row["latitude"]) if row["latitude"] else None
            longitude = float(row["longitude"]) if row["longitude"] else None
        except ValueError:
            report.reject(path.name, number, "coordonnées illisibles", row["latitude"])
            continue
        sector = {"Public": Sector.PUBLIC, "Privé": Sector.PRIVE}.get(row["Statut_public_prive"], "")
        kind = kind_from_nature(row["libelle_nature"], row["Lycee_Agricole"] == "1") or SchoolKind.OTHER
        address = ", ".join(part for part in (row["Adresse_1"], row["Adresse_2"]) if part)
        drafts.setdefault(uai, SchoolDraft(uai)).offer(
            ANNUAIRE,
            name=row["Nom_etablissement"],
            kind=kind,
            sector=sector,
            address=address,
            postal_code=row["Code_postal"],
            town=row["Nom_commune"],
            commune_code=row["Code_commune"],
            departement_code=row["Code_departement"],
            academie_code=row["Code_academie"].zfill(2) if row["Code_academie"] else "",
            region_code=row["Code_region"],
            latitude=latitude,
            longitude=longitude,
            siret=row["SIREN_SIRET"][:14],
        )


def _catalogue(root: Path, report: Report, drafts: dict[str, SchoolDraft]) -> None:
    path = root / "etablissements_catalogue_apprentissage" / "catalogue_etablissement_apprentissage_20221010.zip"
    if not path.exists():
        return
    payload = json.loads(read_zip_member(path))
    records = next(iter(payload.values())) if isinstance(payload, dict) else payload
    for number, record in enumerate(tqdm(records, desc=path.name, unit=" fiches", leave=False), start=1):
        if not record.get("uai"):
            continue  # an organisation without UAI is not a school of ours (most are companies' training units)
        try:
            uai = parse_uai(record["uai"]).value
        except InvalidCode as error:
            report.reject(path.name, number, error.reason, error.value)
            continue
        if record.get("ferme") == "true":
            report.reject(path.name, number, "établissement fermé", uai)
            continue
        latitude = longitude = None
        if record.get("geo_coordonnees"):
            try:
                latitude, longitude = (float(part) for part in record["geo_coordonnees"].split(","))
            except ValueError:
                report.reject(path.name, number, "coordonnées illisibles", record["geo_coordonnees"])
                continue
        departement = (record.get("num_departement") or "").upper()
        if departement:
            departement = departement.zfill(3) if departement.isdigit() else departement.rjust(3, "0")
        address = " ".join(
            part for part in (record.get(k) or "" for k in ("numero_voie", "type_voie", "nom_voie")) if part
        )
        name = record.get("onisep_nom") or record.get("enseigne") or record.get("entreprise_raison_sociale") or ""
        drafts.setdefault(uai, SchoolDraft(uai)).offer(
            CATALOGUE,
            name=name.strip(),
            kind=SchoolKind.CFA,
            address=town_case(address),
            postal_code=record.get("code_postal") or "",
            town=town_case(record.get("localite") or ""),
            commune_code=record.get("code_insee_localite") or "",
            departement_code=departement if departement in DEPARTEMENTS else "",
            academie_code=(record.get("num_academie") or "").zfill(2),
            region_code=record.get("region_implantation_code") or "",
            latitude=latitude,
            longitude=longitude,
            siret=record.get("siret") or "",
        )


def _from_indicators(rows: list[IndicatorRow], drafts: dict[str, SchoolDraft]) -> None:
    # Latest millésime first so its name wins; the CFA dataset names CFAs better than the DEPP export
    # ("Organisme de formation-Centre de formation d'apprentis …").
    # Lycée rows go first: a UAI in both kinds of file is a lycée with apprentices, not a CFA.
    for row in sorted(rows, key=lambda r: (not r.is_cfa, r.millesime, r.source.startswith("fr-en")), reverse=True):
        draft = drafts.setdefault(row.uai, SchoolDraft(row.uai))
        name = re.sub(r"^Organisme de formation\s*-\s*", "", row.name).strip()
        kind = SchoolKind.CFA if row.is_cfa else kind_from_nature(name, False)
        if not kind:  # a lycée whose name says no more: the IPS file's type (LP, LPO, LEGT) is better
            draft.offer(OFFERS, kind=SchoolKind.LYCEE)
        values = {"name": name, "kind": kind, "region_code": region_code_from_name(row.region_name)}
        if not row.is_cfa:
            # The directory's official names say "privé" for every private lycée; the others are public.
            values["sector"] = Sector.PRIVE if "privé" in name.lower() else Sector.PUBLIC
        draft.offer(INSERJEUNES, **values)


def _lycees(lycees: dict[str, Lycee], drafts: dict[str, SchoolDraft]) -> None:
    """The IPS file completes the lycées other files name (it lists general lycées too: not schools of ours)."""
    for uai, draft in drafts.items():
        lycee = lycees.get(uai)
        if lycee is not None:
            draft.offer(LYCEES, name=lycee.name, kind=lycee.kind, sector=lycee.sector, commune_code=lycee.commune_code)


def position(
    draft: SchoolDraft, points: dict[str, CommunePoint], report: Report
) -> tuple[float | None, float | None, str]:
    """(latitude, longitude, precision) of a school: its own coordinates, else its commune's point, else none."""
    latitude, longitude = draft.get("latitude", None), draft.get("longitude", None)
    commune = points.get(draft.get("commune_code"))
    if latitude is not None and longitude is not None:
        far = commune is not None and (
            haversine_km(latitude, longitude, commune.latitude, commune.longitude) > MAX_OWN_OFFSET_KM
        )
        if not far:
            return latitude, longitude, PositionPrecision.ADDRESS
        reason = f"coordonnées à plus de {MAX_OWN_OFFSET_KM:.0f} km de la commune : point de la commune retenu"
        report.reject("positions des établissements", None, reason, draft.uai)
    if commune is not None:
        return commune.latitude, commune.longitude, PositionPrecision.COMMUNE
    return None, None, ""


def import_schools(
    root: Path,
    report: Report,
    indicator_rows: list[IndicatorRow],
    offer_uais: dict[str, str],
) -> dict[str, int]:
    """Upsert every school named by a file; returns {uai: pk}. `offer_uais` maps a UAI to a kind guess."""
    drafts: dict[str, SchoolDraft] = {}
    wanted = set(offer_uais) | {row.uai for row in indicator_rows}
    _annuaire(root, report, drafts, wanted)
    _from_indicators(indicator_rows, drafts)
    _catalogue(root, report, drafts)
    for uai, kind in offer_uais.items():
        drafts.setdefault(uai, SchoolDraft(uai)).offer(OFFERS, kind=kind)
    _lycees(read_lycees(root, report), drafts)
    points = read_commune_points(root, report)

    objects = []
    for uai, draft in drafts.items():
        departement = draft.get("departement_code") or departement_of_uai(uai)
        territory = DEPARTEMENTS.get(departement)
        academie = draft.get("academie_code") or (territory[1] if territory else "")
        region = draft.get("region_code") or (territory[2] if territory else "")
        if academie not in ACADEMIES:
            academie = territory[1] if territory else ""
        if region not in REGIONS:
            region = territory[2] if territory else ""
        name = draft.get("name")
        kind = draft.get("kind") or SchoolKind.OTHER
        town = draft.get("town")
        postal_code = draft.get("postal_code")
        latitude, longitude, precision = position(draft, points, report)
        commune = points.get(draft.get("commune_code"))
        if commune is not None:
            town = town or commune.name
            if not postal_code and len(commune.postal_codes) == 1:
                postal_code = commune.postal_codes[0]
        objects.append(
            School(
                uai=uai,
                name=name[:300],
                slug=slugify(name)[:120] or uai.lower(),
                kind=kind,
                sector=draft.get("sector") or Sector.UNKNOWN,
                address=draft.get("address")[:300],
                postal_code=postal_code[:5],
                town=town[:120],
                departement_code=departement if territory else "",
                academie_code=academie,
                region_code=region,
                latitude=latitude,
                longitude=longitude,
                position_precision=precision,
                commune_code=draft.get("commune_code")[:5],
                siret=draft.get("siret")[:14],
            )
        )
    # search_text is the search's to derive (guidance.search.indexing, after the import).
    update = [f.name for f in School._meta.concrete_fields if f.name not in {"id", "uai", "search_text"}]
    report.written["School"] += upsert(School, objects, ["uai"], update)
    return dict(School.objects.values_list("uai", "pk"))
