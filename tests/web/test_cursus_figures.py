"""A voie taught in several cursus (CAP Cuisine: 1, 2 or 3 years in the voie scolaire) has one figure per cursus.

Where one figure stands for the voie (a search card, a compare column) it is the usual cursus's, the one most pupils
follow, and it says which cursus it is; where an offer names its own cursus (a school), that cursus is shown and
named. Counts are checked against the open data (`ij_region_data.csv`, summed over regions as the replica does).
"""

import re

import pytest

from guidance.catalog.models import Formation, Voie
from tests.factories import make_offer, make_school, regional_rows
from tests.web.html import parse

CAP_CUISINE = "50022139"
ONE_YEAR, TWO_YEARS = "23110022139", "23220022139"  # final years of its 1- and 2-year cursus (BCN nMef)
PERIOD = "2022_2023"


def _national(mefstat11: str) -> dict[str, int]:
    rows = [r for r in regional_rows() if r["mefstat11"] == mefstat11 and r["millesime"] == PERIOD]
    assert rows, f"the open data has regional rows for {mefstat11}"
    fields = ("nb_annee_term", "nb_en_emploi_6_mois", "nb_poursuite_etudes")
    return {field: sum(int(r[field]) for r in rows if r[field]) for field in fields}


def _rate(count: int, total: int) -> int:
    return round(100 * count / total)  # half to even, as the replica rounds


@pytest.fixture
def cap_cuisine(imported):
    formation = Formation.objects.get(cfd=CAP_CUISINE)
    assert formation.duration_years == 2
    return formation


def test_the_voie_scolaire_key_of_a_formation_is_its_usual_cursus(cap_cuisine):
    finals = sorted(mef.mefstat11 for mef in cap_cuisine.final_year_mefs())
    assert finals[0] == ONE_YEAR and TWO_YEARS in finals  # the lowest code is the 1-year cursus

    assert cap_cuisine.certification_for(Voie.SCOLAIRE).code == TWO_YEARS
    # An offer's own cursus wins over the usual one.
    assert cap_cuisine.certification_for(Voie.SCOLAIRE, ONE_YEAR).code == ONE_YEAR


def test_without_a_usual_length_the_first_final_year_stands_for_the_voie(cap_cuisine):
    cap_cuisine.duration_years = None
    assert cap_cuisine.certification_for(Voie.SCOLAIRE).code == ONE_YEAR


def test_a_search_card_gives_the_usual_cursus_and_names_it(client, cap_cuisine):
    expected = _national(TWO_YEARS)

    response = client.get("/formations/", {"q": "cap cuisine"})

    card = next(c for c in parse(response.content).find_all("div", class_="fr-card") if "CAP Cuisine" in c.text)
    match = re.search(r"voie scolaire, cursus en 2 ans : (\d+) % en emploi, (\d+) % en poursuite", card.text)
    assert match, card.text
    total = expected["nb_annee_term"]
    assert int(match[1]) == _rate(expected["nb_en_emploi_6_mois"], total)
    assert int(match[2]) == _rate(expected["nb_poursuite_etudes"], total)


def test_a_compare_column_gives_the_usual_cursus_and_names_it(client, cap_cuisine):
    response = client.get("/comparer/", {"item": f"f:{CAP_CUISINE}:scolaire"})

    text = parse(response.content).text
    assert "Voie scolaire, cursus en 2 ans" in text
    shown = re.search(r"Jeunes en dernière année ([\d\s]+?) Jeunes sortis en 2022 et 2023", text)
    assert shown, text
    assert int(re.sub(r"\D", "", shown[1])) == _national(TWO_YEARS)["nb_annee_term"]


def test_a_school_teaching_the_one_year_cursus_shows_that_cursus_by_name(client, cap_cuisine):
    school = make_school("0751234A", "Lycée des métiers de la table")
    make_offer(school, cap_cuisine, Voie.SCOLAIRE, mefstat11=ONE_YEAR)

    school_page = parse(client.get(f"/etablissements/{school.uai}/").content).text
    pair_page = parse(client.get(f"/etablissements/{school.uai}/formations/{CAP_CUISINE}/").content).text

    assert "Voie scolaire, cursus en 1 an" in school_page
    assert "Voie scolaire, cursus en 1 an" in pair_page
    assert "cursus en 2 ans" not in pair_page
