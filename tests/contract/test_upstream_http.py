"""The replica's HTTP surface against what the API's own tests assert (mission-apprentissage/trajectoires-pro,
server/tests/http/*-test.js, v1.35) and what its validators (server/src/http/utils/validators.js) build: routes,
status codes, error bodies, defaults, CSV and SVG. Each test names the upstream test or source it comes from."""

import datetime as dt

import pytest
from django.conf import settings

from guidance.replica import service_routes, svg
from guidance.replica.app import create_app
from tests.contract.contract import check
from tests.replica.support import API_KEY, PREFIX, client_for, replica_dataset

KEY = {"x-api-key": API_KEY}
CODE = "23830031212"  # TLEPRO MÉTIERS DE L'ACCUEIL: national and regional figures in the open data
REGION_VALIDS = ["00", "01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76"]
REGION_VALIDS += ["84", "93", "94"]


def _bad_request(details: list[dict]) -> dict:
    return {"statusCode": 400, "error": "Bad Request", "message": "Erreur de validation", "details": details}


@pytest.mark.parametrize("route", ["/certifications", "/regionales", "/formations", "/bcn"])
def test_an_unknown_list_parameter_is_one_object_unknown_detail(client, route):
    # certificationsRoutes-test / regionalesRoutes-test / formationsRoutes-test / bcnRoutes-test:
    # "Vérifie qu'on retourne une 404 si les paramètres sont invalides"
    response = client.get(f"{PREFIX}{route}?invalid=true", headers=KEY)

    assert response.status_code == 400
    context = {"child": "invalid", "key": "invalid", "label": "invalid", "value": "true"}
    detail = {"context": context, "message": '"invalid" is not allowed', "path": ["invalid"], "type": "object.unknown"}
    assert response.json() == _bad_request([detail])


def test_an_invalid_certification_code_names_the_whole_list(client):
    # certificationsRoutes-test: "Vérifie qu'on retourne une 400 si le code de certification n'est pas valide"
    response = client.get(f"{PREFIX}/certifications/INVALIDE!")

    assert response.status_code == 400
    context = {"key": "codes_certifications", "label": "codes_certifications", "value": ["INVALIDE!"]}
    message = '"codes_certifications" must have the type CFD, MEFSTAT11 or SISE'
    detail = {"context": context, "message": message, "path": ["codes_certifications"]}
    assert response.json() == _bad_request([{**detail, "type": "codes_certification.invalid"}])


def test_an_unknown_region_lists_the_valid_codes_00_first(client):
    # regionalesRoutes-test: "Vérifie qu'on retourne une erreur 400 si la région n'est pas valide"
    response = client.get(f"{PREFIX}/regionales/12/certifications/12345678?millesime=2018")

    assert response.status_code == 400
    message = '"region" must be one of [' + ", ".join(REGION_VALIDS) + "]"
    context = {"valids": REGION_VALIDS, "label": "region", "value": "12", "key": "region"}
    assert response.json() == _bad_request(
        [{"message": message, "path": ["region"], "type": "any.only", "context": context}]
    )


def test_an_unknown_postal_code_is_postal_code_invalid(client):
    # regionalesRoutes-test: "Vérifie qu'on retourne une erreur 400 si le code postal n'est pas valide"
    response = client.get(f"{PREFIX}/regionales/99000/certifications/12345678?millesime=2018")

    assert response.status_code == 400
    message = '"region" must be a valid postal code or region code'
    context = {"label": "region", "value": "99000", "key": "region"}
    detail = {"message": message, "path": ["region"], "type": "postal_code.invalid", "context": context}
    assert response.json() == _bad_request([detail])


def test_a_postal_code_gives_its_region(client):
    # regionalesRoutes-test: "Vérifie qu'on peut obtenir les stats pour une région en utilisant un code postal"
    response = client.get(f"{PREFIX}/regionales/75000", headers=KEY, params={"items_par_page": 3})

    assert response.status_code == 200
    assert {item["region"]["code"] for item in response.json()["regionales"]} == {"11"}


def test_an_unknown_academie_lists_the_valid_codes_in_the_apis_order(client):
    # formationsRoutes-test: "Vérifie qu'on retourne une 400 si le code d'académie n'est pas valide"
    response = client.get(f"{PREFIX}/formations?academies=99", headers=KEY)

    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert detail["message"] == '"academies[0]" must be a valid academie code'
    assert detail["path"] == ["academies", 0]
    assert detail["type"] == "any.only"
    assert {k: detail["context"][k] for k in ("key", "label", "value")} == {
        "key": 0,
        "label": "academies[0]",
        "value": "99",
    }
    assert detail["context"]["valids"][:6] == ["40", "42", "44", "41", "77", "78"]
    assert detail["context"]["valids"][-3:] == ["02", "23", "27"] and len(detail["context"]["valids"]) == 36


def test_one_detail_per_wrong_parameter(client):
    # validators.js validate(): Joi with abortEarly false; millesime.invalid for a period ending before it starts
    response = client.get(f"{PREFIX}/certifications/{CODE}", params={"millesime": "2020_2019", "vue": "x"})

    assert response.status_code == 400
    details = response.json()["details"]
    assert [(d["path"], d["type"]) for d in details] == [(["millesime"], "millesime.invalid"), (["vue"], "any.only")]
    assert details[0]["message"] == '"millesime" must have format XXXX or XXXX-1_XXXX'
    assert details[1]["message"] == '"vue" must be [filieres]'


def test_codes_follow_the_apis_patterns(client):
    # validators.js MEF11_PATTERN `[0-9A-Z]{11}` (January 2025) and CFD_PATTERN: upper case only
    lower = client.get(f"{PREFIX}/certifications/{CODE.lower()}40aa")
    prefixed_lower = client.get(f"{PREFIX}/certifications/cfd:40025214")
    agricultural = client.get(f"{PREFIX}/certifications/MEFSTAT11:23I01021235")

    assert lower.status_code == prefixed_lower.status_code == 400
    assert agricultural.status_code != 400
    assert agricultural.json()["statusCode"] == 404 or agricultural.json()["code_certification"] == "23I01021235"


def test_a_letter_bearing_mefstat11_reaches_the_lookup(client):
    # validators.js MEF11_PATTERN: `23I01021235` (CAPA, enseignement agricole) is valid; the BCN knows it, so the
    # regional route answers regionalesRoutes.js's "no figures" 404, not "Formation inconnue" nor a 400
    response = client.get(f"{PREFIX}/regionales/11/certifications/23I01021235")

    assert response.status_code == 404
    assert response.json()["message"] == "Pas de données disponibles"


def test_universe_must_match_the_codes(client):
    # validators.js universe(): `secondaire` for CFD and MEFSTAT11 codes
    good = client.get(f"{PREFIX}/certifications/{CODE}", params={"universe": "secondaire"})
    bad = client.get(f"{PREFIX}/certifications/{CODE}", params={"universe": "superieur"})
    listed = client.get(f"{PREFIX}/certifications", headers=KEY, params={"universe": "secondaire"})

    assert good.status_code == listed.status_code == 200
    assert bad.status_code == 400
    (detail,) = bad.json()["details"]
    assert detail["message"] == '"universe" must be [secondaire]'
    assert detail["context"]["valids"] == ["secondaire"]


def test_page_and_size_zero_fall_back_to_the_defaults(client):
    # repositories/base.js _findAndPaginate: `options.page || 1`, `options.limit || 10`
    body = client.get(f"{PREFIX}/certifications", headers=KEY, params={"page": 0, "items_par_page": 0}).json()

    assert body["pagination"]["page"] == 1 and body["pagination"]["items_par_page"] == 10
    assert len(body["certifications"]) == min(10, body["pagination"]["total"])


def test_the_national_csv_has_the_salary_columns_and_is_an_attachment(client):
    # certificationsRoutes-test: "Vérifie qu'on peut exporter les données au format CSV"; responseUtils addCsvHeaders
    response = client.get(f"{PREFIX}/certifications.csv", headers=KEY, params={"items_par_page": 2})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=UTF-8"
    today = dt.date.today().isoformat()
    assert response.headers["content-disposition"] == f"attachment; filename=export-{today}.csv"
    header = response.text.splitlines()[0]
    assert header == (
        "code_certification;code_formation_diplome;filiere;millesime;donnee_source_type;donnee_source_code_certification;"
        "nb_annee_term;nb_en_emploi_12_mois;nb_en_emploi_18_mois;nb_en_emploi_24_mois;nb_en_emploi_6_mois;"
        "nb_poursuite_etudes;nb_sortant;salaire_12_mois_q1;salaire_12_mois_q2;salaire_12_mois_q3;taux_autres_12_mois;"
        "taux_autres_18_mois;taux_autres_24_mois;taux_autres_6_mois;taux_en_emploi_12_mois;taux_en_emploi_18_mois;"
        "taux_en_emploi_24_mois;taux_en_emploi_6_mois;taux_en_formation;taux_rupture_contrats"
    )


def test_the_regional_csv_has_no_salary_columns(client):
    # regionalesRoutes-test: "Vérifie qu'on peut exporter les données au format CSV" (ALL_WITHOUT_INCOME)
    response = client.get(f"{PREFIX}/regionales.csv", headers=KEY, params={"items_par_page": 2})

    header = response.text.splitlines()[0]
    assert header.startswith("region;code_certification;code_formation_diplome;filiere;millesime;")
    assert "salaire" not in header and header.endswith("taux_en_formation;taux_rupture_contrats")


def test_the_bcn_route_is_authenticated_and_paginated(client):
    # bcnRoutes-test: "401 sans apiKey", "passer l'apiKey en paramètre", "limiter le nombre de résultats", CSV
    assert client.get(f"{PREFIX}/bcn").status_code == 401
    body = client.get(f"{PREFIX}/bcn?apiKey={API_KEY}").json()
    one = client.get(f"{PREFIX}/bcn", headers=KEY, params={"items_par_page": 1, "page": 2}).json()
    csv = client.get(f"{PREFIX}/bcn.csv", headers=KEY, params={"items_par_page": 1})

    assert body["pagination"]["page"] == 1 and body["pagination"]["items_par_page"] == 10
    assert len(body["bcn"]) == 10 and body["bcn"][0]["type"] == "cfd"
    assert {"code_certification", "code_formation_diplome", "libelle", "libelle_long"} <= set(body["bcn"][0])
    assert one["bcn"] == [body["bcn"][1]]
    assert csv.text.splitlines()[0] == (
        "code_certification;type;code_formation_diplome;libelle;libelle_long;diplome_libelle;date_ouverture;"
        "date_fermerture;date_premiere_session;date_derniere_session"
    )


def test_the_health_route(client):
    # healthcheckRoutes-test: "Vérifie que le server fonctionne"
    response = client.get("/api")

    assert response.status_code == 200
    assert response.json()["healthcheck"]["mongodb"] is True
    assert response.json()["env"] and response.json()["version"]


def test_the_doc_route_serves_the_openapi_description(client):
    # swaggerRoutes-test: GET /api/doc/ answers 200 (the replica shows the description without Swagger UI)
    openapi_file = service_routes.default_openapi_file(settings.OPENDATA_DIR)
    if not openapi_file.is_file():
        pytest.skip("the shared reference folder is not next to OPENDATA_DIR")
    app = create_app(replica_dataset(), api_key=API_KEY, openapi_file=openapi_file)
    with client_for(app) as doc_client:
        response = doc_client.get("/api/doc/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "openapi:" in response.text and "/api/inserjeunes/certifications" in response.text


def test_a_single_route_draws_an_svg_with_the_dsfr_theme_by_default(client):
    # certificationsRoutes-test: "Retourne le theme DSFR par défaut"
    response = client.get(f"{PREFIX}/certifications/{CODE}.svg")

    assert response.status_code == 200
    assert "image/svg+xml" in response.headers["content-type"]
    assert response.text.startswith("<svg") and svg.THEMES["dsfr"]["accent"] in response.text


@pytest.mark.parametrize(
    ("query", "status", "kind"),
    [("", 404, "json"), ("?imageOnError=false", 404, "json"), ("?imageOnError=empty", 200, "empty")]
    + [("?imageOnError=true", 200, "svg")],
)
def test_image_on_error(client, query, status, kind):
    # certificationsRoutes-test: "Vérifie qu'on obtient une erreur quand la statistique n'existe pas" (3 cases) and
    # "Vérifie qu'on obtient une image en cas d'erreur avec le paramètre imageOnError"
    response = client.get(f"{PREFIX}/certifications/12345678.svg{query}")

    assert response.status_code == status
    if kind == "json":
        assert response.json()["message"] == "Certification inconnue"
        check(response.json())
    elif kind == "empty":
        assert response.text == svg.EMPTY_SVG
    else:
        assert "image/svg+xml" in response.headers["content-type"] and "Données non disponibles" in response.text


@pytest.mark.parametrize(
    "path", [f"/certifications/{CODE}.svg?direction=diagonal", "/formations/INVALIDE-23220023440.svg"]
)
def test_svg_parameters_are_validated(client, path):
    # certificationsRoutes-test / formationsRoutes-test: "erreur avec une direction invalide", "format de l'UAI"
    response = client.get(f"{PREFIX}{path}")

    assert response.status_code == 400
    assert response.json()["message"] == "Erreur de validation"


def test_a_single_route_only_knows_the_svg_extension(client):
    # validators.js svg(): ext valid("svg")
    response = client.get(f"{PREFIX}/certifications/{CODE}.json")

    assert response.status_code == 400
    assert response.json()["details"][0]["message"] == '"ext" must be [svg]'
