"""Fill the catalogue from the InserJeunes API's authenticated list routes (`sync_catalog_from_api`).

The API knows which certifications have figures (`/certifications`) and which school teaches which
certification (`/formations`). What it says is added to the catalogue without overwriting what the open-data
import knows better (BCN labels, addresses): missing formations, MEFs, schools and offers are created, the
"has figures" flags are raised, blank school names are filled. Running it twice writes the same rows.

The lists carry InserSup's records too (filière `superieur`, bare SISE codes): they are the higher-education
diplomas' and their schools' (`api_sync_higher`).

Every millésime is read, asked for explicitly: without `millesimes` the list routes answer the latest one only
(upstream `certificationsRoutes.js`, `formationsRoutes.js`). The API does not list its millésimes, so the sync
walks back one year of leaving at a time (see `every_millesime`).
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify
from tqdm import tqdm

from guidance.catalog.api_schools import new_school
from guidance.catalog.api_sync_higher import HigherEducation, write_higher_education
from guidance.catalog.importers import refresh_offer_counts
from guidance.catalog.importers.base import Report
from guidance.catalog.labels import DIPLOMA_TYPES, sentence_case
from guidance.catalog.models import Formation, Mef, Offer, School, SchoolKind, Source, Voie
from guidance.catalog.signals import catalog_changed
from guidance.inserjeunes.codes import (
    CodeKind,
    Filiere,
    InvalidCode,
    Millesime,
    parse_certification,
    parse_cfd,
    parse_uai,
)


@dataclass
class _Formation:
    label: str = ""
    diploma: str = ""
    voies: set[str] = field(default_factory=set)


@dataclass
class _School:
    name: str = ""
    region: str = ""
    academie: str = ""
    voies: set[str] = field(default_factory=set)


# Well before the first millésimes the API is configured with (2019 for InserSup, 2019_2020 per school, 2020
# national, `server/src/config.js`): the walk back never goes below this year.
OLDEST_YEAR = 2015


def every_millesime(list_route: Callable[..., Iterator], *, newest_year: int | None = None) -> Iterator:
    """Every item of a list route (`client.iter_certifications`, `iter_formations`), one year of leaving at a time.

    The API does not say which millésimes it has, and they need not be consecutive (the open data behind the
    offline replica has per-school periods 2018_2019 and 2022_2023 only): every year from the current one down to
    `OLDEST_YEAR` is asked, a year without figures costing one short page. For each year Y both forms of its
    millésime are asked (`Y` and `Y-1_Y`): national figures are labelled with the year, per-school ones with
    either, and the offline replica labels its national sums with the regional period. Items come newest first,
    so the first label seen for a code is the newest.
    """
    for year in range(newest_year or datetime.date.today().year, OLDEST_YEAR - 1, -1):
        yield from list_route(millesimes=(Millesime(str(year)), Millesime(f"{year - 1}_{year}")))


def _voie(filiere: str) -> str:
    # `pro` and `agricole` (agricultural trainings, since December 2025) are both the voie scolaire.
    return Voie.APPRENTISSAGE if filiere == "apprentissage" else Voie.SCOLAIRE


def _cfd_of(item, report: Report, route: str) -> tuple[str, str] | None:
    """(CFD, MEFSTAT11 or '') of an InserJeunes item; None (and a rejection) when its codes are unusable."""
    try:
        cert = parse_certification(item.code_certification)
        cfd = parse_cfd(item.code_formation_diplome).code if item.code_formation_diplome else ""
    except InvalidCode as error:
        report.reject(route, None, error.reason, error.value)
        return None
    if cert.kind is CodeKind.CFD:
        return cfd or cert.code, ""
    if cert.kind is CodeKind.MEFSTAT11 and cfd:
        return cfd, cert.code
    report.reject(route, None, "code sans CFD", item.code_certification)
    return None


def collect(client, *, progress: bool = True) -> tuple[dict, dict, dict, dict, Report]:
    """Read both list routes entirely (every millésime, see `every_millesime`); nothing is written yet. InserSup's
    records go to `higher` (the lists mix them in: `universe` is validated but not applied by the list routes,
    `certificationsRoutes.js`, `formationsRoutes.js`)."""
    return _collect(client, HigherEducation(), progress=progress)[:5]


def _collect(client, higher: HigherEducation, *, progress: bool = True) -> tuple[dict, dict, dict, dict, Report]:
    report = Report()
    formations: dict[str, _Formation] = {}
    mefs: dict[str, str] = {}
    schools: dict[str, _School] = {}
    offers: dict[tuple[str, str, str], str] = {}
    for item in tqdm(
        every_millesime(client.iter_certifications), desc="/certifications", unit=" réponses", disable=not progress
    ):
        if item.filiere == Filiere.SUPERIEUR:
            higher.add_certification(item, report)
            continue
        codes = _cfd_of(item, report, "/certifications")
        if codes is None:
            continue
        cfd, mefstat11 = codes
        entry = formations.setdefault(cfd, _Formation())
        entry.label = entry.label or item.libelle
        entry.diploma = entry.diploma or (item.diplome.libelle if item.diplome else "")
        entry.voies.add(_voie(item.filiere))
        if mefstat11:
            mefs[mefstat11] = cfd
    for item in tqdm(
        every_millesime(client.iter_formations), desc="/formations", unit=" réponses", disable=not progress
    ):
        if item.filiere == Filiere.SUPERIEUR:
            higher.add_school(item, report)
            continue
        codes = _cfd_of(item, report, "/formations")
        if codes is None:
            continue
        try:
            uai = parse_uai(item.uai).value
        except InvalidCode as error:
            report.reject("/formations", None, error.reason, error.value)
            continue
        cfd, mefstat11 = codes
        voie = _voie(item.filiere)
        formations.setdefault(cfd, _Formation(label=item.libelle)).voies.add(voie)
        if mefstat11:
            mefs[mefstat11] = cfd
        school = schools.setdefault(uai, _School())
        school.name = school.name or (item.libelle_etablissement or "")
        school.region = school.region or (item.region.code if item.region else "")
        school.academie = school.academie or (item.academie.code if item.academie else "")
        school.voies.add(voie)
        offers[(uai, cfd, voie)] = offers.get((uai, cfd, voie)) or mefstat11
    return formations, mefs, schools, offers, report


def _new_formation(cfd: str, data: _Formation) -> Formation:
    diploma_type = DIPLOMA_TYPES.get(data.diploma.upper().strip(), "")
    specialty = sentence_case(data.label or cfd)
    label = f"{diploma_type} {specialty}" if diploma_type else specialty
    return Formation(
        cfd=cfd,
        label=label[:300],
        slug=slugify(label)[:120] or cfd.lower(),
        diploma_code=cfd[:3],
        diploma_type=diploma_type,
    )


def _new_school(uai: str, data: _School) -> School:
    kind = SchoolKind.CFA if data.voies == {Voie.APPRENTISSAGE} else SchoolKind.OTHER
    return new_school(uai, name=data.name, region=data.region, academie=data.academie, kind=kind)


def write(
    formations: dict, mefs: dict, schools: dict, offers: dict, report: Report, higher: HigherEducation | None = None
) -> None:
    with transaction.atomic():
        known = set(Formation.objects.values_list("cfd", flat=True))
        created = [_new_formation(cfd, data) for cfd, data in formations.items() if cfd not in known]
        Formation.objects.bulk_create(created, batch_size=500, ignore_conflicts=True)
        report.written["Formation (créées)"] += len(created)
        ids = dict(Formation.objects.values_list("cfd", "pk"))
        for voie, flag in ((Voie.SCOLAIRE, "has_figures_scolaire"), (Voie.APPRENTISSAGE, "has_figures_apprentissage")):
            cfds = [cfd for cfd, data in formations.items() if voie in data.voies]
            updated = Formation.objects.filter(cfd__in=cfds).exclude(**{flag: True}).update(**{flag: True})
            report.written[f"Formation ({flag})"] += updated
        Formation.objects.filter(cfd__in=list(formations), has_figures=False).update(has_figures=True)

        existing_mefs = set(Mef.objects.filter(mefstat11__in=list(mefs)).values_list("mefstat11", flat=True))
        new_mefs = [
            Mef(mefstat11=code, formation_id=ids[cfd], is_final_year=True, label=formations[cfd].label[:200])
            for code, cfd in mefs.items()
            if code not in existing_mefs
        ]
        Mef.objects.bulk_create(new_mefs, batch_size=500, ignore_conflicts=True)
        # The API keys scolaire figures by the final-year MEFSTAT11: any code it answers for is one.
        Mef.objects.filter(mefstat11__in=list(mefs), is_final_year=False).update(is_final_year=True)
        report.written["Mef (créés)"] += len(new_mefs)

    with transaction.atomic():
        known_schools = dict(School.objects.filter(uai__in=list(schools)).values_list("uai", "name"))
        new_schools = [_new_school(uai, data) for uai, data in schools.items() if uai not in known_schools]
        School.objects.bulk_create(new_schools, batch_size=500, ignore_conflicts=True)
        report.written["School (créés)"] += len(new_schools)
        for uai, name in known_schools.items():
            if not name and schools[uai].name:
                school = School.objects.get(uai=uai)
                school.name = schools[uai].name[:300]
                school.slug = slugify(school.name)[:120] or uai.lower()
                school.save(update_fields=["name", "slug"])
                report.written["School (nommés)"] += 1

    with transaction.atomic():
        school_rows = {
            uai: (pk, region, dep)
            for uai, pk, region, dep in School.objects.filter(uai__in=list(schools)).values_list(
                "uai", "pk", "region_code", "departement_code"
            )
        }
        objects = [
            Offer(
                school_id=school_rows[uai][0],
                formation_id=ids[cfd],
                voie=voie,
                mefstat11=mefstat11,
                source=Source.API,
                region_code=school_rows[uai][1],
                departement_code=school_rows[uai][2],
            )
            for (uai, cfd, voie), mefstat11 in offers.items()
        ]
        before = Offer.objects.count()
        # Offers the open data already knows keep their source and numbers.
        Offer.objects.bulk_create(objects, batch_size=500, ignore_conflicts=True)
        report.written["Offer (créées)"] += Offer.objects.count() - before
        if higher is not None:
            write_higher_education(higher, report)
        refresh_offer_counts()
        catalog_changed.send(sender=Formation)  # the search index follows (guidance.search)


def sync_from_api(client, *, progress: bool = True) -> Report:
    higher = HigherEducation()
    formations, mefs, schools, offers, report = _collect(client, higher, progress=progress)
    write(formations, mefs, schools, offers, report, higher)
    return report
