"""Crafted input on every public page: a clear 400/404 (or a redirect), never a 500.

Django's test client re-raises a view's exception, so a crash fails the test loudly rather than as a status code.
"""

import pytest

from tests.factories import make_formation, make_offer, make_school

pytestmark = pytest.mark.django_db

CFD = "40031213"
UAI = "0340001A"

CRAFTED_VALUES = [
    "",
    " ",
    "-1",
    "0",
    "99999999999999999999",
    "1e9",
    "abc",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%00",
    "\x00",
    "é" * 300,
    "x" * 5000,
    "11,76",
    "2022_2023",
    "2023_2022",
    "CFD:40031213",
    "null",
]

PAGES = [
    "/",
    "/formations/",
    f"/formations/{CFD}/",
    "/etablissements/",
    f"/etablissements/{UAI}/",
    f"/etablissements/{UAI}/formations/{CFD}/",
    "/comprendre/",
    "/sitemap.xml",
]

PARAMETERS = ["q", "region", "niveau", "voie", "domaine", "millesime", "page", "departement", "type", "secteur"]

MALFORMED_PATHS = [
    "/formations/4003121/",
    "/formations/400312130/",
    "/formations/40031213%00/",
    "/formations/<script>/",
    "/formations/../../",
    "/etablissements/034000A/",
    "/etablissements/03400011/",
    "/etablissements/0340001A/formations/XYZ/",
    "/etablissements/0340001A/formations/99999999/",
    "/etablissements/9999999Z/",
    "/sitemap-nope.xml",
]


@pytest.fixture(autouse=True)
def catalogue():
    formation = make_formation(CFD, "Bac pro Métiers du commerce et de la vente")
    school = make_school(UAI, "Lycée de test")
    make_offer(school, formation)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("parameter", PARAMETERS)
def test_a_crafted_query_string_never_breaks_a_page(client, page, parameter):
    for value in CRAFTED_VALUES:
        response = client.get(page, {parameter: value})
        assert response.status_code in {200, 301, 302, 400, 404}, (page, parameter, value, response.status_code)


@pytest.mark.parametrize("page", PAGES)
def test_repeated_parameters_and_htmx_headers_never_break_a_page(client, page):
    response = client.get(f"{page}?region=11&region=76&page=2&page=x", headers={"HX-Request": "true"})
    assert response.status_code in {200, 301, 302, 400, 404}
    history = client.get(page, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert history.status_code in {200, 301, 302, 400, 404}


@pytest.mark.parametrize("path", MALFORMED_PATHS)
def test_a_malformed_code_in_the_path_is_a_styled_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize("page", ["/", "/formations/", f"/formations/{CFD}/", "/etablissements/"])
def test_pages_refuse_unsafe_methods(client, page):
    assert client.post(page).status_code in {403, 405}
