"""Counts → the API's figures: rates, small-cohort masking, the JSON records the routes answer.

Rates are whole percentages of `nb_annee_term`, rounded half to even (exact, on fractions: 12.5 → 12, 13.5 → 14);
`taux_autres_X = max(0, 100 − taux_en_emploi_X − taux_en_formation)` from the rounded rates. Below 20 learners,
every count and rate but `nb_annee_term` is null and `_meta.messages` says so. In a single record a count the files
lack is absent, and so are the rates derived from it; a filières view gives it as null, as the API's aggregation
does. InserJeunes' open data holds no salaries: the salary fields are absent but on InserSup records (`insersup.py`).
"""

from datetime import date
from fractions import Fraction

from guidance.inserjeunes.codes import departement_of_uai
from guidance.inserjeunes.territories import ACADEMIES, DEPARTEMENTS, REGIONS
from guidance.replica.dataset import Dataset, Stat
from guidance.replica.loaders import COUNT_FIELDS

SMALL_COHORT = 20
SUPERIEUR = "superieur"  # InserSup's filière
SMALL_COHORT_MESSAGE = (
    "Les taux ne peuvent pas être affichés car il n'y a pas assez d'élèves pour fournir une information fiable."
)
# Shown on pages under the national figures: a family's words (how it is computed: summing `ij_region_data`).
NATIONAL_MESSAGE = (
    "InserJeunes, France entière : somme des régions, pour la même promotion, la même voie et le même diplôme."
)
# The API's first digit of a CFD → the diploma's level code (bcn.js ANCIENS_NIVEAUX_MAPPER): 5 = CAP → "3",
# 4 = bac → "4", 3 = BTS → "5", 2 = licence → "6", 1 = master or doctorate → "7", 0 = mention complémentaire.
LEVEL_OF_FIRST_DIGIT = {"5": "3", "4": "4", "3": "5", "2": "6", "1": "7", "0": "0"}
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


def mask_small_cohort(record: dict, *, unknown_is_small: bool = False) -> dict:
    """Null every count and rate but `nb_annee_term` below 20 learners, with the API's message.

    `unknown_is_small`: a filières view whose certifications all lack `nb_annee_term` sums it to null, which the API
    then treats as a small cohort (its JavaScript test `null < 20` is true).
    """
    total = record.get("nb_annee_term")
    if total is None and not (unknown_is_small and "nb_annee_term" in record):
        return record
    if total is not None and total >= SMALL_COHORT:
        return record
    for key in record:
        if (key.startswith("taux_") or key.startswith("nb_")) and key != "nb_annee_term":
            record[key] = None
    record.setdefault("_meta", {}).setdefault("messages", []).insert(0, SMALL_COHORT_MESSAGE)
    return record


def iso_date(day: date) -> str:
    return f"{day.isoformat()}T00:00:00.000Z"


def closing(dataset: Dataset, code: str) -> dict:
    """`date_fermeture` / `formation_fermee`: a MEFSTAT11's own MEF closing date, a CFD's diploma closing date."""
    closed_on = dataset.date_fermeture_of(code)
    if closed_on is None:
        return {"formation_fermee": False}
    return {"date_fermeture": iso_date(closed_on), "formation_fermee": closed_on < date.today()}


def diplome(dataset: Dataset, code: str) -> dict | None:
    """`{code, libelle}` as the API builds it from the CFD: its first digit gives the level code (5 → "3" for a CAP,
    0 → "0" for a mention complémentaire, 1 → "7"), its first three the short label; unknown → no `diplome`. A SISE
    code's is its type's (upstream `getDiplomeSup`: the type's `niveau_interministeriel`, its short label)."""
    if code in dataset.sise:
        return dataset.sise_types.get(dataset.sise[code].type_code)
    cfd = dataset.cfd_of(code)
    level = LEVEL_OF_FIRST_DIGIT.get(cfd[:1]) if cfd else None
    label = dataset.niveaux.get(cfd[:3]) if cfd else None
    if not level or not label:
        return None
    return {"code": level, "libelle": label}


def region_of(code: str, dataset: Dataset | None = None) -> dict:
    """`{code, nom}`; given the dataset, also `code_region_academique` (InserJeunes' region code), which the API
    keeps on regional records and regional filières views but not on per school ones."""
    region = {"code": code, "nom": REGIONS.get(code, "")}
    if dataset is not None and (academique := dataset.regions_academiques.get(code)):
        region["code_region_academique"] = academique
    return region


def describe(dataset: Dataset, code: str, filiere: str, millesime: str, *, uai=None, region=None) -> dict:
    """`_meta.titre` / `_meta.details`, worded as the API's buildDescription (a school's answer names no region)."""
    niveau = diplome(dataset, code)
    label = niveau["libelle"] if niveau else ""
    where = f" dispensée par l'établissement {uai}," if uai else ""
    in_region = f" et la région {REGIONS.get(region, '')}" if region and not uai else ""
    source = "InserSup" if filiere == SUPERIEUR else "InserJeunes"
    return {
        "titre": f"Certification {code}" + (f", établissement {uai}" if uai else ""),
        "details": f"Données {source} pour la certification {code} ({label} filière {filiere}){where} "
        f"pour le millésime {millesime}{in_region}",
    }


def add_meta(record: dict, description: dict, *messages: str) -> dict:
    """`_meta` = the messages already there (small cohort) + ours, only when there is one, then titre/details."""
    meta = record.pop("_meta", {})
    kept = [*meta.get("messages", []), *messages]
    record["_meta"] = {**({"messages": kept} if kept else {}), **description}
    return record


def identity(dataset: Dataset, code: str, filiere: str, millesime: str) -> dict:
    """The descriptive fields every single-certification record carries."""
    if filiere == SUPERIEUR:
        return _sise_identity(dataset, code, millesime)
    record: dict[str, object] = {
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
    if ancien := dataset.libelle_ancien_of(code):
        record["libelle_ancien"] = ancien
    record.update(closing(dataset, code))
    famille = dataset.familles.get(code)
    if famille:
        record["familleMetier"] = {
            "code": famille.code,
            "libelle": famille.libelle,
            "isAnneeCommune": famille.commun == code,
        }
    return record


def _sise_identity(dataset: Dataset, code: str, millesime: str) -> dict:
    """An InserSup record's description, as upstream's getCertificationSupInfo gives it: no CFD, the SISE table's
    `LIBELLE_INTITULE_1`, the type's `diplome`, its closing date."""
    record: dict[str, object] = {
        "millesime": millesime,
        "code_certification": code,
        "code_certification_type": "sise",
        "filiere": SUPERIEUR,
    }
    if niveau := diplome(dataset, code):
        record["diplome"] = niveau
    row = dataset.sise.get(code)
    record["libelle"] = row.libelle if row else ""
    closed_on = row.date_fermeture if row else None
    if closed_on is not None:
        record["date_fermeture"] = iso_date(closed_on)
    record["formation_fermee"] = closed_on is not None and closed_on < date.today()
    return record


def with_school(record: dict, stat: Stat) -> dict:
    """`record` with what a per school answer says about its school: `uai` and `libelle_etablissement` first, the
    académie / région of its département, and the UAI's role.

    In the school track the place of training is also the formateur and the gestionnaire (as the API records it);
    the open apprenticeship files name one UAI per row without its role (`inconnu`).
    """
    uai = stat.uai or ""
    record = {"uai": uai, "libelle_etablissement": stat.libelle_etablissement, **record}
    departement = DEPARTEMENTS.get(departement_of_uai(uai))
    if departement:
        record["region"] = region_of(departement[2])
        academie = departement[1]
        record["academie"] = {"code": academie, "nom": ACADEMIES.get(academie, ("", ""))[0]}
    if stat.filiere == SUPERIEUR:
        return record  # InserSup's school records name no role (importFormationsSupStats.js)
    if stat.filiere == "apprentissage":
        record.update({"uai_type": "inconnu", "uai_donnee": uai, "uai_donnee_type": "inconnu"})
    else:
        record.update(
            {
                "uai_type": "lieu_formation",
                "uai_donnee": uai,
                "uai_donnee_type": "lieu_formation",
                "uai_formateur": [uai],
                "uai_gestionnaire": [uai],
            }
        )
    return record


def stat_record(dataset: Dataset, stat: Stat, *, national: bool = False, with_meta: bool = True) -> dict:
    """The JSON record of one Stat (national, regional or per school), as the single routes answer it.

    `with_meta=False` (lists, `certificationsTerminales` entries): no titre/details, `_meta` only for small cohorts.
    """
    record = identity(dataset, stat.code, stat.filiere, stat.millesime)
    record["donnee_source"] = {"code_certification": stat.source_code, "type": stat.source_type}
    if stat.region:
        record["region"] = region_of(stat.region, dataset)
    if stat.uai:
        record = with_school(record, stat)
    record.update(compute_stats(stat.counts))
    if stat.salaries:  # InserSup's national quartiles, left as they are below 20 learners (as the API leaves them)
        quartiles = zip(("salaire_12_mois_q1", "salaire_12_mois_q2", "salaire_12_mois_q3"), stat.salaries, strict=True)
        record.update({name: value for name, value in quartiles if value is not None})
    record = mask_small_cohort(record)
    if with_meta:
        description = describe(dataset, stat.code, stat.filiere, stat.millesime, uai=stat.uai, region=stat.region)
        # Only InserJeunes' national figures are the replica's sums of regions; InserSup's are the SIES's own.
        summed = national and stat.filiere != SUPERIEUR
        add_meta(record, description, *([NATIONAL_MESSAGE] if summed else []))
    return record


def aggregate_stats(totals: list[int | None]) -> dict:
    """Counts and rates of a filières view, as the API's aggregation computes them: every count is given (null when
    no certification has it), a rate built on a null count is null, `taux_autres_X` is null when both its counts
    are null or zero (MongoDB's `$not` is true for 0 as for null), and no rate is given when there is no final-year
    count."""
    values = dict(zip(COUNT_FIELDS, totals, strict=True))
    stats: dict = dict(values)
    total = values["nb_annee_term"]

    def rate(count: int | None) -> int | None:
        return None if count is None or not total else percentage(count, total)

    for horizon in HORIZONS:
        employed, formation = values[f"nb_en_emploi_{horizon}_mois"], values["nb_poursuite_etudes"]
        if not employed and not formation:
            stats[f"taux_autres_{horizon}_mois"] = None
        elif total:
            parts = [percentage(count, total) for count in (employed, formation) if count is not None]
            stats[f"taux_autres_{horizon}_mois"] = max(0, 100 - sum(parts))
        if total:
            stats[f"taux_en_emploi_{horizon}_mois"] = rate(employed)
    if total:
        stats["taux_en_formation"] = rate(values["nb_poursuite_etudes"])
    return stats


def filiere_record(dataset: Dataset, stats: list[Stat], millesime: str) -> dict:
    """One voie of a filières view: counts summed over `stats`, rates recomputed, no salaries, no titre/details."""
    filiere = stats[0].filiere
    codes = sorted({stat.code for stat in stats})
    cfds = sorted({dataset.cfd_of(code) or code for code in codes})
    record: dict = {
        "millesime": millesime,
        "codes_certifications": codes,
        "codes_formation_diplome": cfds,
        "filiere": filiere,
    }
    diplomes = [found for code in codes if (found := diplome(dataset, code))]
    if diplomes and all(found == diplomes[0] for found in diplomes):
        record["diplome"] = diplomes[0]
    if len(cfds) == 1:
        record["code_formation_diplome"] = cfds[0]
        record["libelle"] = dataset.libelle_of(codes[0])
        if ancien := dataset.libelle_ancien_of(codes[0]):
            record["libelle_ancien"] = ancien
    if stats[0].region:
        record["region"] = region_of(stats[0].region, dataset)
    totals: list[int | None] = [None] * len(COUNT_FIELDS)
    for stat in stats:
        for index, value in enumerate(stat.counts):
            if value is not None:
                totals[index] = (totals[index] or 0) + value
    record.update(aggregate_stats(totals))
    # Closing information only for the certifications of one CFD (a date when they share one), never for several
    # CFDs asked together: upstream's tests ("on n'obtient pas les informations de fermeture", aggregated filières).
    if len(cfds) == 1:
        dates = {closed_on for code in codes if (closed_on := dataset.date_fermeture_of(code))}
        if len(dates) == 1:
            record["date_fermeture"] = iso_date(next(iter(dates)))
        record["formation_fermee"] = len(dates) == 1 and next(iter(dates)) < date.today()
    return mask_small_cohort(record, unknown_is_small=True)


def csv_value(value: object) -> str:
    """CSV cell: null → `null` (as the API writes it), absent → empty."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
