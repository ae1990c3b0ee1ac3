"""Admission pressure rows: Affelnet 2022 (after 3e, places and first wishes) and Parcoursup 2024 (BTS, places and
confirmed wishes), `offre_formation_affelnet_parcoursup/` (see its PROVENANCE.md).

One `AdmissionPressure` per source row, never summed: Affelnet lists some (school, MEF) pairs twice (two sections,
`nb_apparitions_uai_mefstat` = 2) and each row keeps its own places and wishes. The MEFSTAT11 is mapped to its CFD
through the catalogue's MEFs (imported just before), and to the final-year MEFSTAT11 (the InserJeunes key).
"""

from pathlib import Path

from guidance.catalog.importers.base import Report, RowRejected, parse_bcn_mefstat11, parse_int
from guidance.catalog.models import Mef, Voie
from guidance.inserjeunes.codes import InvalidCode, parse_uai
from guidance.orientation.importers.common import missing, replace_all, rows
from guidance.orientation.models import AdmissionPressure, PressureSource, WishKind

FOLDER = "offre_formation_affelnet_parcoursup"
AFFELNET = "affelnet_attractivite_capacite_2022.csv"
PARCOURSUP = "parcoursup_bts_attractivite_capacite_2024.csv"


class _Mefs:
    """MEFSTAT11 → (CFD, final-year MEFSTAT11 of the same cursus length) from the catalogue."""

    def __init__(self) -> None:
        self.rows = {
            code: (cfd, duration, final)
            for code, cfd, duration, final in Mef.objects.values_list(
                "mefstat11", "formation__cfd", "duration_years", "is_final_year"
            )
        }
        self.finals: dict[tuple[str, int | None], str] = {}
        for code, (cfd, duration, final) in sorted(self.rows.items()):
            if final:
                self.finals.setdefault((cfd, duration), code)

    def resolve(self, raw: str) -> tuple[str, str]:
        code = parse_bcn_mefstat11(raw)
        found = self.rows.get(code)
        if found is None:
            raise RowRejected("MEFSTAT11 inconnu de la BCN", code)
        cfd, duration, final = found
        return cfd, code if final else self.finals.get((cfd, duration), "")


def _affelnet(number: int, row: dict, mefs: _Mefs) -> AdmissionPressure:
    if row["Statut Offre de formation"] != "ST":
        raise RowRejected("statut autre que scolaire (ST)", row["Statut Offre de formation"])
    if row["Voeu de recensement O/N"] == "O":
        raise RowRejected("vœu de recensement : pas une offre d'affectation")
    uai = parse_uai(row["Etablissement d'accueil"]).value
    cfd, final = mefs.resolve(row["MEF STAT 11"])
    published = row["mef_stat_terminale"]
    if published and mefs.rows.get(published, ("",))[0] == cfd:
        final = published
    return AdmissionPressure(
        source=PressureSource.AFFELNET_2022,
        line=number,
        uai=uai,
        mefstat11=parse_bcn_mefstat11(row["MEF STAT 11"]),
        final_mefstat11=final,
        cfd=cfd,
        voie=Voie.SCOLAIRE,
        places=parse_int(row["Capacité carte scolaire"], "capacité"),
        wishes=parse_int(row["Demandes vœux 1"], "vœux 1"),
        wish_kind=WishKind.FIRST,
        label=row["Famille de métiers"][:300],
    )


def _parcoursup(number: int, row: dict, mefs: _Mefs) -> AdmissionPressure:
    voie = {"Scolaire": Voie.SCOLAIRE, "Apprentissage": Voie.APPRENTISSAGE}.get(row["STATUT"])
    if voie is None:
        raise RowRejected("statut inconnu", row["STATUT"])
    uai = parse_uai(row["UAI"]).value
    cfd, final = mefs.resolve(row["MEFSTAT11"])
    return AdmissionPressure(
        source=PressureSource.PARCOURSUP_2024,
        line=number,
        uai=uai,
        mefstat11=parse_bcn_mefstat11(row["MEFSTAT11"]),
        final_mefstat11=final if voie == Voie.SCOLAIRE else "",
        cfd=cfd,
        voie=voie,
        places=parse_int(row["CAPACITEPSUP"], "capacité"),
        wishes=parse_int(row["NB_VOEUX_CONFIRMES"], "vœux"),
        wish_kind=WishKind.CONFIRMED,
        label=row["LIBELLÉFORMATION"][:300],
    )


def import_pressure(root: Path, report: Report) -> None:
    mefs = _Mefs()
    objects = []
    for name, build in ((AFFELNET, _affelnet), (PARCOURSUP, _parcoursup)):
        path = root / FOLDER / name
        if missing(path, report):
            continue
        for number, row in rows(path, report):
            try:
                objects.append(build(number, row, mefs))
            except InvalidCode as error:
                report.reject(f"{path.name} (pression)", number, error.reason, error.value)
            except RowRejected as error:
                report.reject(f"{path.name} (pression)", number, str(error), error.value)
    replace_all(AdmissionPressure, objects, report)
