"""The test factories, in one module: catalogue rows made with the ORM from the real open data, and the open-data
rows themselves (so that tests compare pages with the files, never with numbers typed by hand). The page tests and
the browser tests import these."""

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from guidance.catalog.models import Formation, Level, Mef, Offer, School, SchoolKind, Sector, Source, Voie
from guidance.inserjeunes.territories import DEPARTEMENTS
from guidance.search.indexing import formation_search_text, school_search_text

# The small real-data sample of the open-data files (tests/fixtures/catalog/build_fixtures.py).
FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "catalog" / "opendata"

# --- Open data ---------------------------------------------------------------------------------------------------


def opendata_path(*parts: str) -> Path:
    return Path(settings.OPENDATA_DIR, *parts)


@functools.cache
def regional_rows() -> tuple[dict[str, str], ...]:
    path = opendata_path("inserjeunes_regional_par_formation", "ij_region_data.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


@functools.cache
def mefs_of(cfd: str) -> tuple[dict[str, str], ...]:
    with opendata_path("bcn", "nMef.csv").open(encoding="utf-8-sig", newline="") as handle:
        return tuple(row for row in csv.DictReader(handle, delimiter=";") if row["FORMATION_DIPLOME"] == cfd)


@dataclass(frozen=True)
class RealFormation:
    """A bac pro of the open data with regional figures in both voies for the latest millésime."""

    cfd: str
    mefstat11: str  # final year (the InserJeunes key of the voie scolaire)
    millesime: str
    rows: dict[tuple[str, str], dict[str, str]]  # (voie, region code) → open-data row of `millesime`


@functools.cache
def real_bac_pro() -> RealFormation:
    """The bac pro whose apprentissage figures cover the most regions in the latest millésime (deterministic)."""
    rows = regional_rows()
    latest = max(row["millesime"] for row in rows)
    apprentissage: dict[str, set[str]] = {}
    for row in rows:
        if row["millesime"] == latest and row["voie"] == "apprentissage" and row["cfd"].startswith("400"):
            apprentissage.setdefault(row["cfd"], set()).add(row["code_region"])
    scolaire_codes = {row["mefstat11"] for row in rows if row["millesime"] == latest and row["voie"] == "scolaire"}
    for cfd in sorted(apprentissage, key=lambda c: (-len(apprentissage[c]), c)):
        finals = sorted(
            m["MEF_STAT_11"]
            for m in mefs_of(cfd)
            if m["MEF_STAT_11"] in scolaire_codes and m["ANNEE_DISPOSITIF"] == m["DUREE_DISPOSITIF"]
        )
        if len(finals) == 1:
            selected = {}
            for row in rows:
                if row["millesime"] != latest:
                    continue
                if (row["voie"] == "apprentissage" and row["cfd"] == cfd) or (
                    row["voie"] == "scolaire" and row["mefstat11"] == finals[0]
                ):
                    selected[(row["voie"], row["code_region"])] = row
            return RealFormation(cfd=cfd, mefstat11=finals[0], millesime=latest, rows=selected)
    raise AssertionError("no bac pro with figures in both voies in the open data")


# --- Catalogue rows ----------------------------------------------------------------------------------------------


def make_formation(
    cfd: str,
    label: str,
    *,
    mefstat11: str | None = None,
    diploma_type: str = "Bac pro",
    level: str = Level.LEVEL_4,
    field_label: str = "Commerce, vente",
    **extra,
) -> Formation:
    formation = Formation.objects.create(
        cfd=cfd,
        label=label,
        slug=label.lower().replace(" ", "-")[:100],
        diploma_code=cfd[:3],
        diploma_type=diploma_type,
        level=level,
        duration_years=extra.pop("duration_years", 3),
        field_code=extra.pop("field_code", "312"),
        field_label=field_label,
        has_figures=True,
        has_figures_scolaire=mefstat11 is not None,
        has_figures_apprentissage=True,
        search_text=formation_search_text(
            label=label, diploma_type=diploma_type, specialty=label, field_label=field_label
        ),
        **extra,
    )
    if mefstat11:
        Mef.objects.create(
            mefstat11=mefstat11, formation=formation, year=3, duration_years=3, is_final_year=True, label=label
        )
    return formation


def make_school(uai: str, name: str, *, departement_code: str = "075", town: str = "Paris") -> School:
    region_code = DEPARTEMENTS[departement_code][2]
    return School.objects.create(
        uai=uai,
        name=name,
        slug=name.lower().replace(" ", "-")[:100],
        kind=SchoolKind.LYCEE_PRO,
        sector=Sector.PUBLIC,
        town=town,
        departement_code=departement_code,
        academie_code=DEPARTEMENTS[departement_code][1],
        region_code=region_code,
        search_text=school_search_text(
            name=name, town=town, postal_code="", departement_code=departement_code, uai=uai, kind_label="lycée"
        ),
    )


def make_offer(school: School, formation: Formation, voie: str = Voie.SCOLAIRE, mefstat11: str = "") -> Offer:
    return Offer.objects.create(
        school=school,
        formation=formation,
        voie=voie,
        mefstat11=mefstat11,
        source=Source.AFFELNET_2022,
        region_code=school.region_code,
        departement_code=school.departement_code,
    )


def smallest_apprentissage_cohort() -> tuple[str, int]:
    """A CFD of the open data whose apprentices, all regions together, were fewer than 20 (deterministic)."""
    rows = regional_rows()
    latest = max(row["millesime"] for row in rows)
    totals: dict[str, int] = {}
    for row in rows:
        if row["millesime"] == latest and row["voie"] == "apprentissage" and row["nb_annee_term"]:
            totals[row["cfd"]] = totals.get(row["cfd"], 0) + int(row["nb_annee_term"])
    cfd = min(code for code, total in totals.items() if total < 20)
    return cfd, totals[cfd]
