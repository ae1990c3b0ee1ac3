"""The higher-education part of `sync_catalog_from_api`: InserSup's records (filière `superieur`, bare SISE codes),
which the list routes give along with InserJeunes' ones.

- `/certifications` says which SISE diplomas have figures: those the catalogue lacks are added (the API's label and
  diploma type, read as the BCN's are), every listed one has its `has_figures` raised;
- `/formations` says which school delivers which of them: unknown schools are added (an establishment of higher
  education), each pair becomes a `HigherEducationOffer`.
What the open data knows better (the BCN's labels, disciplines, addresses) is never overwritten; running it twice
writes the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import slugify

from guidance.catalog.api_schools import new_school
from guidance.catalog.higher_education import CodeType, HigherEducationOffer
from guidance.catalog.importers.base import Report
from guidance.catalog.labels import sentence_case
from guidance.catalog.models import Formation, School, SchoolKind
from guidance.catalog.sise_labels import ENGINEERING
from guidance.inserjeunes.codes import InvalidCode, parse_certification, parse_uai

# The API's `diplome.libelle` of an InserSup record (the SISE type's short label, N_TYPE_DIPLOME_SISE) → ours.
SISE_DIPLOMA_TYPES = {
    "LIC LMD": ("Licence", "6"),
    "LIC PRO": ("Licence pro", "6"),
    "LIC PRO 3": ("Licence pro", "6"),
    "MAST LMD": ("Master", "7"),
    "MAST ENS": ("Master MEEF", "7"),
    "BUT": ("BUT", "6"),
    "DUT": ("DUT", "5"),
    "FORM ING": (ENGINEERING, "7"),
    "FIP EX NFI": (ENGINEERING, "7"),
    "D ING CONJ": (ENGINEERING, "7"),
}


@dataclass
class _Diploma:
    label: str = ""
    diploma: str = ""


@dataclass
class _University:
    name: str = ""
    region: str = ""
    academie: str = ""


@dataclass
class HigherEducation:
    """What the list routes said of higher education, before anything is written."""

    diplomas: dict[str, _Diploma] = field(default_factory=dict)
    schools: dict[str, _University] = field(default_factory=dict)
    offers: set[tuple[str, str]] = field(default_factory=set)  # (uai, SISE code)

    def _code(self, item, report: Report, route: str) -> str | None:
        try:
            return parse_certification(f"SISE:{item.code_certification}").code
        except InvalidCode as error:
            report.reject(route, None, error.reason, error.value)
            return None

    def add_certification(self, item, report: Report) -> None:
        code = self._code(item, report, "/certifications")
        if code is not None:
            entry = self.diplomas.setdefault(code, _Diploma())
            entry.label = entry.label or item.libelle
            entry.diploma = entry.diploma or (item.diplome.libelle if item.diplome else "")

    def add_school(self, item, report: Report) -> None:
        code = self._code(item, report, "/formations")
        try:
            uai = parse_uai(item.uai).value
        except InvalidCode as error:
            report.reject("/formations", None, error.reason, error.value)
            return
        if code is None:
            return
        entry = self.diplomas.setdefault(code, _Diploma())
        entry.label = entry.label or item.libelle
        school = self.schools.setdefault(uai, _University())
        school.name = school.name or (item.libelle_etablissement or "")
        school.region = school.region or (item.region.code if item.region else "")
        school.academie = school.academie or (item.academie.code if item.academie else "")
        self.offers.add((uai, code))


def _new_diploma(code: str, data: _Diploma) -> Formation:
    diploma_type, level = SISE_DIPLOMA_TYPES.get(data.diploma.upper().strip(), ("", ""))
    specialty = sentence_case(data.label or code)
    label = f"{diploma_type} {specialty}" if diploma_type and diploma_type != ENGINEERING else specialty
    return Formation(
        cfd=code,
        code_type=CodeType.SISE,
        label=label[:300],
        slug=slugify(label)[:120] or code.lower(),
        diploma_type=diploma_type,
        level=level,
    )


def _new_school(uai: str, data: _University) -> School:
    kind = SchoolKind.SUPERIEUR
    return new_school(uai, name=data.name, region=data.region, academie=data.academie, kind=kind)


def write_higher_education(collected: HigherEducation, report: Report) -> None:
    """Diplomas, flags, schools and offers, inside the caller's transaction."""
    known = set(Formation.objects.filter(cfd__in=list(collected.diplomas)).values_list("cfd", flat=True))
    created = [_new_diploma(code, data) for code, data in collected.diplomas.items() if code not in known]
    Formation.objects.bulk_create(created, batch_size=500, ignore_conflicts=True)
    report.written["Formation SISE (créées)"] += len(created)
    listed = Formation.objects.filter(cfd__in=list(collected.diplomas), code_type=CodeType.SISE)
    report.written["Formation SISE (has_figures)"] += listed.filter(has_figures=False).update(has_figures=True)

    uais = {uai for uai, _code in collected.offers}
    known_schools = dict(School.objects.filter(uai__in=uais).values_list("uai", "name"))
    new_schools = [_new_school(uai, collected.schools[uai]) for uai in sorted(uais) if uai not in known_schools]
    School.objects.bulk_create(new_schools, batch_size=500, ignore_conflicts=True)
    report.written["School (créés, supérieur)"] += len(new_schools)
    for uai, name in known_schools.items():
        if not name and collected.schools[uai].name:
            School.objects.filter(uai=uai).update(name=collected.schools[uai].name[:300])

    schools = {
        uai: (pk, region, departement)
        for uai, pk, region, departement in School.objects.filter(uai__in=uais).values_list(
            "uai", "pk", "region_code", "departement_code"
        )
    }
    ids = dict(Formation.objects.filter(cfd__in=[code for _uai, code in collected.offers]).values_list("cfd", "pk"))
    offers = [
        HigherEducationOffer(
            school_id=schools[uai][0],
            formation_id=ids[code],
            region_code=schools[uai][1],
            departement_code=schools[uai][2],
        )
        for uai, code in sorted(collected.offers)
        if uai in schools and code in ids
    ]
    before = HigherEducationOffer.objects.count()
    HigherEducationOffer.objects.bulk_create(offers, batch_size=500, ignore_conflicts=True)
    report.written["HigherEducationOffer (créées)"] += HigherEducationOffer.objects.count() - before
