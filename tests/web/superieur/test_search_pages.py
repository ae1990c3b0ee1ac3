"""The formation search and the home search find higher-education diplomas and link to their pages (issue 25)."""

import pytest

from tests.web.html import parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "code"), [("licence informatique", "2300030"), ("master informatique", "2500164")])
def test_the_formation_search_finds_them_first_and_links_their_page(client, imported, offline_replica, query, code):
    response = client.get("/formations/", {"q": query})
    assert response.status_code == 200
    card = parse(response.content).find("div", class_="fr-card")
    assert card.attrs["data-cfd"] == code
    assert card.find("a").attrs["href"] == f"/formations/{code}/"
    # Offline, the card says why there is no figure, in InserSup's words.
    assert card.find("p", data_missing="insersup_offline") is not None


def test_a_card_shows_insersups_figures_when_the_upstream_has_them(client, imported, insersup_replica):
    card = parse(client.get("/formations/", {"q": "licence informatique"}).content).find("div", class_="fr-card")
    headline = card.find("div", class_="card-headline")
    assert headline.attrs["data-voie"] == "superieur"
    assert "enseignement supérieur" in headline.text and "80 %" in headline.text.replace("\u202f", " ")
    assert "InserSup" in headline.text


def test_the_level_filter_of_the_search_page_includes_them(client, imported, offline_replica):
    tree = parse(client.get("/formations/", {"q": "master informatique", "niveau": "7"}).content)
    cards = [card.attrs["data-cfd"] for card in tree.find_all("div", class_="fr-card")]
    assert cards[0] == "2500164"
    tree = parse(client.get("/formations/", {"q": "master informatique", "niveau": "5"}).content)
    assert not tree.find_all("div", class_="fr-card")


def test_the_home_search_previews_them(client, imported, offline_replica):
    tree = parse(client.get("/", {"q": "licence informatique"}).content)
    links = [a.attrs["href"] for a in tree.find_all("a") if a.attrs.get("href", "").startswith("/formations/")]
    assert "/formations/2300030/" in links
