"""The replica against what the API's validators, auth middleware and BCN route do beyond their own tests
(mission-apprentissage/trajectoires-pro v1.35: server/src/http/utils/validators.js read with Joi 18's rules,
services/regions.js, middlewares/authMiddleware.js, services/auth/auth.js, routes/bcnRoutes.js)."""

import base64
import csv
import hashlib
import hmac
import io
import json
from html import escape

import pytest
from django.conf import settings

from guidance.inserjeunes.territories import REGIONS
from guidance.replica.app import create_app
from guidance.replica.auth import ISSUER, TOKEN_LIFETIME, Authenticator
from tests.replica.support import API_KEY, PREFIX, client_for, replica_dataset

KEY = {"x-api-key": API_KEY}
CODE = "23830031212"  # TLEPRO MÉTIERS DE L'ACCUEIL: national and regional figures in the open data


def _details(response) -> list[tuple[list, str, str]]:
    assert response.status_code == 400
    return [(d["path"], d["type"], d["message"]) for d in response.json()["details"]]


# --- server.js mongoSanitize({replaceWith: "_"}): query keys and values, before every route ---


def test_a_pipe_separates_codes_in_a_path_but_not_in_a_query(client):
    # The sanitizer turns `|` into `_` in the query string only: `,` is the query's one separator
    in_path = client.get(f"{PREFIX}/certifications/40031212|23830031212")
    in_query = client.get(f"{PREFIX}/certifications", headers=KEY, params={"code_certifications": f"40031212|{CODE}"})
    with_comma = client.get(f"{PREFIX}/certifications", headers=KEY, params={"code_certifications": f"40031212,{CODE}"})

    assert in_path.status_code == with_comma.status_code == 200
    assert _details(in_query) == [
        (
            ["code_certifications"],
            "codes_certification.invalid",
            '"code_certifications" must have the type CFD, MEFSTAT11 or SISE',
        )
    ]
    assert in_query.json()["details"][0]["context"]["value"] == [f"40031212_{CODE}"]


@pytest.mark.parametrize(
    ("params", "path", "value"),
    [
        ({"page": "1.5"}, ["page"], "1_5"),
        ({"millesimes": "2022_2023|2021_2022"}, ["millesimes", 0], "2022_2023_2021_2022"),
        ({"uais": "0010001W|0932492D"}, ["uais", 0], "0010001W_0932492D"),
        ({"a.b": "1"}, ["a_b"], "1"),
    ],
)
def test_query_values_and_keys_arrive_sanitized(client, params, path, value):
    response = client.get(f"{PREFIX}/formations", headers=KEY, params=params)

    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert (detail["path"], detail["context"]["value"]) == (path, value)


def test_a_query_value_shaped_like_an_email_is_left_alone(client):
    response = client.get(f"{PREFIX}/certifications/{CODE}", params={"vue": "a.b@example.fr"})

    assert response.json()["details"][0]["context"]["value"] == "a.b@example.fr"


# --- Joi: a value outside `valid(...)` is `any.only`, and (abortEarly false) the string type still checks it ---


@pytest.mark.parametrize(
    ("name", "only"), [("theme", '"theme" must be one of [dsfr, lba]'), ("vue", '"vue" must be [filieres]')]
)
def test_an_empty_choice_is_any_only_then_string_empty(client, name, only):
    # joi lib/validator.js: the any.only report does not end the checks; string.validate then refuses ""
    response = client.get(f"{PREFIX}/certifications/{CODE}?{name}=")

    assert _details(response) == [
        ([name], "any.only", only),
        ([name], "string.empty", f'"{name}" is not allowed to be empty'),
    ]
    assert response.json()["details"][1]["context"] == {"label": name, "value": "", "key": name}


def test_a_repeated_choice_is_any_only_then_string_base(client):
    response = client.get(f"{PREFIX}/certifications/{CODE}?direction=horizontal&direction=vertical")

    assert _details(response) == [
        (["direction"], "any.only", '"direction" must be one of [horizontal, vertical]'),
        (["direction"], "string.base", '"direction" must be a string'),
    ]


def test_an_empty_region_is_any_only_then_string_empty(client):
    # single routes read {...path, ...query}: `?region=` replaces the path's region
    response = client.get(f"{PREFIX}/regionales/11/certifications/{CODE}?region=")

    assert [(path, kind) for path, kind, _ in _details(response)] == [
        (["region"], "any.only"),
        (["region"], "string.empty"),
    ]


def test_an_empty_image_on_error_is_the_default(client):
    # validators.js svg(): imageOnError `.empty(["", null])`, default "false"
    assert client.get(f"{PREFIX}/certifications/00000000.svg?imageOnError=").status_code == 404


@pytest.mark.parametrize("raw", ["1e20", "99999999999999999999", "1e400"])
def test_a_page_number_beyond_a_safe_integer_is_number_unsafe(client, raw):
    # joi lib/types/number.js: what a double cannot hold exactly is `number.unsafe` (the API never reaches MongoDB)
    response = client.get(f"{PREFIX}/certifications", headers=KEY, params={"page": raw})

    assert _details(response) == [(["page"], "number.unsafe", '"page" must be a safe number')]
    assert response.json()["details"][0]["context"]["value"] == raw


# --- codes: validators.js CFD_PATTERN / MEF11_PATTERN `[0-9A-Z]`, upper case only, on every route ---


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/certifications/23I01021235", None),
        ("/regionales/11/certifications/MEFSTAT11:23I01021235", None),
        ("/formations/0010001W-23I01021235", None),
        ("/certifications?code_certifications=23I01021235", KEY),
        ("/formations?code_certifications=MEFSTAT11:23I01021235", KEY),
    ],
)
def test_a_letter_bearing_mefstat11_passes_validation_everywhere(client, path, headers):
    response = client.get(f"{PREFIX}{path}", headers=headers)

    assert response.status_code in (200, 404)
    assert "details" not in response.json()


@pytest.mark.parametrize(
    ("path", "headers", "name", "kind"),
    [
        ("/certifications/23i01021235", None, "codes_certifications", "codes_certification.invalid"),
        ("/regionales/11/certifications/cfd:40025214", None, "codes_certifications", "codes_certification.invalid"),
        ("/formations/0010001W-23i01021235", None, "code_certification", "code_certification.invalid"),
        (
            "/regionales?code_certifications=40025214,23i01021235",
            KEY,
            "code_certifications",
            "codes_certification.invalid",
        ),
    ],
)
def test_a_lower_case_code_is_refused_with_the_routes_own_detail(client, path, headers, name, kind):
    response = client.get(f"{PREFIX}{path}", headers=headers)

    assert [(p, k) for p, k, _ in _details(response)] == [([name], kind)]


# --- CSV: regionalesRoutes-test / formationsRoutes-test "Vérifie qu'on peut exporter les données au format CSV" ---
STATS_WITHOUT_INCOME = (
    "nb_annee_term;nb_en_emploi_12_mois;nb_en_emploi_18_mois;nb_en_emploi_24_mois;nb_en_emploi_6_mois;"
    "nb_poursuite_etudes;nb_sortant;taux_autres_12_mois;taux_autres_18_mois;taux_autres_24_mois;taux_autres_6_mois;"
    "taux_en_emploi_12_mois;taux_en_emploi_18_mois;taux_en_emploi_24_mois;taux_en_emploi_6_mois;taux_en_formation;"
    "taux_rupture_contrats"
)
SOURCE = "donnee_source_type;donnee_source_code_certification;"


@pytest.mark.parametrize(
    ("route", "leading"),
    [
        ("/regionales.csv", "region;code_certification;code_formation_diplome;filiere;millesime;"),
        ("/regionales/11.csv", "region;code_certification;code_formation_diplome;filiere;millesime;"),
        (
            "/formations.csv",
            "uai;uai_type;uai_donnee;uai_donnee_type;code_certification;code_formation_diplome;filiere;millesime;",
        ),
    ],
)
def test_the_regional_and_school_csv_headers_are_the_apis(client, route, leading):
    response = client.get(f"{PREFIX}{route}", headers=KEY, params={"items_par_page": 1})

    assert response.headers["content-type"] == "text/csv; charset=UTF-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=export-")
    assert response.text.splitlines()[0] == leading + SOURCE + STATS_WITHOUT_INCOME


# --- postal codes: services/regions.js findRegionByCodePostal reads 2 characters (3 for 97/98) of any 5 ---


@pytest.mark.parametrize(("postal_code", "region"), [("2A004", "94"), ("2B200", "94"), ("75ABC", "11")])
def test_any_five_characters_naming_a_departement_reach_its_region(client, postal_code, region):
    response = client.get(f"{PREFIX}/regionales/{postal_code}/certifications/{CODE}")

    assert response.status_code == 200
    assert response.json()["region"]["code"] == region


@pytest.mark.parametrize("postal_code", ["2a004", "97A00", "00000", "98500"])
def test_five_characters_naming_no_departement_are_postal_code_invalid(client, postal_code):
    response = client.get(f"{PREFIX}/regionales/{postal_code}/certifications/{CODE}")

    assert [kind for _, kind, _ in _details(response)] == ["postal_code.invalid"]


@pytest.mark.parametrize("postal_code", ["97700", "97800", "98400", "98900"])
def test_the_overseas_collectivities_postal_codes_are_region_00(client, postal_code):
    # services/regions.js: 977 (Saint-Barthélemy), 978 (Saint-Martin), 984 (TAAF) and 989 (Clipperton) are
    # départements of region 00; the error image of the regional route names the region it looked in
    response = client.get(f"{PREFIX}/regionales/{postal_code}/certifications/00000000.svg?imageOnError=true")

    assert response.status_code == 200
    assert f"pour la région {escape(REGIONS['00'])}" in response.text  # text of an SVG: its apostrophe escaped


# --- authentication: authMiddleware.js ---


def test_an_empty_api_key_parameter_stays_a_parameter(client):
    # `if (req.query.apiKey)`: an empty one is neither moved nor deleted, and the schema does not know it
    public = client.get(f"{PREFIX}/certifications/{CODE}?apiKey=")
    private = client.get(f"{PREFIX}/certifications?apiKey=")

    assert _details(public) == [(["apiKey"], "object.unknown", '"apiKey" is not allowed')]
    assert public.json()["details"][0]["context"]["value"] == ""
    assert private.status_code == 401


def test_the_query_key_replaces_the_key_header(client):
    # req.headers["x-api-key"] = req.query.apiKey
    assert client.get(f"{PREFIX}/bcn?apiKey=wrong", headers=KEY).status_code == 401
    assert client.get(f"{PREFIX}/bcn?apiKey={API_KEY}", headers={"x-api-key": "wrong"}).status_code == 200
    # A repeated one is a list: it matches no key and no token.
    assert client.get(f"{PREFIX}/bcn?apiKey={API_KEY}&apiKey={API_KEY}").status_code == 401
    # A key that is no ASCII text is refused, not a 500.
    assert client.get(f"{PREFIX}/bcn", params={"apiKey": "clé"}).status_code == 401


def test_a_bearer_token_is_read_before_the_key_header(client):
    # ExtractJwt.fromExtractors([fromAuthHeaderAsBearerToken(), fromHeader("x-api-key")]): the first found decides
    token = client.post(f"{PREFIX}/auth/login", json={"username": "site", "password": API_KEY}).json()["token"]

    assert client.get(f"{PREFIX}/bcn", headers={"x-api-key": token}).status_code == 200
    assert client.get(f"{PREFIX}/bcn", headers={"x-api-key": token, "Authorization": "Bearer x.y.z"}).status_code == 401
    # The API key itself is tried first (passport ["api-key", "jwt"]).
    assert client.get(f"{PREFIX}/bcn", headers={**KEY, "Authorization": "Bearer x.y.z"}).status_code == 200


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_tokens_are_signed_as_the_api_signs_them():
    # auth.js login: jwt.sign({username}, secret, {issuer: "exposition-ij", expiresIn: "1d"})
    auth = Authenticator("key", secret=b"s" * 32)
    token = auth.issue("site", now=1_700_000_000)

    assert _claims(token) == {"username": "site", "iat": 1_700_000_000, "exp": 1_700_086_400, "iss": ISSUER}
    assert auth.token_valid(token, now=1_700_000_000 + TOKEN_LIFETIME - 1)
    # authRoutes-test "401 si le JWT a expiré": one day later it is refused
    assert not auth.token_valid(token, now=1_700_000_000 + TOKEN_LIFETIME)


def _signed(secret: bytes, claims: dict) -> str:
    """A JWT signed with `secret`, as anyone holding it could sign one."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = part(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + part(json.dumps(claims).encode())
    return head + "." + part(hmac.new(secret, head.encode(), hashlib.sha256).digest())


def test_a_token_from_another_issuer_is_refused():
    # authMiddleware.js JwtStrategy({issuer: config.auth.jwtIssuer}): a well-signed token of another issuer fails
    secret = b"s" * 32
    auth = Authenticator("key", secret=secret)
    claims = _claims(auth.issue("site"))

    assert auth.token_valid(_signed(secret, claims))
    assert not auth.token_valid(_signed(secret, {**claims, "iss": "other"}))
    assert not auth.token_valid(_signed(secret, {key: value for key, value in claims.items() if key != "iss"}))


# --- BCN CSV: bcnRoutes.js ---


def test_the_bcn_csv_date_fermerture_column_is_always_empty(dataset_with_closed_cfd):
    # bcnRoutes.js reads `f.date_fermerture`, a field no BCN record has (importBCN.js writes `date_fermeture`)
    client, page, items = dataset_with_closed_cfd
    params = {"items_par_page": items, "page": page}
    records = client.get(f"{PREFIX}/bcn", headers=KEY, params=params).json()["bcn"]
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{PREFIX}/bcn.csv", headers=KEY, params=params).text), delimiter=";")
    )

    assert any("date_fermeture" in record for record in records)
    assert [row["code_certification"] for row in rows] == [record["code_certification"] for record in records]
    assert {row["date_fermerture"] for row in rows} == {""}


@pytest.fixture(scope="module")
def dataset_with_closed_cfd():
    """A page of the BCN list holding a closed CFD."""
    if not settings.OPENDATA_DIR:
        pytest.skip("OPENDATA_DIR is not set: the contract tests need the open data")
    dataset = replica_dataset()
    codes = sorted(dataset.diplomas)
    index = next(i for i, cfd in enumerate(codes) if dataset.diplomas[cfd].date_fermeture)
    with client_for(create_app(dataset, api_key=API_KEY)) as client:
        yield client, index // 50 + 1, 50
