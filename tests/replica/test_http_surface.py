"""The replica's HTTP details beyond the API's own tests: how parameters are merged and parsed, tokens in the key
header, the login body, SVG variants and caching, postal codes through the territories table."""

import pytest

from guidance.inserjeunes.territories import DEPARTEMENTS
from guidance.replica import svg
from guidance.replica.validation import Validator, region_of_postal_code
from tests.contract.contract import check
from tests.replica.support import API_KEY, PREFIX

KEY = {"x-api-key": API_KEY}
CODE = "23830031212"


def test_a_login_token_also_works_in_the_key_header_but_not_as_the_key_parameter(client):
    # authMiddleware.js: the JWT is extracted from `Authorization: Bearer` or from the `x-api-key` header; but the
    # query string goes through the Mongo sanitizer first (server.js), which turns the token's dots into `_`
    token = client.post(f"{PREFIX}/auth/login", json={"username": "site", "password": API_KEY}).json()["token"]

    assert client.get(f"{PREFIX}/bcn", headers={"x-api-key": token}).status_code == 200
    assert client.get(f"{PREFIX}/bcn", params={"apiKey": token}).status_code == 401
    assert client.get(f"{PREFIX}/bcn", headers={"x-api-key": token[:-3] + "abc"}).status_code == 401


def test_the_login_body_is_validated_like_a_query(client):
    response = client.post(f"{PREFIX}/auth/login", json={"username": "site", "role": "admin"})

    assert response.status_code == 400
    details = response.json()["details"]
    assert [(d["path"], d["type"]) for d in details] == [(["password"], "any.required"), (["role"], "object.unknown")]
    assert details[0]["context"] == {"label": "password", "key": "password"}  # Joi gives no value for a missing key


def test_a_repeated_parameter_is_refused_as_the_api_refuses_it(client):
    response = client.get(f"{PREFIX}/certifications/{CODE}?millesime=2022&millesime=2023")

    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert detail["type"] == "string.base" and detail["context"]["value"] == ["2022", "2023"]


def test_the_list_extension_may_come_from_the_query_but_the_path_wins(client):
    from_query = client.get(f"{PREFIX}/regionales", headers=KEY, params={"ext": "csv", "items_par_page": 1})
    path_wins = client.get(f"{PREFIX}/regionales.json", headers=KEY, params={"ext": "csv", "items_par_page": 1})

    assert from_query.headers["content-type"].startswith("text/csv")
    assert path_wins.headers["content-type"] == "application/json"
    assert len(path_wins.json()["regionales"]) == 1


def test_a_single_route_query_can_ask_for_the_image(client):
    response = client.get(f"{PREFIX}/certifications/{CODE}", params={"ext": "svg", "theme": "lba"})

    assert "image/svg+xml" in response.headers["content-type"]
    assert svg.THEMES["lba"]["accent"] in response.text


def test_an_svg_carries_an_etag_and_answers_304(client):
    first = client.get(f"{PREFIX}/certifications/{CODE}.svg?direction=horizontal")
    again = client.get(
        f"{PREFIX}/certifications/{CODE}.svg?direction=horizontal", headers={"If-None-Match": first.headers["etag"]}
    )

    assert first.status_code == 200 and again.status_code == 304


def test_the_regional_error_image_names_the_region(client):
    response = client.get(f"{PREFIX}/regionales/11/certifications/00000000.svg?imageOnError=true")

    assert response.status_code == 200
    assert "Données non disponibles pour la région Île-de-France" in response.text


def test_the_filieres_image_has_one_block_per_voie(client):
    response = client.get(f"{PREFIX}/certifications/40031212.svg?vue=filieres")

    assert response.status_code == 200
    assert "Voie scolaire" in response.text and "Apprentissage" in response.text


def test_a_seconde_commune_has_no_rates_to_draw(client):
    # responseUtils sendStats: no rate → ErrorNoDataAvailable
    response = client.get(f"{PREFIX}/certifications/23810031211.svg")

    assert response.status_code == 404
    assert response.json()["message"] == "Données non disponibles"
    check(response.json())


def test_the_school_route_accepts_only_the_secondaire_universe(client):
    response = client.get(f"{PREFIX}/formations/0010001W-{CODE}", params={"universe": "superieur"})

    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == ["universe"]


@pytest.mark.parametrize(("raw", "expected"), [("1e1", 10), (" 2 ", 2), ("+3", 3), ("0", 7), ("", None), ("2.5", None)])
def test_page_numbers_are_read_as_joi_reads_numbers(raw, expected):
    checker = Validator({"page": raw}, {"page"})
    value = checker.number("page", 7)

    assert (value if not checker.details else None) == expected


@pytest.mark.parametrize("postal_code", ["75001", "20000", "97100", "97500", "98800"])
def test_postal_codes_follow_the_territories_table(postal_code):
    departement = "0" + postal_code[:2] if postal_code[:2] not in ("97", "98", "20") else postal_code[:3]
    expected = DEPARTEMENTS["02A" if departement == "200" else departement][2]

    assert region_of_postal_code(postal_code) == expected


@pytest.mark.parametrize("postal_code", ["97700", "97800", "98400", "98900"])
def test_the_apis_overseas_postal_codes_reach_region_00(postal_code):
    # services/regions.js REGIONS: 977, 978, 984 and 989 are départements of region 00
    assert region_of_postal_code(postal_code) == "00"


@pytest.mark.parametrize(("route", "name"), [("/certifications", "regions"), ("/regionales", "region")])
def test_each_list_knows_only_its_own_filters(client, route, name):
    # certificationsRoutes.js statsList() has no region filter; regionalesRoutes.js takes `region` from the path only
    response = client.get(f"{PREFIX}{route}", headers=KEY, params={name: "11"})

    assert response.status_code == 400
    assert [(d["path"], d["type"]) for d in response.json()["details"]] == [([name], "object.unknown")]


def test_a_trailing_slash_reaches_the_same_route(client):
    # Express routing is not strict: `/certifications/{code}/` is `/certifications/{code}`
    assert client.get(f"{PREFIX}/certifications/{CODE}/").json() == client.get(f"{PREFIX}/certifications/{CODE}").json()
