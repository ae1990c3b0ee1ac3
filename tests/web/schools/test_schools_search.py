"""School search: results, filters, pagination, HTMX fragment, bad query strings."""

import pytest

from guidance.catalog.models import SchoolKind, Sector
from tests.factories import make_school
from tests.support import HTMX
from tests.web.html import inner_html, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools():
    toulouse = make_school("0310024H", "Lycée professionnel Jean Jaurès", departement_code="031", town="Toulouse")
    albi = make_school("0810004L", "Lycée professionnel Louis Rascol", departement_code="081", town="Albi")
    paris = make_school("0750001A", "Lycée professionnel Belliard", departement_code="075", town="Paris")
    cfa = make_school("0312345X", "CFA des métiers de Toulouse", departement_code="031", town="Toulouse")
    cfa.kind, cfa.sector = SchoolKind.CFA, Sector.PRIVE
    cfa.save()
    return {"toulouse": toulouse, "albi": albi, "paris": paris, "cfa": cfa}


def _names(response) -> list[str]:
    tree = parse(response.content)
    return [node.find("a").text for node in tree.find_all("li", class_="school-result")]


def test_search_by_town_lists_the_schools_of_that_town_with_their_count(client, schools):
    response = client.get("/etablissements/", {"q": "toulouse"})

    assert response.status_code == 200
    assert sorted(_names(response)) == sorted([schools["toulouse"].name, schools["cfa"].name])
    assert "2 établissements" in parse(response.content).find(id="nombre-resultats").text


def test_search_by_uai_finds_the_school_and_links_its_page(client, schools):
    tree = parse(client.get("/etablissements/", {"q": "0810004l"}).content)

    link = tree.find("li", class_="school-result").find("a")
    assert link.text == schools["albi"].name
    assert link.attrs["href"] == "/etablissements/0810004L/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "76"}, {"toulouse", "albi", "cfa"}),
        ({"region": "76", "type": "cfa"}, {"cfa"}),
        ({"secteur": "public"}, {"toulouse", "albi", "paris"}),
        ({"q": "toulouse", "secteur": "prive"}, {"cfa"}),
    ],
)
def test_filters_narrow_the_results(client, schools, query, expected):
    response = client.get("/etablissements/", query)

    assert sorted(_names(response)) == sorted(schools[key].name for key in expected)


def test_no_result_says_so_and_offers_the_formation_search(client, schools):
    tree = parse(client.get("/etablissements/", {"q": "zzzzzz"}).content)

    assert "Aucun établissement ne correspond à « zzzzzz »" in tree.find(id="resultats").text
    assert any(a.attrs.get("href") == "/formations/?q=zzzzzz" for a in tree.find_all("a"))


def test_htmx_request_gets_the_results_region_of_the_full_page(client, schools):
    full = client.get("/etablissements/", {"q": "toulouse"})
    fragment = client.get("/etablissements/", {"q": "toulouse"}, **HTMX)

    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert fragment.content.decode().strip() == inner_html(full.content, "resultats").strip()
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in full["Vary"]


def test_history_restore_gets_the_whole_page(client, schools):
    response = client.get("/etablissements/", {"q": "toulouse"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)

    assert "<html" in response.content.decode()


def test_form_works_without_javascript_and_is_enhanced_by_htmx(client, schools):
    form = parse(client.get("/etablissements/").content).find("form", id="recherche-etablissements")

    assert form.attrs["action"] == "/etablissements/" and form.attrs["method"] == "get"
    assert form.attrs["hx-get"] == "/etablissements/" and form.attrs["hx-push-url"] == "true"
    assert {node.attrs["name"] for node in form.find_all("select")} == {"region", "type", "secteur", "rayon"}


def test_pagination_links_keep_the_query_and_clamp_past_the_end(client):
    for number in range(25):
        make_school(f"03100{number:02d}A", f"Lycée de Toulouse numéro {number:02d}", departement_code="031")

    first = parse(client.get("/etablissements/", {"q": "toulouse"}).content)
    assert len(first.find_all("li", class_="school-result")) == 20
    next_link = first.find("a", class_="fr-pagination__link--next")
    assert next_link.attrs["href"] == "?q=toulouse&page=2"
    assert next_link.attrs["hx-get"] == next_link.attrs["href"]

    second = client.get("/etablissements/", {"q": "toulouse", "page": "2"})
    assert len(parse(second.content).find_all("li", class_="school-result")) == 5
    past_the_end = client.get("/etablissements/", {"q": "toulouse", "page": "99"})
    assert _names(past_the_end) == _names(second)
    # A shared link outlives the catalogue: a page far past the end is the last page, not a 400.
    far = client.get("/etablissements/", {"q": "toulouse", "page": "99999"})
    assert far.status_code == 200 and _names(far) == _names(second)
    assert '<meta name="robots" content="noindex, follow">' in second.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"region": "99"}, "Cette région n’existe pas."),
        ({"type": "ecole"}, "Ce type d’établissement n’existe pas."),
        ({"secteur": "autre"}, "Le secteur doit être"),
        ({"page": "abc"}, "Le numéro de page doit être un nombre entier, à partir de 1."),
        ({"page": "0"}, "Le numéro de page doit être un nombre entier, à partir de 1."),
        ({"page": "-1"}, "Le numéro de page doit être un nombre entier, à partir de 1."),
        ({"q": "x" * 101}, "La recherche est trop longue"),
    ],
)
def test_crafted_query_strings_get_a_clear_400(client, query, message):
    response = client.get("/etablissements/", query)

    assert response.status_code == 400
    assert message in response.content.decode()
