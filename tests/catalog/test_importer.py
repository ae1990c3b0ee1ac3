import shutil

import pytest

from guidance.catalog.models import (
    Formation,
    Mef,
    Offer,
    School,
    SchoolIndicators,
    SchoolKind,
    Sector,
    Source,
    Voie,
)
from guidance.inserjeunes.codes import Certification, CodeKind
from guidance.opendata.pipeline import run_import

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every catalogue table, ids included."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (Formation, Mef, School, Offer, SchoolIndicators)
    }


def test_formation_gets_readable_label_type_level_and_codes(imported):
    cap = Formation.objects.get(cfd="50022139")
    assert cap.label == "CAP Cuisine"
    assert (cap.diploma_type, cap.level, cap.duration_years) == ("CAP", "3", 2)
    assert cap.field_code == "221" and cap.field_label == "Agro-alimentaire, alimentation, cuisine"
    assert cap.former_cfds == ["50022131"] and cap.new_cfds == ["50022146"]
    assert cap.closed_on.isoformat() == "2025-08-31"
    # A CAP is taught in 1, 2 or 3 years: one final-year MEFSTAT11 per cursus, each an InserJeunes key.
    finals = sorted(Mef.objects.filter(formation=cap, is_final_year=True).values_list("mefstat11", "year"))
    assert [year for _code, year in finals] == sorted(year for _code, year in finals) and len(finals) == 3
    assert all(Mef.objects.get(mefstat11=code).duration_years == year for code, year in finals)
    # The usual cursus (2 years) first: where one figure stands for the voie scolaire, it is that one.
    usual_first = sorted(finals, key=lambda final: (final[1] != cap.duration_years, final[0]))
    assert [year for _code, year in usual_first] == [2, 1, 3]
    assert cap.certifications() == [
        *[("scolaire", Certification(CodeKind.MEFSTAT11, code)) for code, _year in usual_first],
        ("apprentissage", Certification(CodeKind.CFD, "50022139")),
    ]


def test_labels_keep_accents_and_acronyms(imported):
    # The BCN writes upper case; accents come back from the readable lists of the same data.
    assert Formation.objects.get(cfd="40022105").label == "Bac pro Boulanger-pâtissier"
    sio = Formation.objects.get(cfd="32032613")
    assert sio.label.startswith("BTS Services informatiques aux organisations option A")


def test_has_figures_follows_ij_region_data(imported, fixture_dir):
    lines = (fixture_dir / "inserjeunes_regional_par_formation" / "ij_region_data.csv").read_text("utf-8-sig")
    rows = [line.split(";") for line in lines.splitlines()[1:]]
    cfds = {row[5] for row in rows if row[4] == "apprentissage"}
    mefs = {row[6] for row in rows if row[4] == "scolaire"}
    assert cfds and mefs
    for cfd in cfds:
        formation = Formation.objects.get(cfd=cfd)
        assert formation.has_figures and formation.has_figures_apprentissage
    for mefstat11 in mefs:
        mef = Mef.objects.select_related("formation").get(mefstat11=mefstat11)
        assert mef.is_final_year and mef.formation.has_figures_scolaire
    assert Formation.objects.filter(has_figures=False).exists()


def test_famille_de_metiers_and_seconde_commune(imported):
    commune = Formation.objects.get(cfd="40031211")
    assert commune.is_seconde_commune and commune.family_label == "Métiers de la relation client"
    assert commune.family_code  # the BCN code, through the MEF links
    specialty = Formation.objects.get(cfd="40025214")  # maintenance des véhicules option A
    assert specialty.family_label == "Métiers de la maintenance des matériels et des véhicules"
    assert not specialty.is_seconde_commune


def test_affelnet_entry_year_is_mapped_to_final_year(imported, fixture_dir):
    offers = Offer.objects.filter(source=Source.AFFELNET_2022, voie=Voie.SCOLAIRE).select_related("formation")
    assert offers.exists()
    # A seconde commune has no final year of its own: its offer stays on the common formation.
    communes = offers.filter(mefstat11="")
    assert communes.exists() and all(offer.formation.is_seconde_commune for offer in communes)
    for offer in offers.exclude(mefstat11=""):
        mef = Mef.objects.get(mefstat11=offer.mefstat11)
        assert mef.is_final_year and mef.formation_id == offer.formation_id
    text = (fixture_dir / "offre_formation_affelnet_parcoursup" / "affelnet_attractivite_capacite_2022.csv").read_text()
    entry_codes = {line.split(";")[1] for line in text.splitlines()[1:]}
    assert not entry_codes & set(offers.values_list("mefstat11", flat=True)), "entry-year codes must not be kept"


def test_affelnet_rows_of_one_school_and_training_add_up(imported, fixture_dir):
    text = (fixture_dir / "offre_formation_affelnet_parcoursup" / "affelnet_attractivite_capacite_2022.csv").read_text()
    rows = [line.split(";") for line in text.splitlines()[1:]]
    uai, entry = "0310017A", "23820025214"
    places = sum(int(row[4]) for row in rows if row[0] == uai and row[1] == entry)
    offer = Offer.objects.get(school__uai=uai, formation__cfd="40025214", voie=Voie.SCOLAIRE)
    assert offer.places >= places > 0
    assert offer.region_code == "76" and offer.departement_code == "031"


def test_parcoursup_gives_apprenticeship_offers_with_cfd_only(imported):
    offers = Offer.objects.filter(source=Source.PARCOURSUP_2024, voie=Voie.APPRENTISSAGE)
    assert offers.exists()
    assert set(offers.values_list("mefstat11", flat=True)) == {""}
    assert all(cfd.startswith("320") for cfd in offers.values_list("formation__cfd", flat=True))


def test_school_from_the_annuaire_has_address_sector_and_coordinates(imported):
    school = School.objects.exclude(latitude=None).filter(sector=Sector.PUBLIC, region_code="76").first()
    assert school is not None
    assert school.address and school.postal_code.startswith("31") and school.town
    assert (school.departement_code, school.academie_code) == ("031", "16")
    assert (school.region_name, school.academie_name, school.departement_name) == (
        "Occitanie",
        "Toulouse",
        "Haute-Garonne",
    )


def test_school_named_only_by_inserjeunes_gets_territory_from_its_uai(imported):
    school = School.objects.get(uai="0750419Y")
    assert school.name == "Lycée professionnel Mécanique automobile Camille Jenatzy"
    assert school.kind == SchoolKind.LYCEE_PRO and school.sector == Sector.PUBLIC
    assert (school.departement_code, school.academie_code, school.region_code) == ("075", "01", "11")


def test_cfa_named_by_the_cfa_dataset_without_its_prefix(imported):
    cfa = School.objects.get(uai="0311341P")
    assert cfa.kind == SchoolKind.CFA
    assert cfa.name == "Centre de formation d'apprentis BTP CFA Occitanie - Campus de Toulouse-Muret"


def test_indicators_read_positional_and_named_columns(imported):
    # 2018_2019 has blank headers: 32;32;63;65;-2;64;64;67 = interrupted, poursuite, 6 m, attendu, VA, 12/18/24 m.
    old = SchoolIndicators.objects.get(school__uai="0311341P", millesime="2018_2019", population="apprentis")
    assert (old.employment_rate_6m, old.expected_rate, old.value_added) == (63, 65, -2)
    assert (old.employment_rate_12m, old.employment_rate_18m, old.employment_rate_24m) == (64, 64, 67)
    # The CFA dataset adds what the DEPP file lacks for 2021_2022 (18 and 24 months).
    recent = SchoolIndicators.objects.get(school__uai="0311341P", millesime="2021_2022", population="apprentis")
    assert (recent.employment_rate_18m, recent.employment_rate_24m) == (69, 70)
    lycee = SchoolIndicators.objects.get(school__uai="0750419Y", millesime="2022_2023", population="scolaire")
    assert (lycee.share_in_study, lycee.share_in_employment, lycee.share_other) == (57, 15, 28)
    unpublished = SchoolIndicators.objects.get(school__uai="0750419Y", millesime="2022_2023", population="apprentis")
    assert unpublished.employment_rate_6m is None  # "nd" is not a number, and not a zero


def test_import_twice_gives_the_same_rows(imported, fixture_dir):
    first = snapshot()
    report = run_import(fixture_dir)
    assert snapshot() == first
    assert report.written["Formation"] + report.written["Formation (SISE)"] == len(first["Formation"])


def _copy(fixture_dir, tmp_path):
    target = tmp_path / "opendata"
    shutil.copytree(fixture_dir, target)
    return target


def _append(path, line: str, encoding: str = "utf-8") -> None:
    with path.open("a", encoding=encoding, newline="") as handle:
        handle.write(line + "\n")


# Files of the orientation import (issue 11): their out-of-scope rows are counted as rejected with their reason.
ORIENTATION_FILES = ("certif_info.csv", "communes.json", "romeMetier.csv", "metier.csv", "(pression)")


def test_malformed_rows_are_reported_and_skipped(db, fixture_dir, tmp_path):
    root = _copy(fixture_dir, tmp_path)
    offers = root / "offre_formation_affelnet_parcoursup" / "affelnet_attractivite_capacite_2022.csv"
    _append(offers, "XYZ;23810025222;N;ST;20;32;;1;23830025222")
    _append(offers, "0310017A;23810025222;N;ST;vingt;32;;1;23830025222")
    constat = root / "offre_formation_constat_2020" / "constat_2020.csv"
    _append(constat, "2020;0310017A;99999999999;12")
    depp = root / "inserjeunes_etablissements_depp" / "depp-2022-etablissements-2022_2023-pro.csv"
    _append(depp, "0310017A;Lycée;OCCITANIE;ensemble;54;51")
    bcn = root / "bcn" / "vFormationDiplome_.csv"
    _append(bcn, "50099999;500;221;T;;CAP;X;X (CAP);31/13/2016;;N" + ";" * 21)

    report = run_import(root)

    reasons = {(file, reason) for (file, reason) in report.rejected}
    assert ("affelnet_attractivite_capacite_2022.csv", "UAI invalide (7 chiffres et une lettre)") in reasons
    assert ("affelnet_attractivite_capacite_2022.csv", "capacité non numérique") in reasons
    assert ("constat_2020.csv", "MEFSTAT11 inconnu de la BCN") in reasons
    assert ("depp-2022-etablissements-2022_2023-pro.csv", "6 colonnes au lieu de 11") in reasons
    assert ("vFormationDiplome_.csv", "DATE_OUVERTURE invalide") in reasons
    # The two bad Affelnet rows are rejected by the admission-pressure import too, under its own name.
    assert ("affelnet_attractivite_capacite_2022.csv (pression)", "capacité non numérique") in reasons
    catalogue = {key: n for key, n in report.rejected.items() if not key[0].endswith(ORIENTATION_FILES)}
    assert sum(catalogue.values()) == 5
    assert not School.objects.filter(uai="XYZ").exists()
    assert not Formation.objects.filter(cfd="50099999").exists()
    assert any("capacité non numérique" in line for line in report.lines())
    # The good rows of the same files are all there.
    assert Offer.objects.filter(source=Source.AFFELNET_2022).exists()
