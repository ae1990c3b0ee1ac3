"""The formation search around a place (issue 22): typed as a postal code, carried as `commune=`."""

import pytest

from tests.support import HTMX
from tests.web.html import parse

pytestmark = pytest.mark.django_db


def cards(tree):
    return {card.attrs["data-cfd"]: card for card in tree.find_all("div", class_="fr-card")}


def test_cuisine_around_the_postal_code_12100_finds_bac_pro_cuisine_and_keeps_millau(client, imported):
    response = client.get("/formations/", {"q": "cuisine", "lieu": "12100", "rayon": "30"})
    assert response.status_code == 200
    tree = parse(response.content)
    found = cards(tree)
    assert "40022106" in found
    link = found["40022106"].find("h3").find("a").attrs["href"]
    assert link == "/formations/40022106/?commune=12145"
    line = found["40022106"].find(class_="card-near").text
    assert line == "1 établissement à moins de 30 km, le plus proche à environ 5 km."
    note = tree.find(class_="place-around")
    assert "Formations proposées à moins de 30 km de Millau (Aveyron, Occitanie)." in note.text
    others = note.find(class_="place-around__others").find_all("a")
    assert [a.text for a in others][0].startswith("Creissels") and len(others) == 4
    assert all("commune=" in a.attrs["href"] and "lieu=" not in a.attrs["href"] for a in others)
    # Every card is a formation taught within the radius.
    assert all("à moins de 30 km" in card.find(class_="card-near").text for card in found.values())
    assert not any(card.find(class_="card-near").text.startswith("Aucun") for card in found.values())


def test_the_place_form_shows_the_place_and_the_radius(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine", "commune": "12145", "rayon": "50"}).content)
    assert tree.find("input", name="lieu").attrs["value"] == "Millau"
    assert tree.find("input", name="commune").attrs["value"] == "12145"
    selected = [o for o in tree.find("select", name="rayon").find_all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == ["50"]
    # The place fields are not repeated among the filters.
    assert len(tree.find_all("input", name="lieu")) == 1


def test_an_unknown_place_is_said_and_the_search_is_not_narrowed(client, imported):
    plain = parse(client.get("/formations/", {"q": "cuisine"}).content)
    unknown = parse(client.get("/formations/", {"q": "cuisine", "lieu": "Atlantide"}).content)
    assert "Nous n’avons pas trouvé de commune « Atlantide »" in unknown.find(class_="place-problem").text
    assert set(cards(unknown)) == set(cards(plain))


def test_cuisine_millau_in_the_words_gives_distances_and_links_that_keep_millau(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine millau"}).content)
    card = cards(tree)["40022106"]
    assert card.find("h3").find("a").attrs["href"] == "/formations/40022106/?commune=12145"
    assert "le plus proche à environ 5 km" in card.find(class_="card-near").text


def test_the_results_fragment_keeps_the_place(client, imported):
    response = client.get("/formations/", {"q": "cuisine", "lieu": "12100"}, **HTMX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    tree = parse(response.content)
    assert cards(tree)["40022106"].find("h3").find("a").attrs["href"].endswith("?commune=12145")


def test_the_page_cache_keeps_one_entry_per_place(client, imported):
    plain = client.get("/formations/", {"q": "cuisine"}).content
    around = client.get("/formations/", {"q": "cuisine", "commune": "12145"}).content
    assert plain != around and b"card-near" in around and b"card-near" not in plain
    again = client.get("/formations/", {"q": "cuisine", "commune": "12145"})
    assert again["X-Page-Cache"] == "hit" and again.content == around
