"""How the replica matches paths and sends answers, as the API's Express 5 stack does (server.js, its routers'
`{.:ext}` paths read by path-to-regexp 8, corsMiddleware.js, Express `res.send`): case-insensitive routes,
parameters that run to the next `/`, HEAD, CORS headers on every answer, ETags on errors without 304s."""

import json

import pytest

from tests.replica.support import API_KEY, PREFIX

KEY = {"x-api-key": API_KEY}
CODE = "23830031212"  # TLEPRO MÉTIERS DE L'ACCUEIL: national and regional figures in the open data
CORS = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "Origin, X-Requested-With, Content-Type, Accept, API-Key",
}


def test_paths_ignore_case_but_parameters_keep_theirs(client):
    # Express routers match with path-to-regexp's default `sensitive: false`
    lower = client.get(f"{PREFIX}/certifications/{CODE}")
    upper = client.get(f"/API/InserJeunes/Certifications/{CODE}")
    listed = client.get("/Api/Inserjeunes/Regionales/11.CSV", headers=KEY)

    assert upper.status_code == 200 and upper.json() == lower.json()
    assert client.get("/API").json()["healthcheck"]["mongodb"] is True
    # The extension is a parameter: its case is kept, and `CSV` is not one of `json`, `csv`.
    assert listed.status_code == 400
    assert [(d["path"], d["context"]["value"]) for d in listed.json()["details"]] == [(["ext"], "CSV")]


def test_a_code_parameter_runs_to_the_next_slash_and_the_extension_follows_its_last_dot(client):
    # certificationsRoutes.js `/certifications/:codes_certifications{.:ext}`: `[^/]+`, then `.` and `[^/.]+`
    dotted = client.get(f"{PREFIX}/certifications/2383.0031212.svg")
    trailing_dot = client.get(f"{PREFIX}/certifications/{CODE}.")

    assert dotted.status_code == trailing_dot.status_code == 400
    assert dotted.json()["details"][0]["context"]["value"] == ["2383.0031212"]
    assert trailing_dot.json()["details"][0]["context"]["value"] == [f"{CODE}."]


def test_a_region_with_a_dot_is_a_validation_error_not_an_unknown_path(client):
    # regionalesRoutes.js `/regionales/:region{.:ext}`: `11.5.csv` is region `11.5`, extension `csv`
    response = client.get(f"{PREFIX}/regionales/11.5.csv", headers=KEY)

    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert (detail["path"], detail["type"], detail["context"]["value"]) == (["region"], "any.only", "11.5")


def test_the_school_route_splits_uai_and_code_at_the_last_dash(client):
    # formationsRoutes.js `/formations/:uai-:code_certification{.:ext}`: the code, after a `-`, cannot hold one
    response = client.get(f"{PREFIX}/formations/0010001W-X-{CODE}.svg")

    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert (detail["path"], detail["type"], detail["context"]["value"]) == (
        ["uai"],
        "string.pattern.base",
        "0010001W-X",
    )


@pytest.mark.parametrize("path", ["/api", f"{PREFIX}/certifications/{CODE}", f"{PREFIX}/certifications/{CODE}.svg"])
def test_head_answers_the_get_headers_without_a_body(client, path):
    # Express routes a HEAD to the GET route and sends its headers only
    got = client.get(path)
    head = client.head(path)

    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["etag"] == got.headers["etag"]


def test_head_on_an_unknown_path_is_expresss_404(client):
    response = client.head(f"{PREFIX}/nope")

    assert response.status_code == 404 and response.content == b""


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        (f"{PREFIX}/certifications/{CODE}", None, 200),
        (f"{PREFIX}/certifications/{CODE}?foo=1", None, 400),
        (f"{PREFIX}/certifications", None, 401),
        (f"{PREFIX}/certifications/00000000", None, 404),
        (f"{PREFIX}/certifications.csv?items_par_page=1", KEY, 200),
        ("/nope", None, 404),
    ],
)
def test_every_answer_carries_the_cors_headers(client, path, headers, status):
    # server.js mounts corsMiddleware() before every route and before Express's own 404
    response = client.get(path, headers=headers)

    assert response.status_code == status
    assert {name: response.headers.get(name) for name in CORS} == CORS


def test_an_error_carries_an_etag_but_is_never_a_304(client):
    # Express res.send sets the ETag whatever the status; req.fresh (304) is only for 2xx answers
    first = client.get(f"{PREFIX}/certifications/00000000")
    again = client.get(f"{PREFIX}/certifications/00000000", headers={"If-None-Match": first.headers["etag"]})

    assert first.status_code == again.status_code == 404
    assert first.headers["etag"].startswith('W/"') and again.json() == first.json()


def test_a_login_is_never_a_304(client):
    # req.fresh is false for anything but GET and HEAD
    body = {"username": "site", "password": API_KEY}
    first = client.post(f"{PREFIX}/auth/login", json=body)
    again = client.post(f"{PREFIX}/auth/login", json=body, headers={"If-None-Match": first.headers["etag"]})

    assert first.status_code == again.status_code == 200
    assert again.json()["token"].count(".") == 2


def test_expresss_404_shows_the_path_as_sent_and_forbids_everything(client):
    # finalhandler: `Cannot GET ` + the encoded path (encodeurl), HTML-escaped, with a CSP and nosniff
    response = client.get(f"{PREFIX}/nope/l'été x")

    assert response.status_code == 404
    assert f"<pre>Cannot GET {PREFIX}/nope/l&#39;%C3%A9t%C3%A9%20x</pre>" in response.text
    assert response.headers["content-security-policy"] == "default-src 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "headers"),
    [(f"{PREFIX}/certifications/{CODE}", None), (f"{PREFIX}/certifications?items_par_page=2", KEY), ("/api", None)]
    + [(f"{PREFIX}/certifications/{CODE}?foo=é", None)],
)
def test_json_is_written_as_json_stringify_writes_it(client, path, headers):
    # Express res.json / the streamed lists: JSON.stringify, no spaces, non-ASCII text unescaped
    response = client.get(path, headers=headers)

    assert response.content == json.dumps(response.json(), ensure_ascii=False, separators=(",", ":")).encode()
