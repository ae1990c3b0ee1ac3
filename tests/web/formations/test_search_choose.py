"""The formation search where people choose: the place understood (and a way to widen), the order and minimum by
outcome within a region, a headline figure on each card, the page's figures asked in one `get_many`."""

import pytest

from guidance.catalog.models import Formation
from guidance.indicators import peers
from guidance.indicators.service import Question
from guidance.inserjeunes.codes import region_from_code
from guidance.web.figures import questions
from tests.support import HTMX
from tests.web.html import parse, split_oob

pytestmark = pytest.mark.django_db


def _cards(tree):
    return tree.find_all("div", class_="fr-card")


def test_a_place_in_the_words_narrows_to_its_region_and_offers_to_widen(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine millau"}).content)
    note = tree.find("div", class_="place-note")
    assert "Recherche limitée à la région Occitanie (lieu compris : Millau (Aveyron, Occitanie))." in note.text
    assert note.find("a", class_="place-note__widen").attrs["href"] == "?q=cuisine"
    assert _cards(tree)
    # Each card's headline is the Occitanie figure (or France's, labelled) since the search is within Occitanie.
    scopes = {card.find(class_="card-headline").attrs.get("data-scope") for card in _cards(tree)}
    assert scopes <= {"region", "france", None} and "region" in scopes
    widened = parse(client.get("/formations/", {"q": "cuisine"}).content)
    assert widened.find("div", class_="place-note") is None


def test_homonyms_are_said(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine saint michel"}).content)
    note = tree.find("div", class_="place-note")
    assert note is not None and "la plus peuplée a été retenue" in note.find(class_="place-note__homonyms").text


def test_each_card_carries_its_headline_figure_with_scope_and_source(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine"}).content)
    card = next(c for c in _cards(tree) if c.attrs["data-cfd"] == "40022106")
    headline = card.find(class_="card-headline")
    assert headline.attrs["data-voie"] == "scolaire" and headline.attrs["data-scope"] == "france"
    from guidance.indicators.service import get_many
    from guidance.inserjeunes.codes import parse_mefstat11

    result = get_many([Question.national(parse_mefstat11("23830022106"))])[0]
    rate = round(result.figures.taux_en_emploi_6_mois)
    text = headline.text
    assert f"{rate} % en emploi" in text.replace("\u202f", " ")
    assert f"(France, jeunes sortis en {result.figures.millesime.replace('_', ' et ')})" in text
    assert "Source : InserJeunes" in text


def test_a_card_without_a_regional_figure_shows_france_labelled_as_the_fallback(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine", "region": "76"}).content)
    fallbacks = [c for c in _cards(tree) if c.find(class_="card-headline").attrs.get("data-fallback") == "true"]
    regional = [c for c in _cards(tree) if c.find(class_="card-headline").attrs.get("data-scope") == "region"]
    assert regional
    assert fallbacks  # the sample has cuisine trainings without a figure in Occitanie (76): they fall back
    for card in fallbacks:
        assert "À défaut : la même formation dans toute la France" in card.text


def test_the_search_page_asks_its_figures_in_one_get_many(client, imported, monkeypatch):
    calls = []
    original = questions.get_many

    def counting(asked):
        calls.append(list(asked))
        return original(asked)

    monkeypatch.setattr(questions, "get_many", counting)
    response = client.get("/formations/", {"q": "commerce", "region": "76"})
    assert response.status_code == 200
    assert len(calls) == 1
    cards = _cards(parse(response.content))
    # Per card: the region then France, in one round, no question asked twice.
    assert len(calls[0]) == len(set(calls[0])) <= 2 * len(cards)
    calls.clear()
    client.get("/formations/", {"q": "commerce", "region": "76", "page": "1"}, **HTMX)
    assert len(calls) == 1


def test_order_by_employment_within_a_region_is_the_services(client, imported):
    tree = parse(client.get("/formations/", {"q": "commerce", "region": "76", "tri": "emploi"}).content)
    shown = [card.attrs["data-cfd"] for card in _cards(tree)]
    region = region_from_code("76")
    millesime = peers.latest_millesime("76")
    assert millesime == "2022_2023"
    from guidance.search.engine import search_formations

    ids = search_formations("commerce", region="76").ids
    by_id = Formation.objects.prefetch_related("mefs").in_bulk(ids)
    found = [by_id[pk] for pk in ids]  # in relevance order: the order of those without a figure
    expected = peers.sort_by_outcome(found, region.code, "scolaire", millesime, "taux_en_emploi_6_mois")
    assert shown == [r.formation.cfd for r in expected][: len(shown)]
    rates = [r.figure.taux_en_emploi_6_mois for r in expected if r.figure]
    assert rates == sorted(rates, reverse=True) and len(rates) >= 2
    order = tree.find(class_="search-order")
    assert "emploi à 6 mois" in order.text and "millésime 2022_2023 (jeunes sortis en 2022 et 2023)" in order.text


def test_minimum_keeps_only_formations_at_or_above_it(client, imported):
    tree = parse(
        client.get("/formations/", {"q": "commerce", "region": "76", "tri": "poursuite", "minimum": "50"}).content
    )
    sort_rates = [c.find(class_="card-sort-rate").text for c in _cards(tree)]
    assert sort_rates
    for text in sort_rates:
        value = int(text.split(",")[1].split("%")[0])
        assert value >= 50


def test_order_without_a_region_says_it_needs_one(client, imported):
    tree = parse(client.get("/formations/", {"q": "commerce", "tri": "emploi"}).content)
    assert "choisissez une région" in tree.find(class_="search-order__reason").text
    assert _cards(tree)


@pytest.mark.parametrize("params", [{"tri": "salaire"}, {"minimum": "101"}, {"minimum": "-1"}, {"minimum": "beaucoup"}])
def test_bad_order_values_are_a_400(client, imported, params):
    response = client.get("/formations/", {"q": "commerce", "region": "76", **params})
    assert response.status_code == 400


def test_the_htmx_fragment_carries_the_place_note_and_the_cards(client, imported):
    response = client.get("/formations/", {"q": "cuisine millau"}, **HTMX)
    main, oob = split_oob(response.content)
    fragment = parse(main)
    assert fragment.find("div", class_="place-note") is not None and _cards(fragment)
    assert "resultats-annonce" in oob


def test_the_home_search_understands_places_too(client, imported):
    tree = parse(client.get("/", {"q": "cuisine millau"}).content)
    notes = [p.text for p in tree.find_all("p", class_="place-note")]
    assert "Recherche limitée à la région Occitanie (lieu compris : Millau (Aveyron, Occitanie))." in notes
    schools = parse(client.get("/", {"q": "31000"}).content)
    assert any("Haute-Garonne" in p.text for p in schools.find_all("p", class_="place-note"))
