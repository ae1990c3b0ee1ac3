"""Who offers what: Affelnet 2022 (after 3e), Parcoursup 2024 (BTS) and the constat de rentrée 2020.

Every offer is keyed by (UAI, formation, voie). Entry-year MEFs are mapped to the final year of the same cursus
(the InserJeunes key). Several rows of a key add up (Affelnet lists a school's sections separately); when two
files give the same key, the most recent campaign names the source and the numbers of each file are kept.
"""

from dataclasses import dataclass
from pathlib import Path

from guidance.catalog.importers.base import Report, RowRejected, parse_bcn_mefstat11, parse_int, read_dicts
from guidance.catalog.importers.bcn import BcnData
from guidance.catalog.models import Formation, Offer, SchoolKind, Source, Voie
from guidance.inserjeunes.codes import InvalidCode, parse_uai

FOLDER = "offre_formation_affelnet_parcoursup"
_PRIORITY: dict[str, int] = {Source.PARCOURSUP_2024: 0, Source.AFFELNET_2022: 1, Source.CONSTAT_2020: 2}


@dataclass
class OfferDraft:
    uai: str
    cfd: str
    voie: str
    mefstat11: str
    source: str
    places: int | None = None
    first_wishes: int | None = None
    students: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.uai, self.cfd, self.voie)


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _resolve(bcn: BcnData, raw_mef: str) -> tuple[str, str]:
    """(CFD, final-year MEFSTAT11 or '') of a MEFSTAT11; raises RowRejected when the BCN does not know it."""
    mefstat11 = parse_bcn_mefstat11(raw_mef)
    mef = bcn.mefs.get(mefstat11)
    if mef is None:
        raise RowRejected("MEFSTAT11 inconnu de la BCN", mefstat11)
    final = bcn.final_year_mef(mefstat11)
    return mef.cfd, final.mefstat11 if final else ""


def _rows(path: Path, report: Report):
    if not path.exists():
        return
    for number, row in read_dicts(path):
        if isinstance(row, RowRejected):
            report.reject(path.name, number, str(row))
            continue
        yield number, row


def _collect(drafts: dict, draft: OfferDraft) -> None:
    current = drafts.get(draft.key)
    if current is None:
        drafts[draft.key] = draft
        return
    current.places = _add(current.places, draft.places)
    current.first_wishes = _add(current.first_wishes, draft.first_wishes)
    current.students = _add(current.students, draft.students)
    if _PRIORITY[draft.source] < _PRIORITY[current.source]:
        current.source = draft.source
    current.mefstat11 = current.mefstat11 or draft.mefstat11


def _parse_file(path: Path, report: Report, drafts: dict, build) -> None:
    per_file: dict = {}
    for number, row in _rows(path, report):
        try:
            draft = build(row)
        except (InvalidCode, RowRejected) as error:
            report.reject_error(path.name, number, error)
            continue
        _collect(per_file, draft)
    # Within a file rows add up; across files the numbers are of different kinds and are merged field by field.
    for draft in per_file.values():
        current = drafts.get(draft.key)
        if current is None:
            drafts[draft.key] = draft
            continue
        current.places = current.places if current.places is not None else draft.places
        current.first_wishes = current.first_wishes if current.first_wishes is not None else draft.first_wishes
        current.students = current.students if current.students is not None else draft.students
        current.mefstat11 = current.mefstat11 or draft.mefstat11
        if _PRIORITY[draft.source] < _PRIORITY[current.source]:
            current.source = draft.source


def _admission(
    uai: str, cfd: str, voie: str, final: str, source: str, places: int | None, first_wishes: int | None
) -> OfferDraft:
    """An offer of an admission file (Affelnet, Parcoursup): its final-year MEF is kept for the voie scolaire only."""
    return OfferDraft(uai, cfd, voie, final if voie == Voie.SCOLAIRE else "", source, places, first_wishes)


def read_offers(root: Path, report: Report, bcn: BcnData) -> dict[tuple[str, str, str], OfferDraft]:
    drafts: dict[tuple[str, str, str], OfferDraft] = {}

    def affelnet(row: dict) -> OfferDraft:
        uai = parse_uai(row["Etablissement d'accueil"]).value
        voie = Voie.SCOLAIRE if row["Statut Offre de formation"] == "ST" else Voie.APPRENTISSAGE
        cfd, final = _resolve(bcn, row["MEF STAT 11"])
        # The file's own final-year column is used when the BCN knows it (a fifth of its codes are obsolete).
        published = row["mef_stat_terminale"]
        if published and published in bcn.mefs and bcn.mefs[published].cfd == cfd:
            final = published
        places = parse_int(row["Capacité carte scolaire"], "capacité")
        return _admission(
            uai, cfd, voie, final, Source.AFFELNET_2022, places, parse_int(row["Demandes vœux 1"], "vœux 1")
        )

    def parcoursup(row: dict) -> OfferDraft:
        uai = parse_uai(row["UAI"]).value
        voie = {"Scolaire": Voie.SCOLAIRE, "Apprentissage": Voie.APPRENTISSAGE}.get(row["STATUT"])
        if voie is None:
            raise RowRejected("statut inconnu")
        cfd, final = _resolve(bcn, row["MEFSTAT11"])
        places = parse_int(row["CAPACITEPSUP"], "capacité")
        return _admission(
            uai, cfd, voie, final, Source.PARCOURSUP_2024, places, parse_int(row["NB_VOEUX_CONFIRMES"], "vœux")
        )

    def constat(row: dict) -> OfferDraft:
        uai = parse_uai(row["UAI"]).value
        cfd, final = _resolve(bcn, row["Mef Bcp 11"])
        return OfferDraft(
            uai,
            cfd,
            Voie.SCOLAIRE,
            final,
            Source.CONSTAT_2020,
            students=parse_int(row["Nombre d'élèves : Total"], "effectif"),
        )

    _parse_file(root / FOLDER / "parcoursup_bts_attractivite_capacite_2024.csv", report, drafts, parcoursup)
    _parse_file(root / FOLDER / "affelnet_attractivite_capacite_2022.csv", report, drafts, affelnet)
    _parse_file(root / "offre_formation_constat_2020" / "constat_2020.csv", report, drafts, constat)
    return drafts


def offer_uais(drafts: dict[tuple[str, str, str], OfferDraft]) -> dict[str, str]:
    """UAI → kind guess for schools only the offer files name: apprenticeship-only offers mean a CFA."""
    voies: dict[str, set[str]] = {}
    for draft in drafts.values():
        voies.setdefault(draft.uai, set()).add(draft.voie)
    return {uai: SchoolKind.CFA if found == {Voie.APPRENTISSAGE} else "" for uai, found in voies.items()}


def import_offers(drafts: dict[tuple[str, str, str], OfferDraft], school_ids: dict[str, int], report: Report) -> None:
    from guidance.catalog.importers.base import upsert
    from guidance.catalog.models import School

    formation_ids = dict(Formation.objects.values_list("cfd", "pk"))
    territory = {
        pk: (region, dep) for pk, region, dep in School.objects.values_list("pk", "region_code", "departement_code")
    }
    objects = []
    for draft in drafts.values():
        school_id = school_ids[draft.uai]
        region, departement = territory[school_id]
        objects.append(
            Offer(
                school_id=school_id,
                formation_id=formation_ids[draft.cfd],
                voie=draft.voie,
                mefstat11=draft.mefstat11,
                source=draft.source,
                places=draft.places,
                first_wishes=draft.first_wishes,
                students=draft.students,
                region_code=region,
                departement_code=departement,
            )
        )
    update = ["mefstat11", "source", "places", "first_wishes", "students", "region_code", "departement_code"]
    report.written["Offer"] += upsert(Offer, objects, ["school", "formation", "voie"], update)

    keep = {(o.school_id, o.formation_id, o.voie) for o in objects}
    file_sources = list(_PRIORITY)
    stale = [
        pk
        for pk, *key in Offer.objects.filter(source__in=file_sources).values_list(
            "pk", "school_id", "formation_id", "voie"
        )
        if tuple(key) not in keep
    ]
    if stale:
        Offer.objects.filter(pk__in=stale).delete()
        report.deleted["Offer"] += len(stale)
