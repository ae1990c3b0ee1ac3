"""The search pages of issue 23 on the real-data sample: closed diplomas out unless the box is ticked (no
JavaScript needed), the "après la 3e" box, one card per diploma with its other versions, plain domain labels, real
départements, French zero counts, a Région menu that agrees with the notice, and better-placed formations a pupil in
3e can enter."""

import pytest

from guidance.catalog.models import Formation
from guidance.search.diplomas import enters_after_3e
from tests.support import HTMX
from tests.web.html import parse, split_oob

pytestmark = pytest.mark.django_db


def _cards(response):
    return parse(response.content).find(id="resultats").find_all("div", class_="fr-card")


def _closed_badges(cards) -> int:
    return sum(1 for card in cards if "Diplôme fermé" in card.text)


def test_boulanger_hides_closed_diplomas_until_the_box_is_ticked(client, imported):
    page = client.get("/formations/", {"q": "boulanger"})
    tree = parse(page.content)
    box = tree.find("input", name="fermes")
    assert box.attrs["type"] == "checkbox" and "checked" not in box.attrs
    assert "Inclure les diplômes qui ne sont plus délivrés" in tree.find("label", **{"for": "id_fermes"}).text
    assert _closed_badges(_cards(page)[:10]) <= 1
    note = tree.find(class_="search-closed-note")
    assert note is not None and note.find("a").attrs["href"].endswith("fermes=on")
    ticked = _cards(client.get("/formations/", {"q": "boulanger", "fermes": "on"}))
    assert _closed_badges(ticked) > 1


def test_after_3e_box_keeps_cap_and_bac_pro(client, imported):
    cards = _cards(client.get("/formations/", {"q": "boulanger", "apres_3e": "on"}))
    cfds = [card.attrs["data-cfd"] for card in cards]
    assert cfds and all(enters_after_3e(Formation.objects.get(cfd=cfd).diploma_code) for cfd in cfds)
    assert "50022137" in cfds and "45022108" not in cfds  # CAP Boulanger, not BP Boulanger


def test_aide_soignant_shows_one_card_linking_its_other_code(client, imported):
    cards = _cards(client.get("/formations/", {"q": "aide-soignant"}))
    titles = [card.find("h3").text.strip() for card in cards]
    assert len(titles) == len(set(titles))
    card = next(card for card in cards if card.attrs["data-cfd"] == "46033104")
    assert "/formations/56033102/" in {a.attrs["href"] for a in card.find_all("a")}


def test_cap_cuisine_card_is_the_current_version_with_its_former_figures_said(client, imported):
    cards = _cards(client.get("/formations/", {"q": "cap cuisine"}))
    assert cards[0].attrs["data-cfd"] == "50022146"
    assert "Chiffres de la version précédente de ce diplôme (code 50022139)" in cards[0].text
    assert "en emploi" in cards[0].text


def test_domain_menu_reads_plain_grouped_labels_and_old_links_still_work(client, imported):
    tree = parse(client.get("/formations/").content)
    options = [o.text.strip() for o in tree.find("select", id="id_domaine").find_all("option")]
    assert "Alimentation, cuisine, chimie, énergie et matériaux" in options
    assert len(options) == len(set(options)) and not any(o.lower().startswith("formations gen") for o in options)
    assert client.get("/formations/", {"domaine": "221"}).status_code == 200  # a home page link
    assert client.get("/formations/", {"domaine": "22"}).status_code == 200
    assert client.get("/formations/", {"domaine": "zzz"}).status_code == 400


def test_departement_menu_holds_only_departements(client, imported):
    tree = parse(client.get("/formations/40022106/").content)
    values = {o.attrs["value"] for o in tree.find("select", id="id_departement").find_all("option")}
    assert {"012", "976", "02A"} <= values
    assert not values & {"130", "985", "975", "986"}


def test_region_menu_agrees_with_the_notice_of_a_place_in_the_words(client, imported):
    tree = parse(client.get("/formations/", {"q": "cuisine millau"}).content)
    assert "Recherche limitée à la région Occitanie" in tree.find(class_="place-note").text
    chosen = next(o for o in tree.find("select", id="id_region").find_all("option") if "selected" in o.attrs)
    assert chosen.attrs["value"] == "76" and chosen.text == "Occitanie"
    # The HTMX answer swaps the menu too.
    _main, oob = split_oob(client.get("/formations/", {"q": "cuisine millau"}, **HTMX).content)
    assert 'value="76" selected' in oob["filtre-region"]


def test_home_counts_in_french(client, imported):
    tree = parse(client.get("/", {"q": "zzzzqqq"}).content)
    assert "(aucun résultat)" in tree.find(id="apercu").text
    assert "0 résultats" not in tree.find(id="apercu").text
    one = parse(client.get("/", {"q": "aide-soignant veterinaire"}).content).find(id="apercu")
    assert "Voir la formation pour" in one.text and "Voir les 1" not in one.text


def test_better_placed_formations_after_a_cap_are_entered_after_3e(client, imported):
    # CAP Cuisine in Occitanie: MCs of its field (which need a CAP first) have higher rates in both voies.
    tree = parse(client.get("/formations/50022139/", {"region": "76"}).content)
    voies = [div for div in tree.find(id="situer").find_all("div") if "data-voie" in div.attrs]
    listed = [li for voie in voies for li in voie.find("ul", class_="choose-alternatives").find_all("li")]
    assert listed
    for item in listed:
        assert enters_after_3e(Formation.objects.get(cfd=item.attrs["data-cfd"]).diploma_code), item.text


def test_sorting_level_3_by_employment_puts_no_closed_diploma_on_top(client, imported):
    tree = parse(client.get("/formations/", {"niveau": "3", "region": "76", "tri": "emploi"}).content)
    cards = tree.find(id="resultats").find_all("div", class_="fr-card")
    assert cards and not [card.attrs["data-cfd"] for card in cards if "Diplôme fermé" in card.text]
    assert not [c for c in cards if Formation.objects.get(cfd=c.attrs["data-cfd"]).diploma_type == "MC"]
