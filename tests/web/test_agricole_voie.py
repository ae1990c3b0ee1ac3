"""An agricultural training (records saying `filiere: "agricole"`, December 2025) is shown by its name on every page
that names a voie: the formation, school, school × formation and compare pages, full and HTMX fragment alike."""

import httpx
import pytest

from guidance.catalog.models import Voie
from guidance.indicators.upstream import reset_client
from guidance.web.figures.wording import AGRICOLE_LABEL, MESSAGES, MissingCause
from tests.factories import make_formation, make_offer, make_school
from tests.inserjeunes.conftest import payload
from tests.support import BASE_URL, HTMX
from tests.web.html import parse

CFD, MEF, UAI = "40031212", "23830031212", "0750508X"  # the codes of the recorded answers
AGRICOLE = {"filiere": "agricole"}


@pytest.fixture
def agricultural(settings, upstream, db):
    """A mocked real API whose national and per school records of the voie scolaire say `agricole` (the regional
    figures leave agricultural trainings out), and the catalogue rows of that training in one school."""
    settings.INSERJEUNES_API_URL = BASE_URL
    reset_client()
    national = {**payload("national_pro"), **AGRICOLE}
    school = {**payload("school_pro"), **AGRICOLE}
    upstream.get(f"/api/inserjeunes/certifications/MEFSTAT11:{MEF}").mock(
        return_value=httpx.Response(200, json=national)
    )
    upstream.get(f"/api/inserjeunes/formations/{UAI}-MEFSTAT11:{MEF}").mock(
        return_value=httpx.Response(200, json=school)
    )
    upstream.route().mock(return_value=httpx.Response(404, json=payload("404_pas_de_donnees")))
    formation = make_formation(CFD, "Bac pro Conduite de productions agricoles", mefstat11=MEF)
    lycee = make_school(UAI, "Lycée agricole de Paris")
    make_offer(lycee, formation, Voie.SCOLAIRE, MEF)
    yield formation, lycee
    reset_client()


def test_the_formation_page_names_the_agricultural_voie(client, agricultural):
    url = f"/formations/{CFD}/"

    for response in (client.get(url), client.get(url, **HTMX, HTTP_HX_TARGET="devenir")):
        assert response.status_code == 200
        tree = parse(response.content)
        france = tree.find("div", data_scope="france")
        panel = france.find("div", class_="fig-panel", data_voie=AGRICOLE_LABEL)
        assert panel is not None and panel.find("dd", data_count="nb_annee_term") is not None
        assert france.find("h4", class_="fig-panel__title").text.startswith(AGRICOLE_LABEL)
        assert "filière pro" not in tree.text.lower()


def test_the_school_pages_name_the_agricultural_voie(client, agricultural):
    school_url = f"/etablissements/{UAI}/"
    pair_url = f"/etablissements/{UAI}/formations/{CFD}/"

    for response in (client.get(school_url), client.get(school_url, {"voie": "scolaire"}, **HTMX)):
        assert response.status_code == 200
        row = parse(response.content).find("tr", data_voie="scolaire")
        assert row.find_all("td")[0].text == AGRICOLE_LABEL
    for response in (client.get(pair_url), client.get(pair_url, {"voie": "scolaire"}, **HTMX)):
        assert response.status_code == 200
        section = parse(response.content).find("section", class_="school-formation", data_voie="scolaire")
        assert section.find("h2").text == AGRICOLE_LABEL


def test_the_compare_page_names_the_agricultural_voie(client, agricultural):
    response = client.get("/comparer/", {"item": f"f:{CFD}:scolaire"})

    assert response.status_code == 200
    assert f"France · {AGRICOLE_LABEL}" in parse(response.content).find("table").text


NOT_REGIONAL = MESSAGES[MissingCause.NOT_REGIONAL_AGRICOLE][0]


def test_the_formation_page_says_why_a_region_has_no_agricultural_figures(client, agricultural):
    url = f"/formations/{CFD}/"

    for response in (
        client.get(url, {"region": "11"}),
        client.get(url, {"region": "11"}, **HTMX, HTTP_HX_TARGET="devenir"),
    ):
        tree = parse(response.content)
        region = tree.find("div", data_scope="region").find("div", class_="fig-panel", data_voie=AGRICOLE_LABEL)
        assert NOT_REGIONAL in region.text and "comparez avec ceux de la France" in region.text
        assert MESSAGES[MissingCause.NO_DATA][0] not in region.text


def test_the_school_formation_page_says_why_its_region_has_no_agricultural_figures(client, agricultural):
    response = client.get(f"/etablissements/{UAI}/formations/{CFD}/")

    section = parse(response.content).find("section", class_="school-formation", data_voie="scolaire")
    assert NOT_REGIONAL in section.text
    assert section.find("dd", data_count="nb_annee_term") is not None  # the school's own figures stay


def test_a_region_without_figures_of_a_general_voie_keeps_its_own_reason(client, agricultural, upstream):
    # The same training, its records saying `pro`: a region's gap is that training's gap there, nothing more.
    upstream.get(f"/api/inserjeunes/certifications/MEFSTAT11:{MEF}").mock(
        return_value=httpx.Response(200, json=payload("national_pro"))
    )
    tree = parse(client.get(f"/formations/{CFD}/", {"region": "11"}).content)

    region = tree.find("div", data_scope="region")
    assert NOT_REGIONAL not in region.text and MESSAGES[MissingCause.NO_DATA][0] in region.text
