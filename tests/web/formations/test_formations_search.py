"""The formation search page: words, filters, count, pagination, HTMX fragment, crafted query strings."""

import pytest
from django.test.html import parse_html

from guidance.catalog.models import Level
from guidance.web.forms import FIELD_MESSAGES
from tests.factories import make_formation
from tests.web.html import inner_html, parse, split_oob

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return {
        "cuisine": make_formation(
            "50022135", "CAP Cuisine", diploma_type="CAP", level=Level.LEVEL_3, field_label="Cuisine", field_code="221"
        ),
        "commerce": make_formation("40031213", "Bac pro Métiers du commerce et de la vente", mefstat11="23830031213"),
        "bts": make_formation(
            "32031213", "BTS Management commercial opérationnel", diploma_type="BTS", level=Level.LEVEL_5
        ),
    }


def _titles(response):
    return [h.text for h in parse(response.content).find(id="resultats").find_all("h3", class_="fr-card__title")]


def test_words_find_the_formation_and_link_to_its_page(client, catalogue):
    response = client.get("/formations/", {"q": "cuisine"})

    assert response.status_code == 200
    assert _titles(response)[0] == "CAP Cuisine"
    link = parse(response.content).find(id="resultats").find("a")
    assert link.attrs["href"] == "/formations/50022135/"
    assert "1 formation pour « cuisine »" in parse(response.content).find(id="resultats").find("h2").text


@pytest.mark.parametrize("q", ["cusine", "CUISINE", "cuisiné"])
def test_search_tolerates_accents_case_and_a_typo(client, catalogue, q):
    assert "CAP Cuisine" in _titles(client.get("/formations/", {"q": q}))


def test_level_filter_narrows_the_results(client, catalogue):
    titles = _titles(client.get("/formations/", {"niveau": Level.LEVEL_5}))

    assert titles == ["BTS Management commercial opérationnel"]


def test_empty_search_shows_filters_entry_points_and_every_formation(client, catalogue):
    tree = parse(client.get("/formations/").content)

    assert tree.find("select", id="id_niveau") is not None and tree.find("select", id="id_region") is not None
    shortcuts = [a.attrs["href"] for a in tree.find(id="resultats").find_all("a", class_="fr-tag")]
    assert "?niveau=3" in shortcuts and "?niveau=5" in shortcuts
    assert len(_titles(client.get("/formations/"))) == 3


def test_nothing_found_says_so_with_advice(client, catalogue):
    tree = parse(client.get("/formations/", {"q": "astronaute"}).content)

    assert "Aucune formation trouvée" in tree.find(id="resultats").text


def test_htmx_fragment_equals_the_results_region_of_the_full_page(client, catalogue):
    query = {"q": "commerce", "niveau": ""}
    full = client.get("/formations/", query)

    fragment = client.get("/formations/", query, headers={"HX-Request": "true"})

    assert "HX-Request" in fragment["Vary"]
    assert b"<html" not in fragment.content
    results, oob = split_oob(fragment.content)
    assert parse_html(results) == parse_html(inner_html(full.content, "resultats"))
    count = len(_titles(full))
    assert count > 1 and oob == {"resultats-annonce": f"{count} formations trouvées."}


def test_search_form_is_a_plain_get_form_with_live_results(client, catalogue):
    form = parse(client.get("/formations/").content).find("form", id="recherche-formations")

    assert form.attrs["method"] == "get" and form.attrs["action"] == "/formations/"
    assert form.attrs["hx-get"] == "/formations/" and form.attrs["hx-push-url"] == "true"
    assert "input changed delay:300ms from:#id_q" in form.attrs["hx-trigger"]
    assert form.find("button", type="submit") is not None


def test_results_are_paginated_with_real_links(client):
    for index in range(45):
        make_formation(f"500{index:05d}", f"CAP Cuisine variante {index:02d}", diploma_type="CAP", level=Level.LEVEL_3)

    first = client.get("/formations/", {"q": "cuisine"})
    third = client.get("/formations/", {"q": "cuisine", "page": "3"})
    beyond = client.get("/formations/", {"q": "cuisine", "page": "99"})

    assert len(_titles(first)) == 20 and len(_titles(third)) == 5
    assert _titles(beyond) == _titles(third)  # past the end: the last page
    far = client.get("/formations/", {"q": "cuisine", "page": "99999"})  # a shared link outlives the catalogue
    assert far.status_code == 200 and _titles(far) == _titles(third)
    next_link = parse(first.content).find(id="resultats").find("a", class_="fr-pagination__link--next")
    assert next_link.attrs["href"] == "?q=cuisine&page=2" == next_link.attrs["hx-get"]
    # The links inherit their target from the navigation (set once, not on every link).
    navigation = parse(first.content).find(id="resultats").find("nav", class_="fr-pagination")
    assert navigation.attrs["hx-target"] == "#resultats" and navigation.attrs["hx-push-url"] == "true"
    assert "hx-target" not in next_link.attrs


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"niveau": "42"}, "niveau"),
        ({"voie": "avion"}, "voie"),
        ({"region": "99"}, "region"),
        ({"domaine": "zzz"}, "domaine"),
        ({"page": "deux"}, "page"),
        ({"page": "-1"}, "page"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_crafted_query_strings_get_a_clear_400(client, catalogue, query, parameter):
    response = client.get("/formations/", query)

    assert response.status_code == 400
    assert FIELD_MESSAGES[parameter].format(max_length=200) in response.content.decode()


def test_titles_differ_between_an_empty_and_a_word_search(client, catalogue):
    empty = parse(client.get("/formations/").content).find("title").text
    words = parse(client.get("/formations/", {"q": "cuisine"}).content).find("title").text

    assert empty != words and "« cuisine »" in words
