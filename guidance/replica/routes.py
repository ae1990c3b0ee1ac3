"""The public routes: one certification (national, regional, per school) and the filières views.

Each function returns the JSON body of a 200 or raises `ApiError`. The 404 checks run in the real API's order:
- national: no figures for the code → "Certification inconnue", else "Pas de données pour le millésime";
- national filières: no CFD → "Certifications inconnues", no figures → "Certifications inconnues";
- regional: code unknown to the BCN → "Formation inconnue", no figures in the region → "Pas de données
  disponibles", else "Pas de données pour le millésime"; filières: "Formation inconnue" / "Pas de données disponibles";
- per school: code unknown to the BCN → "Formation inconnue", UAI unknown → "Etablissement inconnu", no figures for
  the pair → "Formation inconnue", else "Pas de données pour le millésime".
Filières views answer `pro` and `apprentissage` only (never `agricole`), as the API does.
"""

from collections.abc import Callable

from guidance.replica import errors
from guidance.replica.dataset import Dataset, Stat
from guidance.replica.errors import ApiError
from guidance.replica.figures import (
    NATIONAL_MESSAGE,
    add_meta,
    describe,
    filiere_record,
    identity,
    region_of,
    stat_record,
    with_school,
)


def national(dataset: Dataset, code: str, millesime: str | None) -> dict:
    millesime = millesime or dataset.latest_national

    def single(code: str, with_meta: bool = True) -> dict:
        stats = dataset.national.get(code)
        if not stats:
            raise errors.not_found(errors.CERTIFICATION_INCONNUE)
        if millesime not in stats:
            raise errors.no_data_for_millesime(millesime, list(stats))
        return stat_record(dataset, stats[millesime], national=True, with_meta=with_meta)

    return _final_years(dataset, code, millesime, single, messages=(NATIONAL_MESSAGE,))


def regional(dataset: Dataset, region: str, code: str, millesime: str | None) -> dict:
    millesime = millesime or dataset.latest_period

    def single(code: str, with_meta: bool = True) -> dict:
        stats = dataset.regional.get((region, code), {})
        if millesime not in stats:
            if not dataset.knows(code):
                raise errors.not_found(errors.FORMATION_INCONNUE)
            if not stats:
                raise errors.not_found(errors.PAS_DE_DONNEES)
            raise errors.no_data_for_millesime(millesime, list(stats))
        return stat_record(dataset, stats[millesime], with_meta=with_meta)

    return _final_years(dataset, code, millesime, single, region=region)


def millesime_variants(millesime: str) -> list[str]:
    """Per school figures accept a year or a period: `2023` ↔ `2022_2023`."""
    if not millesime.isdigit() and "_" not in millesime:  # no data loaded at all: no latest millésime
        return [millesime]
    if "_" in millesime:
        return [millesime, millesime[-4:]]
    return [millesime, f"{int(millesime) - 1}_{millesime}"]


def formation(dataset: Dataset, uai: str, code: str, millesime: str | None) -> dict:
    """One certification at one school. As the API: the default is the latest *year*; the year and its period are
    both looked up and the newest in the API's order wins (a year sorts after its period: `2023` > `2022_2023`);
    a 404 reports the millésime asked (or defaulted)."""
    millesime = millesime or dataset.latest_school_year

    def single(code: str, with_meta: bool = True) -> dict:
        stats = dataset.formations.get((uai, code), {})
        found = max((m for m in millesime_variants(millesime) if m in stats), default=None)
        if found is None:
            if not dataset.knows(code):
                raise errors.not_found(errors.FORMATION_INCONNUE)
            if uai not in dataset.uais:
                raise errors.not_found(errors.ETABLISSEMENT_INCONNU)
            if not stats:
                raise errors.not_found(errors.FORMATION_INCONNUE, "ErrorFormationNotFound")
            raise errors.no_data_for_millesime(millesime, list(stats))
        return stat_record(dataset, stats[found], with_meta=with_meta)

    return _final_years(dataset, code, millesime, single, uai=uai)


def _final_years(
    dataset: Dataset,
    code: str,
    millesime: str,
    single: Callable[..., dict],
    *,
    region: str | None = None,
    uai: str | None = None,
    messages: tuple[str, ...] = (),
) -> dict:
    """A non-final year answers its final year's figures; a seconde commune (or several final years) answers
    `certificationsTerminales`, one entry per speciality: its figures (without titre/details, as the API) or
    `{error, millesimes, code_certification}`."""
    terminals = dataset.terminal_codes(code)
    if terminals is None:
        return single(code)
    famille = dataset.familles.get(code)
    if len(terminals) == 1 and not (famille and famille.commun == code):
        return single(terminals[0])
    entries = []
    for terminal in terminals:
        try:
            entries.append(single(terminal, with_meta=False))
        except ApiError as error:
            entries.append({"error": error.name, "millesimes": millesime.split("_"), "code_certification": terminal})
    record = identity(dataset, code, "pro", millesime)
    record["donnee_source"] = {"code_certification": code, "type": "self"}
    if region:
        record["region"] = region_of(region)
    if uai:
        school = Stat(code, "pro", millesime, (), code, uai=uai, libelle_etablissement=dataset.uais.get(uai, ""))
        record = with_school(record, school)
    record["certificationsTerminales"] = entries
    return add_meta(record, describe(dataset, code, "pro", millesime, uai=uai, region=region), *messages)


def _filieres(dataset: Dataset, stats: list[Stat], millesime: str) -> dict:
    by_filiere: dict[str, list[Stat]] = {}
    for stat in stats:
        by_filiere.setdefault(stat.filiere, []).append(stat)
    return {
        filiere: filiere_record(dataset, by_filiere[filiere], millesime)
        for filiere in ("pro", "apprentissage")
        if filiere in by_filiere
    }


def _cfds(dataset: Dataset, codes: list[str]) -> set[str]:
    return {cfd for code in codes if (cfd := dataset.cfd_of(code))}


def national_filieres(dataset: Dataset, codes: list[str], millesime: str | None) -> dict:
    """Counts summed per voie over every certification sharing the CFDs of `codes` (own figures only: figures
    carried over from a renamed diploma would be counted twice)."""
    millesime = millesime or dataset.latest_national
    cfds = _cfds(dataset, codes)
    if not cfds:
        raise errors.not_found(errors.CERTIFICATIONS_INCONNUES)
    stats = [
        stat
        for code in sorted(dataset.codes_for_cfds(cfds))
        if (stat := dataset.national[code].get(millesime)) and stat.source_type == "self"
    ]
    if not stats:
        raise errors.not_found(errors.CERTIFICATIONS_INCONNUES)
    return _filieres(dataset, stats, millesime)


def regional_filieres(dataset: Dataset, region: str, codes: list[str], millesime: str | None) -> dict:
    millesime = millesime or dataset.latest_period
    cfds = _cfds(dataset, codes)
    if not cfds:
        raise errors.not_found(errors.FORMATION_INCONNUE)
    stats = [
        stat
        for code in sorted(dataset.codes_for_cfds(cfds))
        if (stat := dataset.regional.get((region, code), {}).get(millesime)) and stat.source_type == "self"
    ]
    if not stats:
        raise errors.not_found(errors.PAS_DE_DONNEES)
    return _filieres(dataset, stats, millesime)
