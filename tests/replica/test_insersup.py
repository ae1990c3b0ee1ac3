"""The replica's InserSup routes (issue 25): figures from an InserSup file in the official open-data layout when
`OPENDATA_DIR` has an `insersup/` folder (here the tests' own file, `tests/insersup.py`: TEST DATA), else the API's own
404s. Records as upstream's InserSup importers build them; our client reads them."""

from fractions import Fraction

import httpx
import pytest

from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import Filiere, parse_certification, parse_uai
from guidance.replica.app import create_app
from guidance.replica.dataset import load_dataset
from guidance.replica.figures import SMALL_COHORT_MESSAGE
from tests.contract.contract import check
from tests.insersup import UNIVERSITY, UNIVERSITY_NAME, opendata_with_insersup
from tests.replica.support import API_KEY, BASE_URL, PREFIX, client_for, replica_client

AUTH = {"x-api-key": API_KEY}


def rate(part: int, whole: int) -> int:
    return round(Fraction(100 * part, whole))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(opendata_with_insersup(tmp_path_factory.mktemp("insersup")))


@pytest.fixture
def api(dataset):
    with client_for(create_app(dataset, api_key=API_KEY)) as client:
        yield client


def test_a_sise_certification_answers_insersups_national_figures_of_the_latest_year(api, dataset):
    body = api.get(f"{PREFIX}/certifications/SISE:2300030").json()
    check(body)
    assert dataset.has_insersup and dataset.latest_sup_year == "2023"
    assert (body["millesime"], body["filiere"], body["code_certification_type"]) == ("2023", "superieur", "sise")
    assert (body["libelle"], body["diplome"]) == ("INFORMATIQUE", {"code": "6", "libelle": "LIC LMD"})
    assert "code_formation_diplome" not in body and "uai_type" not in body
    # The "ensemble" row only (the women's, the graduates' and the `all` total rows are left aside).
    assert (body["nb_sortant"], body["nb_poursuite_etudes"], body["nb_annee_term"]) == (842, 3368, 842 + 3368)
    assert body["nb_en_emploi_12_mois"] == 505 and body["taux_en_emploi_12_mois"] == rate(505, 4210)
    assert body["taux_en_formation"] == rate(3368, 4210)
    assert body["taux_autres_12_mois"] == 100 - rate(505, 4210) - rate(3368, 4210)
    quartiles = (body["salaire_12_mois_q1"], body["salaire_12_mois_q2"], body["salaire_12_mois_q3"])
    assert quartiles == (1450, 1720, 2050)
    assert body["_meta"]["details"].startswith("Données InserSup pour la certification 2300030 (LIC LMD filière")
    assert "messages" not in body["_meta"]  # InserSup's own national figures, not a sum of regions


def test_an_older_year_and_a_year_without_figures(api):
    assert api.get(f"{PREFIX}/certifications/SISE:2300030", params={"millesime": "2022"}).json()["nb_sortant"] == 800
    missing = api.get(f"{PREFIX}/certifications/SISE:2300030", params={"millesime": "2021"})
    assert missing.status_code == 404 and missing.json()["message"] == "Pas de données pour le millésime"
    assert missing.json()["data"] == {"millesime": "2021", "millesimesDisponible": ["2023", "2022"]}


def test_a_small_insersup_cohort_answers_nulls_and_the_message(api):
    body = api.get(f"{PREFIX}/certifications/SISE:2400152").json()
    check(body)
    assert body["nb_annee_term"] == 12 and body["taux_en_emploi_12_mois"] is None and body["nb_sortant"] is None
    assert SMALL_COHORT_MESSAGE in body["_meta"]["messages"]
    assert "salaire_12_mois_q2" not in body  # "nd" in the file: absent, never 0


def test_a_university_answers_its_figures_with_the_national_salaries(api):
    body = api.get(f"{PREFIX}/formations/{UNIVERSITY}-SISE:2300030").json()
    check(body)
    assert (body["uai"], body["libelle_etablissement"], body["millesime"]) == (UNIVERSITY, UNIVERSITY_NAME, "2022_2023")
    assert (body["nb_annee_term"], body["nb_sortant"]) == (61 + 204, 61)
    assert body["region"]["code"] == "93" and body["academie"]["nom"] == "Nice"
    assert body["salaire_12_mois_q2"] == 1720  # the diploma's national median, as upstream attaches it
    assert not any(key.startswith("uai_") for key in body)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("0062205P-SISE:9999999", "Formation inconnue"),  # a code the SISE table does not know
        ("0000001A-SISE:2300030", "Etablissement inconnu"),
        ("0310024H-SISE:2500164", "Formation inconnue"),  # both known, no figures for the pair
    ],
)
def test_a_school_route_answers_the_apis_404s_in_its_order(api, path, message):
    answer = api.get(f"{PREFIX}/formations/{path}")
    assert answer.status_code == 404 and answer.json()["message"] == message


def test_higher_education_has_no_regional_figures_and_no_filieres_view(api):
    regional = api.get(f"{PREFIX}/regionales/76/certifications/SISE:2300030")
    assert regional.status_code == 404 and regional.json()["message"] == "Formation inconnue"
    filieres = api.get(f"{PREFIX}/certifications/SISE:2300030", params={"vue": "filieres"})
    assert filieres.status_code == 404 and filieres.json()["message"] == "Certifications inconnues"


def test_the_list_routes_list_insersup_records_by_sise_code(api):
    latest = api.get(f"{PREFIX}/certifications", params={"code_certifications": "SISE:2300030"}, headers=AUTH).json()
    assert [item["millesime"] for item in latest["certifications"]] == ["2023"]
    every = api.get(
        f"{PREFIX}/certifications",
        params={"code_certifications": "SISE:2300030", "millesimes": "2022,2023"},
        headers=AUTH,
    ).json()
    assert sorted(item["millesime"] for item in every["certifications"]) == ["2022", "2023"]
    schools = api.get(f"{PREFIX}/formations", params={"code_certifications": "SISE:2300030"}, headers=AUTH).json()
    assert [(item["uai"], item["filiere"]) for item in schools["formations"]] == [(UNIVERSITY, "superieur")]
    csv = api.get(f"{PREFIX}/certifications.csv", params={"code_certifications": "SISE:2300030"}, headers=AUTH).text
    header, line = csv.splitlines()[:2]
    assert "salaire_12_mois_q2" in header.split(";") and "1720" in line.split(";")


def test_our_client_reads_the_replicas_insersup_records(dataset):
    app = create_app(dataset, api_key=API_KEY)
    client = InserJeunesClient(BASE_URL, api_key=API_KEY, transport=httpx.WSGITransport(app=app))
    national = client.national(parse_certification("SISE:2300030"))
    assert national.filiere_kind is Filiere.SUPERIEUR and national.has_salaries
    school = client.school(parse_uai(UNIVERSITY), parse_certification("SISE:2300030"))
    assert school.nb_sortant + school.nb_poursuite_etudes == school.nb_annee_term


def test_without_an_insersup_folder_a_sise_code_has_the_apis_no_data_answer():
    with replica_client() as client:
        answer = client.get(f"{PREFIX}/certifications/SISE:2300030")
        assert answer.status_code == 404 and answer.json()["message"] == "Certification inconnue"
        school = client.get(f"{PREFIX}/formations/0310024H-SISE:2300030")
        assert school.status_code == 404 and school.json()["message"] == "Formation inconnue"
