import pytest

from guidance.inserjeunes.parsing import (
    parse_certification,
    parse_filieres,
    parse_page,
    parse_regional,
    parse_school,
)
from guidance.inserjeunes.results import CertificationFigures, DonneeSourceType, PayloadError, TerminalError
from tests.inserjeunes.conftest import payload


def test_national_figures_keep_every_count_rate_and_salary():
    figures = parse_certification(payload("national_apprentissage"))
    assert (figures.millesime, figures.code_certification, figures.filiere) == ("2023", "40031212", "apprentissage")
    assert figures.nb_annee_term == 152
    assert figures.nb_en_emploi_24_mois == 83
    assert figures.taux_en_formation == 20
    assert figures.taux_rupture_contrats == 22
    assert (figures.salaire_12_mois_q1, figures.salaire_12_mois_q2, figures.salaire_12_mois_q3) == (1280, 1470, 1650)
    assert figures.diplome.libelle == "BAC PRO"
    assert figures.donnee_source.type is DonneeSourceType.SELF
    assert not figures.donnee_source.is_carried_over
    assert figures.meta.titre == "Certification 40031212"
    assert not figures.too_few_learners
    assert figures.has_salaries


def test_results_are_frozen():
    figures = parse_certification(payload("national_apprentissage"))
    with pytest.raises(AttributeError):
        figures.nb_annee_term = 3


def test_small_cohort_nulls_are_hidden_not_absent_and_salaries_are_dropped():
    figures = parse_certification(payload("small_cohort"))
    assert figures.too_few_learners
    assert figures.nb_annee_term == 12
    assert figures.taux_en_emploi_6_mois is None
    assert not figures.is_absent("taux_en_emploi_6_mois")  # null for too few learners: hidden, not absent
    # The API leaves the salaries of a small cohort: we do not keep them.
    assert figures.salaire_12_mois_q2 is None
    assert not figures.has_salaries
    assert figures.meta.messages == (
        "Les taux ne peuvent pas être affichés car il n'y a pas assez d'élèves pour fournir une information fiable.",
    )


def test_missing_fields_are_absent_not_hidden():
    figures = parse_certification(payload("missing_fields"))
    assert not figures.too_few_learners
    assert figures.taux_en_emploi_24_mois is None
    assert "taux_en_emploi_24_mois" in figures.absent_fields
    assert figures.is_absent("nb_en_emploi_18_mois")
    assert figures.is_absent("taux_en_emploi_24_mois")
    assert figures.taux_en_emploi_12_mois == 50


def test_small_cohort_is_detected_from_the_count_not_the_message():
    body = payload("small_cohort")
    body["_meta"]["messages"] = ["Un autre message"]
    assert parse_certification(body).too_few_learners
    body = payload("national_apprentissage")
    body["_meta"]["messages"] = ["Les taux ne peuvent pas être affichés…"]
    assert not parse_certification(body).too_few_learners


@pytest.mark.parametrize(
    ("fixture", "source_type", "source_code"),
    [
        ("donnee_source_ancienne", DonneeSourceType.ANCIENNE, "40025204"),
        ("donnee_source_nouvelle", DonneeSourceType.NOUVELLE, "40025214"),
    ],
)
def test_figures_carried_over_from_another_version_say_so(fixture, source_type, source_code):
    figures = parse_certification(payload(fixture))
    assert figures.donnee_source.type is source_type
    assert figures.donnee_source.code_certification == source_code
    assert figures.donnee_source.is_carried_over


def test_former_label_is_kept():
    assert parse_certification(payload("donnee_source_ancienne")).libelle_ancien.startswith("TECHNICIEN DU FROID")


def test_closed_formation():
    figures = parse_certification(payload("closed_formation"))
    assert figures.formation_fermee
    assert figures.date_fermeture == "2019-08-31T00:00:00.000Z"


def test_seconde_commune_has_one_block_per_speciality():
    figures = parse_certification(payload("seconde_commune"))
    assert figures.is_annee_commune
    assert figures.famille_metier.libelle == "RELATION CLIENT"
    assert figures.has_terminales
    first, second = figures.certifications_terminales
    assert isinstance(first, CertificationFigures)
    assert not first.is_error
    assert first.code_certification == "23830031212"
    assert first.taux_en_emploi_6_mois == 18
    assert isinstance(second, TerminalError)
    assert second.is_error
    assert (second.code_certification, second.error, second.millesimes) == (
        "23830031213",
        "ErrorNoDataForMillesime",
        ("2023",),
    )
    assert figures.nb_annee_term is None  # no figures of its own


def test_a_non_final_year_refers_to_its_final_year():
    body = payload("seconde_commune")
    body["certificationsTerminales"] = [{"code_certification": "23830031212"}]
    (entry,) = parse_certification(body).certifications_terminales
    assert isinstance(entry, TerminalError)
    assert (entry.code_certification, entry.error, entry.libelle) == ("23830031212", "", "")


def test_regional_figures_carry_their_region():
    figures = parse_regional(payload("regional"))
    assert (figures.region.code, figures.region.nom) == ("11", "Île-de-France")
    assert figures.salaire_12_mois_q2 is None
    assert "salaire_12_mois_q2" in figures.absent_fields


def test_school_figures_say_where_the_figures_come_from():
    figures = parse_school(payload("school_apprentissage"))
    assert figures.uai == "0755026P"
    assert figures.libelle_etablissement.startswith("CFA")
    assert figures.uai_type == "lieu_formation"
    assert (figures.uai_donnee, figures.uai_donnee_type) == ("0756172E", "formateur")
    assert figures.uai_formateur == ("0756172E",)
    assert figures.figures_from_other_uai
    assert not parse_school(payload("school_pro")).figures_from_other_uai


def test_filieres_view_puts_both_voies_side_by_side():
    figures = parse_filieres(payload("filieres"))
    labels = [label for label, _ in figures.voies]
    assert labels == ["Voie scolaire", "Apprentissage"]
    assert figures.pro.codes_certifications == ("23830031212",)
    assert figures.apprentissage.formation_fermee is False
    assert figures.millesime == "2023"
    assert figures.pro.libelle == "METIERS DE L'ACCUEIL (BAC PRO)"


def test_filieres_view_with_a_single_voie():
    body = payload("filieres")
    del body["apprentissage"]
    figures = parse_filieres(body)
    assert figures.apprentissage is None
    assert figures.voies[1] == ("Apprentissage", None)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"other": {}},
        {"pro": "x"},
        {"pro": {"filiere": "pro"}},  # no millésime
    ],
)
def test_malformed_filieres_raise(body):
    with pytest.raises(PayloadError):
        parse_filieres(body)


@pytest.mark.parametrize(
    "change",
    [
        {"taux_en_emploi_6_mois": "40"},
        {"nb_annee_term": True},
        {"donnee_source": "self"},
        {"certificationsTerminales": {}},
        {"code_certification": None},
    ],
)
def test_unexpected_shapes_raise(change):
    body = {**payload("national_apprentissage"), **change}
    with pytest.raises(PayloadError):
        parse_certification(body)


def test_page_envelope():
    page = parse_page(payload("list_certifications_page1"), "certifications")
    assert (page.page, page.nombre_de_page, page.total, len(page.items)) == (1, 2, 3, 2)
    with pytest.raises(PayloadError):
        parse_page({"certifications": [], "pagination": {"page": "x"}}, "certifications")
    with pytest.raises(PayloadError):
        parse_page({"formations": []}, "certifications")
