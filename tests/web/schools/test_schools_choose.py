"""Schools where people choose: places in the school search, admission pressure on the school × formation page and
in the school's list, each figure equal to its source row (the real sample's Affelnet 2022 and Parcoursup 2024)."""

import pytest

from guidance.catalog.models import School
from guidance.orientation.models import AdmissionPressure
from tests.orientation.conftest import fixture_rows
from tests.support import HTMX
from tests.web.html import parse

pytestmark = pytest.mark.django_db
FOLDER = "offre_formation_affelnet_parcoursup/"


def test_a_postal_code_lists_that_place_first_and_says_so(client, imported):
    tree = parse(client.get("/etablissements/", {"q": "31000"}).content)
    note = tree.find("div", class_="place-note")
    assert note.attrs["data-place"] == "postal_code"
    assert "Recherche limitée au département Haute-Garonne" in note.text and "31000 Toulouse" in note.text
    assert note.find("a", class_="place-note__widen").attrs["href"] == "?q="
    first = tree.find("li", class_="school-result")
    assert "(31000)" in first.text
    fragment = parse(client.get("/etablissements/", {"q": "31000"}, **HTMX).content)
    assert fragment.find("div", class_="place-note") is not None


def test_a_school_name_is_searched_as_typed(client, imported):
    tree = parse(client.get("/etablissements/", {"q": "toulouse"}).content)
    assert tree.find("div", class_="place-note") is None


def test_two_rows_of_one_offer_are_shown_each_as_in_the_file(client, imported):
    # affelnet_attractivite_capacite_2022.csv, lines 2 and 3: 0060002V, two sections of one CAP.
    rows = {row["_line"]: row for row in fixture_rows(FOLDER + "affelnet_attractivite_capacite_2022.csv")}
    response = client.get("/etablissements/0060002V/formations/50025217/", {"voie": "scolaire"})
    assert response.status_code == 200
    block = parse(response.content).find(id="entree-scolaire")
    items = block.find_all("li", data_source="affelnet_2022")
    assert [li.attrs["data-line"] for li in items] == ["2", "3"]
    for li in items:
        row = rows[int(li.attrs["data-line"])]
        expected = (
            f"{row['Demandes vœux 1']} premiers vœux pour {row['Capacité carte scolaire']} places (Affelnet 2022)"
        )
        assert expected in li.text
        assert "demandes pour 1 place" in li.text and "Une seule année" in li.text
    assert "sans les additionner" in block.text


def test_a_parcoursup_row_says_confirmed_wishes(client, imported):
    stored = AdmissionPressure.objects.get(source="parcoursup_2024", uai="0310024H", cfd="32031212")
    row = next(
        r for r in fixture_rows(FOLDER + "parcoursup_bts_attractivite_capacite_2024.csv") if r["_line"] == stored.line
    )
    tree = parse(client.get("/etablissements/0310024H/formations/32031212/", {"voie": "scolaire"}).content)
    text = tree.find(id="entree-scolaire").text.replace("\u202f", " ")
    wishes = f"{int(row['NB_VOEUX_CONFIRMES']):,}".replace(",", " ")
    assert f"{wishes} vœux confirmés pour {row['CAPACITEPSUP']} places (Parcoursup 2024)" in text
    assert "ce n’est donc pas un nombre de candidats par place" in text


def test_no_admission_data_says_why(client, imported):
    pair = next(
        (offer.school.uai, offer.formation.cfd, offer.voie)
        for offer in School.objects.get(uai="0310017A").offers.select_related("school", "formation")
        if not AdmissionPressure.objects.filter(uai="0310017A", cfd=offer.formation.cfd, voie=offer.voie).exists()
    )
    uai, cfd, voie = pair
    tree = parse(client.get(f"/etablissements/{uai}/formations/{cfd}/", {"voie": voie}).content)
    block = tree.find(id=f"entree-{voie}")
    assert block.find(class_="pressure-missing").text.startswith("Pas de données d’affectation pour cette offre")
    assert block.find("ul") is None


def test_the_school_list_carries_each_offers_rows_and_nothing_where_absent(client, imported):
    tree = parse(client.get("/etablissements/0310017A/").content)
    stored = {(p.cfd, p.voie): p for p in AdmissionPressure.objects.filter(uai="0310017A", source="affelnet_2022")}
    checked = 0
    table = next(t for t in tree.find_all("table") if t.find("td", data_cell="pressure"))
    for tr in table.find_all("tr", data_voie="scolaire"):
        cfd = tr.find("a").attrs["href"].split("/formations/")[1].split("/")[0]
        cell = tr.find("td", data_cell="pressure")
        if (cfd, "scolaire") in stored:
            p = stored[(cfd, "scolaire")]
            assert cell.find("li", data_line=str(p.line)) is not None
            assert f"pour {p.places} place" in cell.text and "(Affelnet 2022)" in cell.text
            checked += 1
        else:
            assert cell.find("li") is None and "Pas de données d’affectation" in cell.text
    assert checked >= 2
    assert "premiers vœux seulement, une seule année" in tree.find(class_="pressure-note").text
