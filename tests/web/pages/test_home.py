"""The home page: one search box (formations first, then schools), shortcuts by diploma and field, how to read."""

import pytest

from guidance.catalog.models import Formation
from guidance.web.figures.wording import SHARE_LABELS
from tests.factories import make_formation, make_school
from tests.support import HTMX
from tests.web.html import inner_html, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_formation("50022140", "CAP Cuisine", diploma_type="CAP", level="3", field_code="221", field_label="Cuisine")
    make_formation("40022106", "Bac pro Cuisine", diploma_type="Bac pro", field_code="221", field_label="Cuisine")
    make_formation("32031213", "BTS Commerce international", diploma_type="BTS", level="5")
    # A diploma type without figures nor schools is not offered as a shortcut.
    Formation.objects.create(cfd="01012345", label="Diplôme sans chiffres", slug="x", diploma_type="BEP")
    make_school("0310024H", "Lycée des métiers de la cuisine", departement_code="031", town="Toulouse")


def test_shortcuts_list_only_the_diplomas_and_fields_of_the_catalogue(client, catalogue):
    tree = parse(client.get("/").content)

    diplomas = tree.find("section", aria_labelledby="par-diplome").find_all("a")
    assert [a.text for a in diplomas] == ["CAP", "Bac pro", "BTS"]
    assert diplomas[1].attrs["href"] == "/formations/?q=Bac%20pro"
    fields = tree.find("section", aria_labelledby="par-domaine").find_all("a")
    assert {a.text: a.attrs["href"] for a in fields} == {
        "Commerce, vente": "/formations/?domaine=312",
        "Cuisine": "/formations/?domaine=221",
    }


def test_how_to_read_explains_the_three_shares_and_links_the_methodology(client, catalogue):
    section = parse(client.get("/").content).find("section", aria_labelledby="lire-les-chiffres")

    for label, explanation in SHARE_LABELS.values():
        assert label in section.text and explanation in section.text
    assert section.find("a").attrs["href"] == "/comprendre/"


def test_search_previews_formations_and_links_the_same_query_in_schools(client, catalogue):
    tree = parse(client.get("/", {"q": "cuisine"}).content)

    preview = tree.find(id="apercu")
    formations = preview.find("section", aria_labelledby="apercu-formations")
    assert {a.text for a in formations.find("ul").find_all("a")} == {"CAP Cuisine", "Bac pro Cuisine"}
    assert formations.find("a", class_="fr-link").attrs["href"] == "/formations/?q=cuisine"
    schools = preview.find("section", aria_labelledby="apercu-etablissements")
    assert schools.find("ul").find("a").attrs["href"] == "/etablissements/0310024H/"
    assert schools.find("a", class_="fr-link").attrs["href"] == "/etablissements/?q=cuisine"
    assert tree.find("input", id="recherche-accueil-q").attrs["value"] == "cuisine"


def test_search_preview_fragment_equals_the_region_of_the_full_page(client, catalogue):
    full = client.get("/", {"q": "cuisine"})
    fragment = client.get("/", {"q": "cuisine"}, **HTMX)

    assert fragment.content.decode().strip() == inner_html(full.content, "apercu").strip()
    assert "HX-Request" in fragment["Vary"]


def test_form_is_a_plain_get_enhanced_by_htmx(client, catalogue):
    form = parse(client.get("/").content).find("form", role="search", hx_target="#apercu")

    assert form.attrs["action"] == "/" and form.attrs["method"] == "get"
    assert form.attrs["hx-get"] == "/" and form.attrs["hx-push-url"] == "true"


def test_nothing_found_says_so(client, catalogue):
    preview = parse(client.get("/", {"q": "zzzzzz"}).content).find(id="apercu")

    assert "Aucune formation ne correspond à « zzzzzz »" in preview.text
    assert "Aucun établissement ne correspond à « zzzzzz »" in preview.text


def test_too_long_query_is_a_clear_400(client):
    response = client.get("/", {"q": "x" * 101})

    assert response.status_code == 400
    assert "La recherche est trop longue" in response.content.decode()


def test_one_formation_found_is_said_in_the_singular(client, catalogue):
    # Issue 23: "Voir les 1 formation".
    formations = parse(client.get("/", {"q": "commerce international"}).content).find(
        "section", aria_labelledby="apercu-formations"
    )
    link = formations.find("a", class_="fr-link").text
    assert link == "Voir la formation pour « commerce international »"
    two = parse(client.get("/", {"q": "cuisine"}).content).find("section", aria_labelledby="apercu-formations")
    assert two.find("a", class_="fr-link").text == "Voir les 2 formations pour « cuisine »"
