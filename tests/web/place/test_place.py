"""The place a page centres on (issue 22): `lieu=` read once, carried as `commune=`, the rules of a typed place."""

import pytest
from django.template import engines
from django.test import RequestFactory

from guidance.search.nearby import Teaching
from guidance.web.formations.forms import FormationSearchForm
from guidance.web.place import (
    DEFAULT_RADIUS,
    Near,
    distance_words,
    read_place,
    school_distance_words,
    teaching_sentence,
)
from tests.web.html import parse

pytestmark = pytest.mark.django_db


def reading(**query):
    form = FormationSearchForm(query)
    assert form.is_valid(), form.errors
    return read_place(form)


def test_five_digits_are_a_postal_code_centred_on_its_most_populous_commune(imported):
    # 12100 is Millau's postal code and also Firmi's INSEE code: typed, it is the postal code.
    found = reading(lieu="12100")
    assert found.near.commune.insee_code == "12145" and found.near.name == "Millau"
    assert [c.name for c in found.near.others] == [
        "Creissels",
        "Saint-Georges-de-Luzençon",
        "Comprégnac",
        "La Roque-Sainte-Marguerite",
    ]  # by population, one click each
    assert found.near.radius == DEFAULT_RADIUS and found.near.query == {"commune": "12145"}


def test_a_commune_chosen_among_those_of_a_postal_code_stays_chosen(imported):
    assert reading(lieu="12100", commune="12084").near.name == "Creissels"
    assert reading(lieu="Rodez", commune="12084").near.name == "Rodez"  # a new place typed wins
    assert reading(commune="12145", rayon="10").near.query == {"commune": "12145", "rayon": "10"}


def test_a_lieu_sent_empty_clears_the_place_and_an_unknown_one_says_why(imported):
    assert reading(lieu="", commune="12145").near is None
    unknown = reading(lieu="Atlantide")
    assert unknown.near is None and "Nous n’avons pas trouvé de commune « Atlantide »" in unknown.problem
    departement = reading(lieu="Aveyron")
    assert departement.near is None and "est un département" in departement.problem


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"commune": "99999"}, "Cette commune n’existe pas"),
        ({"commune": "12l45"}, "Cette commune n’existe pas"),
        ({"rayon": "15"}, "La distance doit être 10, 20, 30, 50 ou 100"),
        ({"lieu": "x" * 101}, "Le lieu est trop long"),
    ],
)
def test_a_bad_place_in_the_address_is_a_400(client, imported, query, message):
    for path in ("/formations/", "/etablissements/", "/formations/40022106/", "/etablissements/0120014A/"):
        response = client.get(path, query)
        assert response.status_code == 400, path
        assert message in response.content.decode(), path


def test_distances_are_rounded_and_said_environ():
    assert distance_words(0.4) == "à moins de 1 km"
    assert distance_words(5.04) == "à environ 5 km"
    assert distance_words(55.6) == "à environ 56 km"
    assert distance_words(123.0) == "à environ 125 km"
    # A school known by its commune only is never said to be under a kilometre away.
    assert school_distance_words(0.0, approximate=True) == "à moins de 2 km environ"
    assert school_distance_words(0.4, approximate=False) == "à moins de 1 km"
    assert school_distance_words(None, approximate=False) == "distance inconnue"
    assert teaching_sentence(Teaching(3, 4.8), 30) == "3 établissements à moins de 30 km, le plus proche à environ 5 km"
    assert teaching_sentence(Teaching(1, 4.8), 30) == "1 établissement à moins de 30 km, le plus proche à environ 5 km"
    assert (
        teaching_sentence(Teaching(0, 85.0), 30)
        == "Aucun établissement à moins de 30 km ; le plus proche à environ 85 km"
    )
    assert teaching_sentence(Teaching(0, None), 10) == "Aucun établissement connu à moins de 10 km"


def test_links_carry_the_place_through_one_tag(imported):
    near = reading(lieu="Millau", rayon="50").near
    template = engines["django"].from_string(
        "{% load place %}<a id='f' href=\"{% near_url 'web:formation' '40022106' %}\">f</a>"
        "<a id='p' href=\"{% near_url 'web:school_formation' '0120014A' '40022106' voie='scolaire' %}\">p</a>"
        "<a id='c' href=\"{{ '/comparer/?item=f:40022106'|with_place:near }}\">c</a>"
    )
    tree = parse(template.render({"near": near}, request=RequestFactory().get("/")))
    assert tree.find(id="f").attrs["href"] == "/formations/40022106/?commune=12145&rayon=50"
    assert (
        tree.find(id="p").attrs["href"]
        == "/etablissements/0120014A/formations/40022106/?voie=scolaire&commune=12145&rayon=50"
    )
    assert tree.find(id="c").attrs["href"] == "/comparer/?item=f:40022106&commune=12145&rayon=50"
    plain = parse(template.render({"near": None}, request=RequestFactory().get("/")))
    assert plain.find(id="f").attrs["href"] == "/formations/40022106/"


def test_near_knows_its_label_and_its_distances(imported):
    from guidance.catalog.models import School

    near = reading(commune="12145").near
    assert isinstance(near, Near) and near.label == "Millau (Aveyron, Occitanie)"
    assert near.distance_words(School.objects.get(uai="0120014A")) == "à environ 5 km"
    unplaced = School.objects.filter(latitude=None).first()
    assert unplaced is not None and near.distance_words(unplaced) == "distance inconnue"


def test_autour_de_moi_turns_a_rounded_position_into_the_nearest_commune(client, imported):
    response = client.get("/lieux/autour/", {"lat": "44.0981", "lon": "3.1162"})
    assert response.status_code == 200
    assert response.json() == {"commune": "12145", "nom": "Millau"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.get("/lieux/autour/", {"lat": "46.0", "lon": "-8.0"}).status_code == 404  # at sea
    assert client.get("/lieux/autour/", {"lat": "abc", "lon": "3"}).status_code == 400
    assert client.get("/lieux/autour/", {"lat": "91", "lon": "3"}).status_code == 400
