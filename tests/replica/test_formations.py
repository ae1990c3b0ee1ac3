"""Per school × formation figures, from the "formation fine" fixture files (tests/fixtures/replica)."""

import pytest

from guidance.replica.figures import SMALL_COHORT_MESSAGE
from tests.replica.support import PREFIX


def test_school_figures_round_half_to_even(client):
    body = client.get(f"{PREFIX}/formations/0010001W-23830023102").json()

    # Fixture: 40 learners, 5 in further study (12.5 %), 7 / 11 / 13 in a job (17.5 / 27.5 / 32.5 %), no 24 months.
    assert body["uai"] == "0010001W"
    assert body["millesime"] == "2022_2023"
    assert body["filiere"] == "pro"
    assert (body["nb_annee_term"], body["taux_en_formation"]) == (40, 12)
    assert (body["taux_en_emploi_6_mois"], body["taux_autres_6_mois"]) == (18, 70)
    assert (body["taux_en_emploi_12_mois"], body["taux_autres_12_mois"]) == (28, 60)
    assert body["taux_en_emploi_18_mois"] == 32
    assert "taux_en_emploi_24_mois" not in body and "nb_en_emploi_24_mois" not in body
    assert body["region"] == {"code": "84", "nom": "Auvergne-Rhône-Alpes"}
    assert body["academie"]["code"] == "10"
    assert body["libelle_etablissement"] == "Lycée professionnel Alexandre Bérard"


@pytest.mark.parametrize(("millesime", "answered", "size"), [("2023", "2022_2023", 40), ("2021_2022", "2021_2022", 44)])
def test_a_school_accepts_a_year_or_a_period(client, millesime, answered, size):
    body = client.get(f"{PREFIX}/formations/0010001W-23830023102", params={"millesime": millesime}).json()

    assert (body["millesime"], body["nb_annee_term"]) == (answered, size)


def test_a_small_school_cohort_answers_nulls(client):
    body = client.get(f"{PREFIX}/formations/0310024H-23830031212").json()

    assert body["nb_annee_term"] == 12
    assert body["taux_en_formation"] is None and body["nb_en_emploi_6_mois"] is None
    assert SMALL_COHORT_MESSAGE in body["_meta"]["messages"]


def test_an_apprenticeship_school_says_the_uai_role_is_unknown(client):
    body = client.get(f"{PREFIX}/formations/0932492D-CFD:40025214").json()

    assert body["filiere"] == "apprentissage"
    assert body["uai_donnee"] == "0932492D"
    assert body["uai_type"] == body["uai_donnee_type"] == "inconnu"
    assert body["academie"]["code"] == "24"


def test_a_non_final_year_at_a_school_answers_the_final_year(client):
    body = client.get(f"{PREFIX}/formations/0010001W-23820023102").json()

    assert body["code_certification"] == "23830023102"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("0010001W-00000000", "Formation inconnue"),  # the code is checked first…
        ("0000001A-00000000", "Formation inconnue"),
        ("0000001A-23830031212", "Etablissement inconnu"),  # …then the school…
        ("0310024H-23830031213", "Formation inconnue"),  # …then the pair (its fixture row has no count)
        ("0010001W-23830031212", "Pas de données pour le millésime"),
    ],
)
def test_school_404s_come_in_the_apis_order(client, path, message):
    response = client.get(f"{PREFIX}/formations/{path}")

    assert response.status_code == 404
    assert response.json()["message"] == message


def test_a_school_millesime_without_figures_lists_the_others(client):
    # Upstream formationsRoutes-test "Ne retourne pas de stats par défaut si il n'y a pas de données pour le
    # millésime le plus récent": the default is the latest year, and the 404 reports it.
    body = client.get(f"{PREFIX}/formations/0010001W-23830031212").json()

    assert body["data"] == {"millesime": "2023", "millesimesDisponible": ["2021_2022"]}
