"""Authenticated list routes: API key, bearer token from the login route, pagination, filters and CSV."""

import csv
import io
import math
import time

import pytest

from guidance.replica.app import create_app
from tests.replica.support import API_KEY, PREFIX, client_for

KEY = {"x-api-key": API_KEY}


@pytest.mark.parametrize("path", ["/certifications", "/formations", "/regionales", "/regionales/11", "/regionales.csv"])
def test_list_routes_need_a_key_or_a_token(client, path):
    response = client.get(f"{PREFIX}{path}")

    assert response.status_code == 401
    assert response.json() == {"statusCode": 401, "error": "Unauthorized", "message": "Not authorized"}


def test_a_wrong_key_is_refused(client):
    assert client.get(f"{PREFIX}/certifications", headers={"x-api-key": "nope"}).status_code == 401


def test_the_key_is_accepted_in_the_query_string_without_counting_as_unknown(client):
    response = client.get(f"{PREFIX}/certifications", params={"apiKey": API_KEY, "items_par_page": 1})

    assert response.status_code == 200
    assert len(response.json()["certifications"]) == 1


def test_a_login_token_opens_the_list_routes_for_a_day(dataset):
    app = create_app(dataset, api_key=API_KEY)
    with client_for(app) as client:
        token = client.post(f"{PREFIX}/auth/login", json={"username": "site", "password": API_KEY}).json()["token"]
        response = client.get(f"{PREFIX}/regionales/11", headers={"Authorization": f"Bearer {token}"})
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        refused = client.get(f"{PREFIX}/regionales/11", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 200
    assert refused.status_code == 401
    assert app.auth.token_valid(token, now=time.time() + 86400 - 60)
    assert not app.auth.token_valid(token, now=time.time() + 86400 + 60)


def test_configured_credentials_log_in_without_the_key(dataset):
    with client_for(create_app(dataset, api_key=None, credentials={"site": "s3cret"})) as client:
        good = client.post(f"{PREFIX}/auth/login", json={"username": "site", "password": "s3cret"})
        other = client.post(f"{PREFIX}/auth/login", json={"username": "other", "password": "s3cret"})
        no_key = client.get(f"{PREFIX}/certifications", headers={"x-api-key": ""})

    assert good.status_code == 200
    assert other.status_code == 401
    assert no_key.status_code == 401


def test_a_form_encoded_login_works_too(client):
    response = client.post(f"{PREFIX}/auth/login", data={"username": "site", "password": API_KEY})

    assert response.status_code == 200
    assert response.json()["token"].count(".") == 2


def test_wrong_credentials_are_refused_and_missing_ones_are_a_validation_error(client):
    wrong = client.post(f"{PREFIX}/auth/login", json={"username": "site", "password": "nope"})
    missing = client.post(f"{PREFIX}/auth/login", json={"username": "site"})

    assert wrong.status_code == 401
    assert wrong.json()["message"] == "Votre nom d'utilisateur ou votre mot de passe est invalide"
    assert missing.status_code == 400
    assert missing.json()["details"][0]["path"] == ["password"]


def test_pagination_walks_every_national_record_of_the_latest_millesime(client, dataset):
    expected = sum(1 for stats in dataset.national.values() if dataset.latest_national in stats)
    first = client.get(f"{PREFIX}/certifications", headers=KEY, params={"items_par_page": 500}).json()

    assert first["pagination"] == {
        "page": 1,
        "items_par_page": 500,
        "nombre_de_page": math.ceil(expected / 500),
        "total": expected,
    }
    seen = []
    for page in range(1, first["pagination"]["nombre_de_page"] + 1):
        body = client.get(f"{PREFIX}/certifications", headers=KEY, params={"items_par_page": 500, "page": page}).json()
        seen.extend((item["code_certification"], item["millesime"]) for item in body["certifications"])
    assert len(seen) == len(set(seen)) == expected
    assert {millesime for _, millesime in seen} == {dataset.latest_national}


def test_list_filters_by_millesime_and_code(client):
    body = client.get(
        f"{PREFIX}/regionales",
        headers=KEY,
        params={"millesimes": "2019_2020,2020_2021", "code_certifications": "23830023102", "items_par_page": 100},
    ).json()

    assert body["regionales"]
    assert {item["millesime"] for item in body["regionales"]} == {"2019_2020", "2020_2021"}
    assert {item["code_certification"] for item in body["regionales"]} == {"23830023102"}


def test_school_list_filters_by_uai_region_and_academie(client):
    def codes(**params):
        body = client.get(f"{PREFIX}/formations", headers=KEY, params=params).json()
        # Renamed diplomas also list their carried-over figures; the school's own rows are the `self` ones.
        carried = [item for item in body["formations"] if item["donnee_source"]["type"] != "self"]
        assert all(item["donnee_source"]["code_certification"] != item["code_certification"] for item in carried)
        own = [item for item in body["formations"] if item["donnee_source"]["type"] == "self"]
        return sorted((item["uai"], item["code_certification"]) for item in own)

    assert codes(uais="0010001W") == [("0010001W", "23830023102")]
    assert codes(regions="76") == [("0310024H", "23830031212"), ("0341001D", "23831021405")]
    assert codes(academies="24") == [("0932492D", "40025214")]
    assert codes(uais="0010001W", millesimes="2022") == [("0010001W", "23830023102"), ("0010001W", "23830031212")]


def test_the_csv_variant_has_the_same_rows_as_the_json(client):
    params = {"items_par_page": 25, "page": 3}
    data = client.get(f"{PREFIX}/regionales/11.json", headers=KEY, params=params).json()["regionales"]
    response = client.get(f"{PREFIX}/regionales/11.csv", headers=KEY, params=params)

    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text), delimiter=";"))
    assert len(rows) == len(data) == 25
    for row, item in zip(rows, data, strict=True):
        assert row["region"] == "Île-de-France"
        assert row["code_certification"] == item["code_certification"]
        assert row["donnee_source_type"] == item["donnee_source"]["type"]
        for column in ("nb_annee_term", "taux_en_formation", "taux_en_emploi_24_mois"):
            value = item.get(column, "")
            assert row[column] == ("null" if value is None else str(value))


@pytest.mark.parametrize(
    ("params", "path"),
    [({"page": "-1"}, ["page"]), ({"items_par_page": "ten"}, ["items_par_page"]), ({"uais": "ABC"}, ["uais", 0])],
)
def test_bad_list_parameters_are_validation_errors(client, params, path):
    response = client.get(f"{PREFIX}/formations", headers=KEY, params=params)

    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == path


def test_an_unknown_extension_is_a_validation_error(client):
    response = client.get(f"{PREFIX}/certifications.xml", headers=KEY)

    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == ["ext"]
