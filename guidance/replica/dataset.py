"""The replica's in-memory dataset: the open-data files loaded once into indexes the routes read.

`load_dataset(opendata_dir)` reads the BCN, `ij_region_data.csv`, the school files and any per school × formation
file in the official "formation fine" layout, then builds:
- regional figures per (region, code, period) as the file gives them;
- national figures per (code, period): the counts of every region summed for the same period, voie and code,
  labelled with that period (`2022_2023`: the leavers of 2022 and 2023 added together). The real API labels its
  national figures with one year, but a sum of two cohorts labelled `2023` would read as one year's leavers;
- per school figures per (uai, code, millésime) from the "formation fine" files (`agricole` when the file says the
  rows are agricultural, see loaders.load_formation_fine);
- continuum records: when a diploma has no figures for a millésime but its unique former (or new) version has,
  those figures are served under the asked code with `donnee_source.type = ancienne` (or `nouvelle`);
- InserSup (`insersup.py`): the SISE codes of `bcn_sise/`, and national and per school figures of higher-education
  diplomas (filière `superieur`) when an `insersup/` folder holds the SIES's open dataset.
Nothing is interpolated: what the files lack stays absent.
"""

import logging
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from guidance.replica import insersup, loaders
from guidance.replica.loaders import COUNT_FIELDS, Counts, DiplomaRow, MefRow

logger = logging.getLogger(__name__)

FILIERE_OF_VOIE = {"scolaire": "pro", "scolaire_agricole": "agricole", "apprentissage": "apprentissage"}


@dataclass(frozen=True, slots=True)
class Stat:
    """Figures of one code for one millésime in one scope (national, a region or a school)."""

    code: str
    filiere: str
    millesime: str
    counts: Counts
    source_code: str
    source_type: str = "self"  # self | ancienne | nouvelle
    region: str | None = None
    uai: str | None = None
    libelle_etablissement: str = ""
    salaries: insersup.Salaries | None = None  # InserSup's national quartiles 12 months after (q1, q2, q3)


@dataclass(frozen=True, slots=True)
class Famille:
    code: str
    libelle: str
    commun: str  # MEFSTAT11 of the seconde commune
    specialites: tuple[str, ...]  # final-year MEFSTAT11 of each speciality


@dataclass
class Dataset:
    diplomas: dict[str, DiplomaRow] = field(default_factory=dict)
    niveaux: dict[str, str] = field(default_factory=dict)  # CFD's first 3 chars → short label (CAP, BAC PRO…)
    mefs: dict[str, MefRow] = field(default_factory=dict)
    familles: dict[str, Famille] = field(default_factory=dict)  # by any MEFSTAT11 of the famille
    uais: dict[str, str] = field(default_factory=dict)
    # INSEE region code → InserJeunes' region code, the `code_region_academique` of the API's regional records.
    regions_academiques: dict[str, str] = field(default_factory=dict)
    national: dict[str, dict[str, Stat]] = field(default_factory=dict)
    regional: dict[tuple[str, str], dict[str, Stat]] = field(default_factory=dict)
    formations: dict[tuple[str, str], dict[str, Stat]] = field(default_factory=dict)
    latest_period: str = ""
    latest_year: str = ""
    latest_school_year: str = ""  # the last year of the newest per school millésime (the per school default)
    # InserSup: the SISE codes (what "the formation exists" means for them) and the API's `diplome` per SISE type,
    # the defaults of its routes (the newest year, nationally and per school), and whether any figure was loaded.
    sise: dict[str, insersup.SiseRow] = field(default_factory=dict)
    sise_types: dict[str, dict[str, str]] = field(default_factory=dict)
    latest_sup_year: str = ""
    latest_sup_school_year: str = ""
    has_insersup: bool = False
    load_seconds: float = 0.0
    _terminals: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    _anciens: dict[str, list[str]] = field(default_factory=dict)

    # --- BCN lookups ---------------------------------------------------------------------------------------
    def knows(self, code: str) -> bool:
        """The BCN knows this CFD or MEFSTAT11 (what the API calls "the formation exists")."""
        return code in self.diplomas or code in self.mefs

    def cfd_of(self, code: str) -> str | None:
        if code in self.mefs:
            return self.mefs[code].cfd
        return code if code in self.diplomas else None

    def diploma_of(self, code: str) -> DiplomaRow | None:
        cfd = self.cfd_of(code)
        return self.diplomas.get(cfd) if cfd else None

    def libelle_of(self, code: str) -> str:
        """The diploma's long label, for a MEFSTAT11 too (the API replaces a MEF's own label by its CFD's)."""
        diploma = self.diploma_of(code)
        if diploma and diploma.libelle:
            return diploma.libelle
        return self.mefs[code].libelle if code in self.mefs else ""

    def libelle_ancien_of(self, code: str) -> str | None:
        """The first former label that differs from the current one, walking back one-to-one renamings.

        As the API builds it: accents and outer spaces ignored, a former label contained in the current one
        does not count (`CUISINE` → `CUISINE (CAP)`).
        """
        diploma = self.diploma_of(code)
        if diploma is None:
            return None
        current = _plain(diploma.libelle)
        seen = {diploma.cfd}
        anciens = self._anciens.get(diploma.cfd, [])
        while len(anciens) == 1 and anciens[0] not in seen:
            previous = self.diplomas.get(anciens[0])
            if previous is None:
                return None
            seen.add(previous.cfd)
            label = _plain(previous.libelle)
            if label != current and label not in current:
                return previous.libelle
            anciens = self._anciens.get(previous.cfd, [])
        return None

    def date_fermeture_of(self, code: str):
        """A MEFSTAT11 closes on its MEF's own date (not its diploma's); a CFD on the diploma's."""
        if code in self.mefs:
            return self.mefs[code].date_fermeture
        diploma = self.diplomas.get(code)
        return diploma.date_fermeture if diploma else None

    def terminal_codes(self, code: str) -> list[str] | None:
        """Final-year MEFSTAT11 of a non-final-year MEFSTAT11 (None when the code is final-year, a CFD or unknown).

        A seconde commune gives its famille's specialities; another first or second year gives the final year of
        the same diploma and dispositif.
        """
        famille = self.familles.get(code)
        if famille and famille.commun == code:
            return list(famille.specialites)
        mef = self.mefs.get(code)
        if mef is None or not mef.duree or mef.annee >= mef.duree:
            return None
        return self._terminals.get((mef.cfd, mef.dispositif)) or None

    # --- figures -------------------------------------------------------------------------------------------
    def codes_for_cfds(self, cfds: Iterable[str]) -> set[str]:
        wanted = set(cfds)
        return {code for code in self.national if self.cfd_of(code) in wanted}

    @property
    def latest_national(self) -> str:
        """The default millésime of the national routes: national sums carry their regional period."""
        return self.latest_period

    @property
    def is_empty(self) -> bool:
        return not self.diplomas and not self.national


def load_dataset(opendata_dir: str | Path | None, *, formation_files: Iterable[Path] = ()) -> Dataset:
    """Everything the replica serves, from `opendata_dir` (+ extra "formation fine" files, e.g. test fixtures).

    A missing or empty folder gives an empty dataset (every figure then answers the API's 404s).
    """
    started = time.perf_counter()
    root = Path(opendata_dir) if opendata_dir else None
    dataset = Dataset()
    if root is None or not root.is_dir():
        logger.warning("replica: OPENDATA_DIR %r is missing; every figure will answer 404", str(opendata_dir or ""))
    else:
        bcn = root / "bcn"
        dataset.diplomas = loaders.load_diplomas(bcn)
        dataset.niveaux = loaders.load_niveaux(bcn)
        dataset.mefs = loaders.load_mefs(bcn)
        _index_terminals(dataset)
        _index_anciens(dataset)
        _index_familles(dataset, loaders.load_familles(bcn), *loaders.load_famille_codes(bcn))
        dataset.uais = loaders.load_known_uais(root)
        regional_rows = loaders.load_regional(root / "inserjeunes_regional_par_formation" / "ij_region_data.csv")
        _index_regional(dataset, regional_rows)
        formation_files = [*sorted(root.glob(loaders.FORMATION_FINE_GLOB)), *formation_files]
    formation_rows = [row for path in formation_files for row in loaders.load_formation_fine(Path(path))]
    _index_formations(dataset, formation_rows)
    _add_continuum(dataset)
    if root is not None and root.is_dir():
        dataset.sise, dataset.sise_types = insersup.load_sise(root)
        index_insersup(dataset, insersup.load_insersup(root))
    dataset.load_seconds = time.perf_counter() - started
    logger.info(
        "replica: dataset loaded in %.2fs (%d diplomas, %d MEF, %d UAI, %d national codes, %d regional pairs)",
        dataset.load_seconds,
        len(dataset.diplomas),
        len(dataset.mefs),
        len(dataset.uais),
        len(dataset.national),
        len(dataset.regional),
    )
    return dataset


def _index_terminals(dataset: Dataset) -> None:
    terminals: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mef in dataset.mefs.values():
        if mef.duree and mef.annee == mef.duree:
            terminals[(mef.cfd, mef.dispositif)].append(mef.mefstat11)
    dataset._terminals = {key: sorted(codes) for key, codes in terminals.items()}


def _index_anciens(dataset: Dataset) -> None:
    """Former diplomas of each CFD, both ways as the API links them: X's ANCIEN_DIPLOME_n, and every Y that names
    X among its NOUVEAU_DIPLOME_n."""
    anciens: dict[str, dict[str, None]] = defaultdict(dict)
    for cfd, diploma in dataset.diplomas.items():
        for ancien in diploma.anciens:
            if ancien != cfd:
                anciens[cfd][ancien] = None
        for nouveau in diploma.nouveaux:
            if nouveau != cfd:
                anciens[nouveau][cfd] = None
    dataset._anciens = {cfd: list(codes) for cfd, codes in anciens.items()}


def _plain(label: str) -> str:
    return unicodedata.normalize("NFKD", label.strip()).encode("ascii", "ignore").decode()


def _index_familles(
    dataset: Dataset, rows: list[loaders.FamilleRow], codes_by_mef: dict[str, str], labels: dict[str, str]
) -> None:
    grouped: dict[str, list[loaders.FamilleRow]] = defaultdict(list)
    for row in rows:
        grouped[row.mefstat11_commun].append(row)
    for commun, members in grouped.items():
        mef = dataset.mefs.get(commun)
        code = codes_by_mef.get(mef.mef, "") if mef else ""
        famille = Famille(
            code=code,
            libelle=labels.get(code) or members[0].famille,
            commun=commun,
            specialites=tuple(dict.fromkeys(row.mefstat11_specialite for row in members)),
        )
        dataset.familles[commun] = famille
        for code in famille.specialites:
            dataset.familles.setdefault(code, famille)


def _index_regional(dataset: Dataset, rows: list[loaders.RegionalRow]) -> None:
    sums: dict[tuple[str, str, str], list[int | None]] = {}
    for row in rows:
        filiere = FILIERE_OF_VOIE[row.voie]
        stat = Stat(row.code, filiere, row.millesime, row.counts, row.code, region=row.region)
        dataset.regional.setdefault((row.region, row.code), {})[row.millesime] = stat
        if row.region_academique:
            dataset.regions_academiques[row.region] = row.region_academique
        key = (row.code, filiere, row.millesime)
        total = sums.setdefault(key, [None] * len(COUNT_FIELDS))
        for index, value in enumerate(row.counts):
            if value is not None:
                total[index] = (total[index] or 0) + value
    for (code, filiere, period), counts in sums.items():
        dataset.national.setdefault(code, {})[period] = Stat(code, filiere, period, tuple(counts), code)
    periods = {row.millesime for row in rows}
    dataset.latest_period = max(periods, default="")
    dataset.latest_year = dataset.latest_period[-4:]


def _index_formations(dataset: Dataset, rows: list[loaders.FormationRow]) -> None:
    for row in rows:
        filiere = FILIERE_OF_VOIE[row.voie]
        name = row.libelle_etablissement or dataset.uais.get(row.uai, "")
        stat = Stat(row.code, filiere, row.millesime, row.counts, row.code, uai=row.uai, libelle_etablissement=name)
        dataset.formations.setdefault((row.uai, row.code), {})[row.millesime] = stat
        # A school with figures is a known school even when no directory file lists it.
        dataset.uais.setdefault(row.uai, name)
        if not dataset.latest_period and "_" in row.millesime:
            dataset.latest_period = row.millesime
            dataset.latest_year = row.millesime[-4:]
    # The API's per school default is a year: the last year of its newest per school millésime.
    years = [millesime[-4:] for stats in dataset.formations.values() for millesime in stats]
    dataset.latest_school_year = max(years, default=dataset.latest_period[-4:])


def index_insersup(dataset: Dataset, rows: list[insersup.InserSupRow]) -> None:
    """InserSup's figures: national ones per (code, year), per school ones per (uai, code, millésime) with the
    national salaries of the same diploma and year (the first row of a key wins: upstream keeps one discipline)."""
    for row in rows:
        if not row.uai:
            stat = Stat(row.code, insersup.FILIERE, row.millesime, row.counts, row.code, salaries=row.salaries)
            dataset.national.setdefault(row.code, {}).setdefault(row.millesime, stat)
    for row in rows:
        if row.uai:
            national = dataset.national.get(row.code, {}).get(row.millesime[-4:])
            stat = Stat(
                row.code,
                insersup.FILIERE,
                row.millesime,
                row.counts,
                row.code,
                uai=row.uai,
                libelle_etablissement=row.libelle_etablissement,
                salaries=national.salaries if national else None,
            )
            dataset.formations.setdefault((row.uai, row.code), {}).setdefault(row.millesime, stat)
            dataset.uais.setdefault(row.uai, row.libelle_etablissement)
    dataset.has_insersup = bool(rows)
    dataset.latest_sup_year = max((row.millesime for row in rows if not row.uai), default="")
    dataset.latest_sup_school_year = max((row.millesime[-4:] for row in rows if row.uai), default="")


def continuum_pairs(dataset: Dataset) -> list[tuple[str, str]]:
    """(new code, former code) pairs where the BCN link is one-to-one, for CFDs and their final-year MEFSTAT11.

    Only one-to-one renamings carry figures over: a diploma split or merged would attribute one cohort to several.
    """
    pairs = []
    for cfd, diploma in dataset.diplomas.items():
        if len(diploma.anciens) != 1:
            continue
        former = dataset.diplomas.get(diploma.anciens[0])
        if former is None or former.nouveaux != (cfd,):
            continue
        pairs.append((cfd, former.cfd))
    finals: dict[str, dict[str, str]] = defaultdict(dict)  # CFD → dispositif → final-year MEFSTAT11
    for mef in dataset.mefs.values():
        if mef.duree and mef.annee == mef.duree:
            finals[mef.cfd][mef.dispositif] = mef.mefstat11
    for new_cfd, old_cfd in list(pairs):
        for dispositif, code in finals.get(new_cfd, {}).items():
            if old_code := finals.get(old_cfd, {}).get(dispositif):
                pairs.append((code, old_code))
    return pairs


def _add_continuum(dataset: Dataset) -> None:
    pairs = continuum_pairs(dataset)
    if not pairs:
        return
    for new_code, old_code in pairs:
        _carry(dataset.national, new_code, old_code, lambda code: code)
    regions = {region for region, _ in dataset.regional}
    for region in regions:
        for new_code, old_code in pairs:
            _carry(dataset.regional, (region, new_code), (region, old_code), lambda key: key[1])
    uais = {uai for uai, _ in dataset.formations}
    for uai in uais:
        for new_code, old_code in pairs:
            _carry(dataset.formations, (uai, new_code), (uai, old_code), lambda key: key[1])


def _carry(index: dict, new_key, old_key, code_of) -> None:
    """Fill the millésimes one side lacks with the other side's own figures (never already carried ones)."""
    new_stats, old_stats = index.get(new_key, {}), index.get(old_key, {})
    additions_new = {
        millesime: _relabel(stat, code_of(new_key), "ancienne")
        for millesime, stat in old_stats.items()
        if millesime not in new_stats and stat.source_type == "self"
    }
    additions_old = {
        millesime: _relabel(stat, code_of(old_key), "nouvelle")
        for millesime, stat in new_stats.items()
        if millesime not in old_stats and stat.source_type == "self"
    }
    if additions_new:
        index.setdefault(new_key, {}).update(additions_new)
    if additions_old:
        index.setdefault(old_key, {}).update(additions_old)


def _relabel(stat: Stat, code: str, source_type: str) -> Stat:
    return Stat(
        code,
        stat.filiere,
        stat.millesime,
        stat.counts,
        stat.code,
        source_type,
        stat.region,
        stat.uai,
        stat.libelle_etablissement,
    )
