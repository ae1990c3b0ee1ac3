"""The same contract assertions against the recorded upstream payloads (tests/fixtures/inserjeunes) and against the
replica's answers, so the replica cannot drift from what the real API sends."""

import json
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from guidance.inserjeunes import parsing
from guidance.inserjeunes.client import InserJeunesClient
from guidance.inserjeunes.codes import Filiere, parse_certification, parse_region
from guidance.inserjeunes.errors import NotFound, NotFoundReason, not_found_from_body
from guidance.inserjeunes.results import CertificationFigures
from guidance.replica.app import create_app
from guidance.replica.faults import FaultConfig
from tests.contract.contract import check, kind_of
from tests.replica.support import API_KEY, PREFIX, replica_client, replica_dataset

RECORDED = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "inserjeunes").glob("*.json"))
KEY = {"x-api-key": API_KEY}

# (name, method, path, expected status): one or more replica answers per kind of recorded payload.
REPLICA_CASES = [
    ("national_pro", "GET", "/certifications/23830023102", 200),
    ("national_apprentissage", "GET", "/certifications/CFD:40025214", 200),
    ("regional", "GET", "/regionales/11/certifications/23830023102", 200),
    ("regional_postal_code", "GET", "/regionales/13001/certifications/40025214?millesime=2021_2022", 200),
    ("school_pro", "GET", "/formations/0010001W-23830023102", 200),
    ("school_year_asked", "GET", "/formations/0010001W-23830023102?millesime=2023", 200),
    ("school_agricole", "GET", "/formations/0341001D-MEFSTAT11:23831021405", 200),
    ("national_period", "GET", "/certifications/CFD:40025214?millesime=2022_2023", 200),
    ("school_apprentissage", "GET", "/formations/0932492D-40025214", 200),
    ("small_cohort", "GET", "/formations/0310024H-23830031212", 200),
    ("closed_formation", "GET", "/certifications/32221022002?millesime=2019_2020", 200),
    ("non_final_year", "GET", "/certifications/23820023102", 200),
    ("seconde_commune", "GET", "/certifications/23810031211", 200),
    ("seconde_commune_regional", "GET", "/regionales/84/certifications/23810020006", 200),
    ("filieres", "GET", "/certifications/40031212?vue=filieres", 200),
    ("filieres_several", "GET", "/certifications/40023102|23830023102", 200),
    ("filieres_regional", "GET", "/regionales/11/certifications/40031212|40031213", 200),
    ("list_certifications", "GET", "/certifications?items_par_page=2&page=2", 200),
    ("list_regionales", "GET", "/regionales/75?items_par_page=50", 200),
    ("list_formations", "GET", "/formations?items_par_page=20", 200),
    ("400_unknown_parameter", "GET", "/certifications/23830023102?invalid=true", 400),
    ("400_code", "GET", "/certifications/2383002310", 400),
    ("400_region", "GET", "/regionales/99000/certifications/23830023102", 400),
    ("401", "GET", "/formations?apiKey=wrong", 401),
    ("404_certification_inconnue", "GET", "/certifications/00000000", 404),
    ("404_certifications_inconnues", "GET", "/certifications/00000000|00000001", 404),
    ("404_formation_inconnue", "GET", "/regionales/11/certifications/00000000", 404),
    ("404_etablissement_inconnu", "GET", "/formations/0000001A-23830023102", 404),
    ("404_pas_de_donnees", "GET", "/regionales/01/certifications/40031212", 404),
    ("404_pas_de_donnees_filieres", "GET", "/regionales/01/certifications/40031212|00000000?millesime=2015_2016", 404),
    ("404_millesime", "GET", "/certifications/23830023102?millesime=2015", 404),
    ("404_millesime_school", "GET", "/formations/0010001W-23830031212", 404),
    ("404_millesime_school_year", "GET", "/formations/0010001W-23830023102?millesime=2021", 404),
    ("404_letter_mefstat11", "GET", "/regionales/11/certifications/MEFSTAT11:23I01021235", 404),
    ("400_lower_case_mefstat11", "GET", "/regionales/11/certifications/23i01021235", 400),
]


def _replica_answer(method: str, path: str):
    with replica_client() as client:
        return client.request(method, f"{PREFIX}{path}", headers=KEY if "apiKey" not in path else None)


@pytest.fixture(scope="module", autouse=True)
def _needs_open_data():
    if not settings.OPENDATA_DIR:
        pytest.skip("OPENDATA_DIR is not set: the contract tests need the open data")


def test_recorded_payloads_exist():
    assert RECORDED, "tests/fixtures/inserjeunes holds the recorded upstream payloads"


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.stem)
def test_a_recorded_payload_follows_the_contract(path):
    check(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("name", "method", "path", "status"), REPLICA_CASES, ids=[c[0] for c in REPLICA_CASES])
def test_a_replica_answer_follows_the_contract(name, method, path, status):
    response = _replica_answer(method, path)

    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    check(response.json())


def test_the_401_is_the_recorded_one():
    response = _replica_answer("GET", "/formations?apiKey=wrong")

    assert response.json() == json.loads((RECORDED[0].parent / "401.json").read_text())


def test_replica_500s_follow_the_contract():
    with replica_client(faults=FaultConfig(error_rate=1.0, seed=5)) as client:
        answers = [client.get(f"{PREFIX}/certifications/23830023102") for _ in range(20)]

    recorded_500 = json.loads((RECORDED[0].parent / "500.json").read_text())
    five_hundreds = [a.json() for a in answers if a.status_code == 500]
    assert five_hundreds and all(body == recorded_500 for body in five_hundreds)
    for answer in answers:
        check(answer.json())


def test_the_replica_login_follows_the_contract():
    with replica_client() as client:
        response = client.post(f"{PREFIX}/auth/login", json={"username": "site", "password": API_KEY})

    assert kind_of(response.json()) == "login"
    check(response.json())


def test_every_kind_of_recorded_payload_has_replica_answers_of_the_same_kind():
    recorded = {kind_of(json.loads(path.read_text(encoding="utf-8"))) for path in RECORDED}
    answered = {"login"} | {kind_of(_replica_answer(m, p).json()) for _, m, p, _ in REPLICA_CASES}

    assert recorded <= answered


FIGURE_RECORDS = [path for path in RECORDED if kind_of(json.loads(path.read_text(encoding="utf-8"))) == "figures"]


@pytest.mark.parametrize("path", FIGURE_RECORDS, ids=lambda p: p.stem)
def test_replica_figures_carry_the_recorded_keys(path):
    """For figure records, the replica answers at least the keys upstream sends (salaries and the contract-free
    `taux_rupture_contrats` excepted: the open data has neither), under the same names."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    if "uai" in payload:
        ours = _replica_answer("GET", "/formations/0010001W-23830023102")
    else:
        ours = _replica_answer("GET", f"/certifications/{payload['code_certification']}")
        if ours.status_code != 200:
            ours = _replica_answer("GET", "/certifications/23830023102")
    assert ours.status_code == 200
    # Present only in some cases (renamed, closed, famille de métiers, regional, apprenticeship school links).
    conditional = {"region", "libelle_ancien", "date_fermeture", "familleMetier"}
    conditional |= {"uai_type", "uai_donnee", "uai_donnee_type", "uai_lieu_formation", "uai_formateur"}
    conditional |= {"uai_gestionnaire"}
    kept = ("salaire_", "taux_rupture", "nb_en_emploi_", "taux_en_emploi_", "taux_autres_")
    missing = {key for key in payload if not key.startswith(kept)} - set(ours.json()) - conditional
    assert not missing, f"keys the replica never sends: {sorted(missing)}"


@pytest.mark.parametrize(
    ("name", "method", "path", "status"),
    [case for case in REPLICA_CASES if case[3] == 200],
    ids=[case[0] for case in REPLICA_CASES if case[3] == 200],
)
def test_the_sites_parser_reads_every_replica_answer(name, method, path, status):
    """The replica feeds the client's parsers (`guidance.inserjeunes.parsing`) without a PayloadError, and what they
    read is what was sent: millésime (year or period), filière (`agricole` included), code."""
    payload = _replica_answer(method, path).json()
    kind = kind_of(payload)
    if kind == "list":
        items_key = next(key for key in ("certifications", "regionales", "formations") if key in payload)
        page = parsing.parse_page(payload, items_key)
        assert page.total >= len(page.items)
        item_parser = parsing.parse_school if items_key == "formations" else parsing.parse_certification
        records = [(item, item_parser(item)) for item in page.items]
    elif kind == "filieres":
        figures = parsing.parse_filieres(payload)
        records = [(payload[voie], getattr(figures, voie)) for voie in payload]
    elif "uai" in payload:
        records = [(payload, parsing.parse_school(payload))]
        assert records[0][1].uai == payload["uai"]
    elif "region" in payload:
        records = [(payload, parsing.parse_regional(payload))]
        assert records[0][1].region.code == payload["region"]["code"]
    else:
        records = [(payload, parsing.parse_certification(payload))]
    for sent, read in records:
        assert (read.millesime, read.filiere) == (sent["millesime"], sent["filiere"])
        assert getattr(read, "code_certification", None) == sent.get("code_certification")
        if isinstance(read, CertificationFigures):  # `agricole` is its own voie, never mistaken for `pro`
            assert read.filiere_kind is Filiere(sent["filiere"])


MILLESIME_404S = [case for case in REPLICA_CASES if case[0].startswith("404_millesime")]


@pytest.mark.parametrize(("name", "method", "path", "status"), MILLESIME_404S, ids=[c[0] for c in MILLESIME_404S])
def test_the_sites_error_reader_keeps_the_millesimes_the_replica_offers(name, method, path, status):
    """`Pas de données pour le millésime`: the millésime looked up and the available ones (years and periods alike)
    reach the site as sent, newest first."""
    body = _replica_answer(method, path).json()
    error = not_found_from_body(body)
    assert error.reason is NotFoundReason.NO_DATA_FOR_MILLESIME
    assert error.millesime == body["data"]["millesime"]
    assert error.available_millesimes == tuple(body["data"]["millesimesDisponible"])


def test_a_visitors_lower_case_letter_bearing_code_reaches_the_replica_upper_case():
    """The replica answers 400 to lower-case codes, as validators.js does (case `400_lower_case_mefstat11`); the
    client upper-cases what a visitor typed, so the answer is the code's own: no figures in that region."""
    client = InserJeunesClient(
        "http://replica.local",
        api_key=API_KEY,
        transport=httpx.WSGITransport(app=create_app(replica_dataset(), api_key=API_KEY)),
    )
    with pytest.raises(NotFound) as raised:
        client.regional(parse_certification("mefstat11:23i01021235"), parse_region("75011"))
    assert raised.value.reason is NotFoundReason.NO_DATA
    assert raised.value.route == "/api/inserjeunes/regionales/11/certifications/MEFSTAT11:23I01021235"
