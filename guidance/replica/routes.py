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
from dataclasses import dataclass
from typing import NoReturn

from guidance.replica import errors
from guidance.replica.dataset import Dataset, Stat
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


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where a single route looks: `stats(code)` = millésime → Stat, `pick(stats)` = the millésime it answers (None:
    none fits), `missing(code, stats)` raises its 404 in the API's order."""

    stats: Callable[[str], dict[str, Stat]]
    pick: Callable[[dict], str | None]
    missing: Callable[[str, dict], NoReturn]
    region: str | None = None
    uai: str | None = None
    national: bool = False  # national sums: `_meta.messages` says how the replica made them


def is_sise(code: str) -> bool:
    """A bare code of 7 characters is a SISE code (a CFD has 8, a MEFSTAT11 11): InserSup's, with its own latest
    millésimes (upstream `getLastMillesimesFor(filiere)`)."""
    return len(code) == 7


def national(dataset: Dataset, code: str, millesime: str | None) -> dict:
    millesime = millesime or (dataset.latest_sup_year if is_sise(code) else dataset.latest_national)

    def missing(code: str, stats: dict) -> NoReturn:
        if not stats:
            raise errors.not_found(errors.CERTIFICATION_INCONNUE)
        raise errors.no_data_for_millesime(millesime, list(stats))

    scope = _Scope(
        lambda code: dataset.national.get(code, {}),
        lambda stats: millesime if millesime in stats else None,
        missing,
        national=True,
    )
    return _answer(dataset, code, scope)


def regional(dataset: Dataset, region: str, code: str, millesime: str | None) -> dict:
    millesime = millesime or dataset.latest_period

    def missing(code: str, stats: dict) -> NoReturn:
        if not dataset.knows(code):
            raise errors.not_found(errors.FORMATION_INCONNUE)
        if not stats:
            raise errors.not_found(errors.PAS_DE_DONNEES)
        raise errors.no_data_for_millesime(millesime, list(stats))

    scope = _Scope(
        lambda code: dataset.regional.get((region, code), {}),
        lambda stats: millesime if millesime in stats else None,
        missing,
        region=region,
    )
    return _answer(dataset, code, scope)


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
    millesime = millesime or (dataset.latest_sup_school_year if is_sise(code) else dataset.latest_school_year)
    variants = millesime_variants(millesime)

    def missing(code: str, stats: dict) -> NoReturn:
        # A SISE code exists when upstream's `bcn_sise` has it (formationsRoutes.js), a CFD or MEFSTAT11 in its BCN.
        if not (code in dataset.sise if is_sise(code) else dataset.knows(code)):
            raise errors.not_found(errors.FORMATION_INCONNUE)
        if uai not in dataset.uais:
            raise errors.not_found(errors.ETABLISSEMENT_INCONNU)
        if not stats:
            raise errors.not_found(errors.FORMATION_INCONNUE, "ErrorFormationNotFound")
        raise errors.no_data_for_millesime(millesime, list(stats))

    scope = _Scope(
        lambda code: dataset.formations.get((uai, code), {}),
        lambda stats: max((m for m in variants if m in stats), default=None),
        missing,
        uai=uai,
    )
    return _answer(dataset, code, scope)


def _single(dataset: Dataset, code: str, scope: _Scope, *, with_meta: bool = True) -> dict:
    stats = scope.stats(code)
    found = scope.pick(stats)
    if found is None:
        scope.missing(code, stats)
    return stat_record(dataset, stats[found], national=scope.national, with_meta=with_meta)


def _answer(dataset: Dataset, code: str, scope: _Scope) -> dict:
    """A final year answers its figures and a non-final year its final year's. A seconde commune (or a year with
    several final years) answers `certificationsTerminales`, as the API's importSecondeCommune builds it: the
    specialities with their own figures for the millésime in that scope, sorted by `libelle` (stats.js
    statsAnneeTerminale); none → the 404 of the seconde commune's own code."""
    terminals = dataset.terminal_codes(code)
    famille = dataset.familles.get(code)
    commune = famille is not None and famille.commun == code
    if terminals is None:
        return _single(dataset, code, scope)
    if len(terminals) == 1 and not commune:
        return _single(dataset, terminals[0], scope)
    own = {
        terminal: {m for m, stat in scope.stats(terminal).items() if stat.source_type == "self"}
        for terminal in terminals
    }
    # The API stores one seconde commune record per millésime in which a speciality has figures of its own.
    millesimes = {millesime: None for found in own.values() for millesime in sorted(found)}
    found = scope.pick(millesimes)
    if found is None:
        scope.missing(code, millesimes)
    entries = [_single(dataset, terminal, scope, with_meta=False) for terminal in terminals if found in own[terminal]]
    # The API keeps the scolaire and the agricultural specialities in two records; `first` finds the `pro` one.
    filiere = "pro" if any(entry["filiere"] == "pro" for entry in entries) else entries[0]["filiere"]
    entries = sorted((entry for entry in entries if entry["filiere"] == filiere), key=lambda entry: entry["libelle"])
    # No `donnee_source`: the API's seconde commune records have none (importSecondeCommune.js).
    record = identity(dataset, code, filiere, found)
    if scope.region:
        record["region"] = region_of(scope.region, dataset)
    if scope.uai:
        name = dataset.uais.get(scope.uai, "")
        school = Stat(code, filiere, found, (), code, uai=scope.uai, libelle_etablissement=name)
        record = with_school(record, school)
    record["certificationsTerminales"] = entries
    description = describe(dataset, code, filiere, found, uai=scope.uai, region=scope.region)
    return add_meta(record, description, *([NATIONAL_MESSAGE] if scope.national else []))


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
