"""Counts → the API's figures: rates, small-cohort masking, the JSON records the routes answer.

Rates are whole percentages of `nb_annee_term`, rounded half to even (exact, on fractions: 12.5 → 12, 13.5 → 14);
`taux_autres_X = max(0, 100 − taux_en_emploi_X − taux_en_formation)` from the rounded rates. Below 20 learners,
every count and rate but `nb_annee_term` is null and `_meta.messages` says so. A count the files lack is absent,
and so are the rates derived from it. The open data holds no salaries: the salary fields are always absent.
"""

from datetime import date
from fractions import Fraction

from guidance.inserjeunes.codes import departement_of_uai
from guidance.inserjeunes.territories import ACADEMIES, DEPARTEMENTS, REGIONS
from guidance.replica.dataset import Dataset, Stat
from guidance.replica.loaders import COUNT_FIELDS

SMALL_COHORT = 20
SMALL_COHORT_MESSAGE = (
    "Les taux ne peuvent pas être affichés car il n'y a pas assez d'élèves pour fournir une information fiable."
)
NATIONAL_MESSAGE = (
    "Données nationales calculées par la réplique hors ligne : somme des effectifs régionaux "
    "(fichier ij_region_data) pour le même millésime, la même voie et le même code."
)
HORIZONS = (6, 12, 18, 24)
# The order of the API's CSV columns: its statistic names, sorted.
STAT_COLUMNS = sorted(
    [
        *COUNT_FIELDS,
        "taux_en_formation",
        *(f"taux_en_emploi_{h}_mois" for h in HORIZONS),
        *(f"taux_autres_{h}_mois" for h in HORIZONS),
        "taux_rupture_contrats",
    ]
)


def percentage(part: int, whole: int) -> int:
    """Whole percentage rounded half to even, computed exactly (no float error on x.5)."""
    return round(Fraction(100 * part, whole))


def compute_stats(counts: tuple[int | None, ...]) -> dict:
    """Counts and rates of one record, before small-cohort masking (absent = not computable)."""
    values = dict(zip(COUNT_FIELDS, counts, strict=True))
    stats: dict = {name: value for name, value in values.items() if value is not None}
    total = values["nb_annee_term"]
    if not total:
        return stats
    formation = values["nb_poursuite_etudes"]
    if formation is not None:
        stats["taux_en_formation"] = percentage(formation, total)
    for horizon in HORIZONS:
        employed = values[f"nb_en_emploi_{horizon}_mois"]
        if employed is None:
            continue
        stats[f"taux_en_emploi_{horizon}_mois"] = percentage(employed, total)
        if formation is not None:
            rest = 100 - stats[f"taux_en_emploi_{horizon}_mois"] - stats["taux_en_formation"]
            stats[f"taux_autres_{horizon}_mois"] = max(0, rest)
    return stats


def mask_small_cohort(record: dict) -> dict:
    """Null every count and rate but `nb_annee_term` below 20 learners, with the API's message."""
    total = record.get("nb_annee_term")
    if total is None or total >= SMALL_COHORT:
        return record
    for key in record:
        if (key.startswith("taux_") or key.startswith("nb_")) and key != "nb_annee_term":
            record[key] = None
    record.setdefault("_meta", {}).setdefault("messages", []).insert(0, SMALL_COHORT_MESSAGE)
    return record


def closing(dataset: Dataset, code: str) -> dict:
    """`date_fermeture` / `formation_fermee` from the BCN closing date of the code's diploma."""
    diploma = dataset.diploma_of(code)
    if diploma is None or diploma.date_fermeture is None:
        return {"formation_fermee": False} if diploma else {}
    return {
        "date_fermeture": f"{diploma.date_fermeture.isoformat()}T00:00:00.000Z",
        "formation_fermee": diploma.date_fermeture < date.today(),
    }


def diplome(dataset: Dataset, code: str) -> dict | None:
    """`{code, libelle}`: the diploma's qualification level (RNCP: 3 = CAP, 4 = bac, 5 = BTS…) and its short label."""
    diploma = dataset.diploma_of(code)
    niveau = dataset.niveaux.get(diploma.niveau) if diploma else None
    if niveau is None:
        return None
    return {"code": niveau[0], "libelle": niveau[1]}


def region_of(code: str) -> dict:
    return {"code": code, "nom": REGIONS.get(code, "")}


def describe(dataset: Dataset, code: str, filiere: str, millesime: str, uai: str | None = None) -> dict:
    niveau = diplome(dataset, code)
    label = niveau["libelle"] if niveau else ""
    where = f" dispensée par l'établissement {uai}," if uai else ""
    return {
        "titre": f"Certification {code}" + (f", établissement {uai}" if uai else ""),
        "details": f"Données InserJeunes pour la certification {code} ({label} filière {filiere}){where} "
        f"pour le millesime {millesime}",
        "messages": [],
    }


def identity(dataset: Dataset, code: str, filiere: str, millesime: str) -> dict:
    """The descriptive fields every single-certification record carries."""
    record = {
        "millesime": millesime,
        "code_certification": code,
        "code_certification_type": "mef11" if len(code) == 11 else "cfd",
        "code_formation_diplome": dataset.cfd_of(code) or code,
        "filiere": filiere,
    }
    niveau = diplome(dataset, code)
    if niveau:
        record["diplome"] = niveau
    record["libelle"] = dataset.libelle_of(code)
    record.update(closing(dataset, code))
    famille = dataset.familles.get(code)
    if famille:
        record["familleMetier"] = {
            "code": famille.code,
            "libelle": famille.libelle,
            "isAnneeCommune": famille.commun == code,
        }
    return record


def stat_record(dataset: Dataset, stat: Stat, *, national: bool = False, with_meta: bool = True) -> dict:
    """The JSON record of one Stat (national, regional or per school), as the single routes answer it."""
    record = identity(dataset, stat.code, stat.filiere, stat.millesime)
    if stat.source_type == "ancienne":
        record["libelle_ancien"] = dataset.libelle_of(stat.source_code)
    record["donnee_source"] = {"code_certification": stat.source_code, "type": stat.source_type}
    if stat.region:
        record["region"] = region_of(stat.region)
    if stat.uai:
        departement = DEPARTEMENTS.get(departement_of_uai(stat.uai))
        record = {"uai": stat.uai, "libelle_etablissement": stat.libelle_etablissement, **record}
        if departement:
            record["region"] = region_of(departement[2])
            academie = departement[1]
            record["academie"] = {"code": academie, "nom": ACADEMIES.get(academie, ("", ""))[0]}
        if stat.filiere == "apprentissage":
            # The open files name one UAI per row and do not say which role it plays.
            record.update({"uai_type": "inconnu", "uai_donnee": stat.uai, "uai_donnee_type": "inconnu"})
    record.update(compute_stats(stat.counts))
    if with_meta:
        record["_meta"] = describe(dataset, stat.code, stat.filiere, stat.millesime, stat.uai)
        if national:
            record["_meta"]["messages"].append(NATIONAL_MESSAGE)
    return mask_small_cohort(record)


def filiere_record(dataset: Dataset, stats: list[Stat], millesime: str, *, national: bool) -> dict:
    """One voie of a filières view: counts summed over `stats`, rates recomputed, no salaries."""
    filiere = stats[0].filiere
    codes = sorted({stat.code for stat in stats})
    cfds = sorted({dataset.cfd_of(code) or code for code in codes})
    record: dict = {
        "millesime": millesime,
        "codes_certifications": codes,
        "codes_formation_diplome": cfds,
        "filiere": filiere,
    }
    niveaux = {str(diplome(dataset, code)) for code in codes}
    if len(niveaux) == 1 and diplome(dataset, codes[0]):
        record["diplome"] = diplome(dataset, codes[0])
    if len(cfds) == 1:
        record["code_formation_diplome"] = cfds[0]
        record["libelle"] = dataset.libelle_of(cfds[0])
        record.update(closing(dataset, cfds[0]))
    if stats[0].region:
        record["region"] = region_of(stats[0].region)
    totals: list[int | None] = [None] * len(COUNT_FIELDS)
    for stat in stats:
        for index, value in enumerate(stat.counts):
            if value is not None:
                totals[index] = (totals[index] or 0) + value
    record.update(compute_stats(tuple(totals)))
    record["_meta"] = {
        "titre": f"Certifications {', '.join(codes)}",
        "details": f"Données InserJeunes agrégées pour la filière {filiere} et le millesime {millesime}",
        "messages": [NATIONAL_MESSAGE] if national else [],
    }
    return mask_small_cohort(record)


def csv_value(value: object) -> str:
    """CSV cell: null → `null` (as the API writes it), absent → empty."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
