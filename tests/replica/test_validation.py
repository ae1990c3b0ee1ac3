"""400 `Erreur de validation`, region and postal codes, unknown paths."""

import pytest

from tests.replica.support import PREFIX

CODE = "23830031212"  # TLEPRO MÉTIERS DE L'ACCUEIL, present in every region of ij_region_data.csv


def test_the_postal_codes_of_the_brief_reach_their_regions_figures(client, dataset):
    for place, region in (("75001", "11"), ("20000", "94"), ("97100", "01")):
        code = next(
            code for (r, code), stats in dataset.regional.items() if r == region and dataset.latest_period in stats
        )
        response = client.get(f"{PREFIX}/regionales/{place}/certifications/{code}")
        assert response.status_code == 200
        assert response.json()["region"]["code"] == region


def test_an_unknown_postal_code_is_a_validation_error(client):
    response = client.get(f"{PREFIX}/regionales/99000/certifications/{CODE}")

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Erreur de validation"
    assert body["details"][0]["path"] == ["region"]
    assert body["details"][0]["type"] == "postal_code.invalid"


def test_an_unknown_region_code_is_a_validation_error(client):
    response = client.get(f"{PREFIX}/regionales/99/certifications/{CODE}")

    assert response.status_code == 400
    assert response.json()["details"][0]["type"] == "any.only"


@pytest.mark.parametrize(
    "path",
    [f"/certifications/{CODE}", f"/regionales/11/certifications/{CODE}", f"/formations/0010001W-{CODE}"],
)
def test_any_unknown_query_parameter_is_a_validation_error(client, path):
    response = client.get(f"{PREFIX}{path}", params={"foo": "1"})

    assert response.status_code == 400
    body = response.json()
    assert body == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Erreur de validation",
        "details": [
            {
                "message": '"foo" is not allowed',
                "path": ["foo"],
                "type": "object.unknown",
                "context": {"child": "foo", "label": "foo", "value": "1", "key": "foo"},
            }
        ],
    }


def test_a_mefstat11_of_ten_digits_is_a_validation_error(client):
    response = client.get(f"{PREFIX}/certifications/MEFSTAT11:2383003121")

    assert response.status_code == 400
    detail = response.json()["details"][0]
    assert detail["path"] == ["codes_certifications"]
    assert detail["type"] == "codes_certification.invalid"


def test_a_list_with_bad_codes_is_one_detail_naming_the_whole_list(client):
    # The API's codesCertification type fails as a whole (its base error aborts the item checks).
    response = client.get(f"{PREFIX}/certifications/123|{CODE}|ABC")

    assert response.status_code == 400
    (detail,) = response.json()["details"]
    assert detail["path"] == ["codes_certifications"]
    assert detail["context"]["value"] == ["123", CODE, "ABC"]


@pytest.mark.parametrize("millesime", ["2023-2024", "23", "2022_23", "2020_2019"])
def test_a_malformed_millesime_is_a_validation_error(client, millesime):
    response = client.get(f"{PREFIX}/certifications/{CODE}", params={"millesime": millesime})

    assert response.status_code == 400
    assert response.json()["details"][0]["type"] == "millesime.invalid"


def test_an_unknown_vue_is_a_validation_error(client):
    response = client.get(f"{PREFIX}/certifications/{CODE}", params={"vue": "cfd"})

    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == ["vue"]


def test_a_malformed_uai_is_a_validation_error(client):
    response = client.get(f"{PREFIX}/formations/001000W-{CODE}")

    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == ["uai"]


@pytest.mark.parametrize("path", ["/", "/api/inserjeunes/nope", f"{PREFIX}/certifications/{CODE}/extra"])
def test_an_unknown_path_answers_an_html_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert f"Cannot GET {path}" in response.text


def test_a_post_on_a_get_route_answers_an_html_404(client):
    response = client.post(f"{PREFIX}/certifications/{CODE}")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
