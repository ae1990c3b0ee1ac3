"""ROME 4.60 referential, appellations, domaines, ROME ↔ Onisep métiers, Certif Info and Onisep Idéo-Formations.

Files of `formations_metiers_rome/` and `onisep_ideo_formations_2022/` (see their PROVENANCE.md), read as they are.
Certif Info rows are grouped by CFD (`Code_Scolarité`): a CFD has several rows for its mentions (DE JEPS: 84), so
its ROME codes are the union of its rows', each with the best position it was declared at.
"""

import re
from pathlib import Path

from guidance.catalog.importers.base import Report, RowRejected
from guidance.orientation.importers.common import missing, replace_all, rows
from guidance.orientation.models import (
    FormationJob,
    JobTitle,
    OnisepFormation,
    OnisepJob,
    ProfessionalDomain,
    RomeCode,
)

ROME_FOLDER = "formations_metiers_rome"
IDEO_FILE = "onisep_ideo_formations_2022/ideo-formations_initiales_en_france.csv"
_ROME_RE = re.compile(r"^[A-N][0-9]{4}$")
_CFD_RE = re.compile(r"^[0-9A-Z]{8}$")
_FOR_RE = re.compile(r"(FOR\.[0-9]+)$")
_ONISEP_MET_RE = re.compile(r"^https://www\.onisep\.fr/\S+/MET\.[0-9]+$")


def _rome(value: str) -> str:
    code = value.strip().upper()
    if not _ROME_RE.match(code):
        raise RowRejected("code ROME invalide", value)
    return code


def _import_referential(folder: Path, report: Report) -> set[str]:
    path = folder / "unix_referentiel_code_rome_v460_utf8.csv"
    if missing(path, report):
        return set()
    objects = []
    for number, row in rows(path, report, delimiter=","):
        try:
            code = _rome(row["code_rome"])
            parent = _rome(row["code_rome_parent"]) if row["code_rome_parent"] else code
        except RowRejected as error:
            report.reject(path.name, number, str(error), error.value)
            continue
        objects.append(
            RomeCode(
                code=code,
                label=row["libelle_rome"],
                parent_code=parent,
                transition_eco=row["transition_eco"],
                regulated=row["emploi_reglemente"] == "O",
            )
        )
    replace_all(RomeCode, objects, report)
    return {o.code for o in objects}


def _import_domains(folder: Path, report: Report) -> None:
    path = folder / "domaine_professionnel.csv"
    if missing(path, report):
        return
    objects = [
        ProfessionalDomain(code=row["code_domaine_professionnel"], label=row["libelle_domaine_professionnel"])
        for _, row in rows(path, report)
    ]
    replace_all(ProfessionalDomain, objects, report)


def _import_titles(folder: Path, report: Report, known: set[str]) -> None:
    path = folder / "metier.csv"
    if missing(path, report):
        return
    objects = []
    for number, row in rows(path, report):
        try:
            code = _rome(row["code_rome"])
        except RowRejected as error:
            report.reject(path.name, number, str(error), error.value)
            continue
        if known and code not in known:
            report.reject(path.name, number, "code ROME absent du référentiel 4.60", code)
            continue
        long_label, short_label = row["libelle_appellation_long"], row["libelle_appellation_court"]
        objects.append(
            JobTitle(
                ogr_code=row["code_ogr"],
                label=long_label,
                short_label=short_label,
                rome_code=code,
                is_main=row["classification"] == "PRINCIPALE",  # search_words: indexed by guidance.search
            )
        )
    replace_all(JobTitle, objects, report)


def _import_onisep_jobs(folder: Path, report: Report) -> None:
    path = folder / "romeMetier.csv"
    if missing(path, report):
        return
    found: dict[tuple[str, str], OnisepJob] = {}
    for number, row in rows(path, report):
        try:
            code = _rome(row["Code ROME"])
        except RowRejected as error:
            report.reject(path.name, number, str(error), error.value)
            continue
        url = row["lien site onisep.fr"]
        if not _ONISEP_MET_RE.match(url):
            report.reject(path.name, number, "lien Onisep absent ou invalide", url)
            continue
        if (code, url) in found:
            report.reject(path.name, number, "doublon (ROME, métier Onisep)", code)
            continue
        found[(code, url)] = OnisepJob(rome_code=code, label=row["libellé métier onisep"], url=url)
    replace_all(OnisepJob, list(found.values()), report)


def _import_certif_info(folder: Path, report: Report) -> dict[str, set[str]]:
    """FormationJob rows; returns Onisep FOR id → CFDs (for Idéo-Formations)."""
    path = folder / "certif_info.csv"
    if missing(path, report):
        return {}
    by_key: dict[tuple[str, str], FormationJob] = {}
    ideo: dict[str, set[str]] = {}
    for number, row in rows(path, report):
        cfd = row["Code_Scolarité"].strip().upper()
        if not cfd:
            report.reject(path.name, number, "sans code de scolarité (CFD) : hors BCN")
            continue
        if not _CFD_RE.match(cfd):
            report.reject(path.name, number, "CFD invalide", cfd)
            continue
        ideo_id = row["codeIdeo2"].strip()
        if ideo_id:
            ideo.setdefault(ideo_id, set()).add(cfd)
        codes = [(rank, row[f"Code_Rome_{rank}"].strip().upper()) for rank in range(1, 6)]
        codes = [(rank, code) for rank, code in codes if code]
        if not codes:
            report.reject(path.name, number, "aucun code ROME", cfd)
            continue
        for rank, code in codes:
            if not _ROME_RE.match(code):
                report.reject(path.name, number, "code ROME invalide", code)
                continue
            current = by_key.get((cfd, code))
            if current is None or rank < current.rank:
                by_key[(cfd, code)] = FormationJob(cfd=cfd, rome_code=code, rank=rank, ideo_id=ideo_id)
    replace_all(FormationJob, list(by_key.values()), report)
    return ideo


def _import_ideo(root: Path, report: Report, ideo_cfds: dict[str, set[str]]) -> None:
    path = root / IDEO_FILE
    if missing(path, report):
        return
    found: dict[str, OnisepFormation] = {}
    for number, row in rows(path, report):
        match = _FOR_RE.search(row["lien site onisep.fr"])
        if not match:
            report.reject(path.name, number, "lien Onisep sans identifiant FOR", row["lien site onisep.fr"])
            continue
        ideo_id = match.group(1)
        if ideo_id in found:
            report.reject(path.name, number, "identifiant FOR en double", ideo_id)
            continue
        found[ideo_id] = OnisepFormation(
            ideo_id=ideo_id,
            label=row["libellé formation principal"],
            type_label=row["libellé type formation"],
            duration=row["durée"],
            level_label=row["libellé niveau RNCP"],
            # The file's links are http redirects; the same path answers in https.
            url=row["lien site onisep.fr"].replace("http://", "https://", 1),
            domains=row["domaine/sous-domaine"][:500],
            cfds=" " + " ".join(sorted(ideo_cfds.get(ideo_id, ()))) + " " if ideo_id in ideo_cfds else "",
        )
    replace_all(OnisepFormation, list(found.values()), report)


def import_jobs(root: Path, report: Report) -> None:
    folder = root / ROME_FOLDER
    known = _import_referential(folder, report)
    _import_domains(folder, report)
    _import_titles(folder, report, known)
    _import_onisep_jobs(folder, report)
    ideo = _import_certif_info(folder, report)
    _import_ideo(root, report, ideo)
