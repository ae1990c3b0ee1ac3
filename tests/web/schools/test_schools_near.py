"""Schools by distance (issue 22): the school search around a commune, Lyon's lycée found by its town, the place
carried to the school and school × formation pages and the compare page."""

import re

import pytest

from guidance.catalog.geo import haversine_km
from guidance.catalog.models import School
from guidance.orientation.places import commune_by_code
from guidance.search.engine import search_schools
from tests.web.html import parse

pytestmark = pytest.mark.django_db


def test_schools_within_10_km_of_millau_each_with_its_distance(client, imported):
    response = client.get("/etablissements/", {"commune": "12145", "rayon": "10"})
    assert response.status_code == 200
    tree = parse(response.content)
    results = tree.find_all("li", class_="school-result")
    assert results, "Millau's lycées"
    millau = commune_by_code("12145")
    listed = []
    for item in results:
        uai = re.search(r"UAI (\w{8})", item.text).group(1)
        school = School.objects.get(uai=uai)
        distance = haversine_km(millau.latitude, millau.longitude, school.latitude, school.longitude)
        assert distance <= 10
        shown = item.find(class_="school-result__distance").text
        assert shown == f"À environ {round(distance)} km" or (distance < 1 and shown == "À moins de 1 km")
        listed.append(uai)
    expected = [
        s.uai
        for s in sorted(
            School.objects.exclude(latitude=None),
            key=lambda s: haversine_km(millau.latitude, millau.longitude, s.latitude, s.longitude),
        )
        if haversine_km(millau.latitude, millau.longitude, s.latitude, s.longitude) <= 10
    ]
    assert set(listed) == set(expected) and "0120014A" in listed
    links = [item.find("a").attrs["href"] for item in results]
    assert all(link.endswith("?commune=12145&rayon=10") for link in links)
    assert "Établissements à moins de 10 km de Millau" in tree.find(class_="place-around").text


def test_schools_of_the_departement_without_a_point_are_said_not_dropped(client, imported):
    unplaced = School.objects.filter(departement_code="012", latitude=None).count()
    tree = parse(client.get("/etablissements/", {"commune": "12145"}).content)
    note = tree.find(class_="place-unplaced")
    if unplaced:
        assert note is not None and note.text.startswith(f"{unplaced} établissement")
    else:
        assert note is None


def test_lyon_finds_the_lycee_jacques_de_flesselles_and_its_page_says_lyon_1er_69001(client, imported):
    lycee = School.objects.get(uai="0690043X")
    assert lycee.pk in search_schools("lyon", use_place=True).ids
    tree = parse(client.get("/etablissements/", {"q": "lyon"}).content)
    assert "0690043X" in tree.find(id="resultats").text
    page = parse(client.get("/etablissements/0690043X/").content)
    identity = page.find("dl", class_="school-identity").text
    assert "Lyon 1er" in identity and "69001" in identity


def test_the_school_page_says_its_distance_and_carries_the_place(client, imported):
    tree = parse(client.get("/etablissements/0120014A/", {"commune": "12145"}).content)
    assert "À environ 5 km de Millau (à vol d’oiseau)" in tree.find(class_="school-identity__distance").text
    links = [a.attrs["href"] for a in tree.find_all("a") if "/formations/" in a.attrs.get("href", "")]
    assert links and all("commune=12145" in link for link in links if link.startswith("/etablissements/"))


def test_the_school_formation_page_carries_the_place_to_the_formation_and_the_compare_page(client, imported):
    tree = parse(client.get("/etablissements/0120014A/formations/40022106/", {"commune": "12145"}).content)
    hrefs = [a.attrs["href"] for a in tree.find_all("a") if "href" in a.attrs]
    assert "/formations/40022106/?commune=12145" in hrefs
    assert "/etablissements/0120014A/?commune=12145" in hrefs
    assert "à environ 5 km de Millau" in tree.find("p", class_="fr-text--lead").text
    nexts = [i.attrs["value"] for i in tree.find_all("input", name="next")]
    assert nexts and all("commune=12145" in value for value in nexts)


def test_the_compare_page_says_each_school_distance_and_shares_the_place(client, imported):
    response = client.get(
        "/comparer/", {"item": ["e:0120014A:40022106:scolaire", "e:0480019K:40022106:scolaire"], "commune": "12145"}
    )
    assert response.status_code == 200
    tree = parse(response.content)
    distances = [span.text for span in tree.find_all("span", class_="compare-distance")]
    assert distances == ["À environ 5 km de Millau", "À environ 56 km de Millau"]
    assert tree.find(id="lien-partage").attrs["href"].endswith("&commune=12145")
    assert tree.find(id="telecharger-csv").attrs["href"].endswith("&commune=12145")


def test_json_ld_gives_a_position_only_for_a_school_own_coordinates(client, imported):
    vigo = client.get("/etablissements/0120014A/").content.decode()
    lyon = client.get("/etablissements/0690043X/").content.decode()
    assert '"GeoCoordinates"' in vigo and '"GeoCoordinates"' not in lyon


def test_the_home_search_understands_cuisine_millau(client, imported):
    tree = parse(client.get("/", {"q": "cuisine millau"}).content)
    schools = tree.find("section", aria_labelledby="apercu-etablissements")
    assert "(0 résultats)" not in schools.text
    first = schools.find("li")
    assert "Lycée professionnel Jean Vigo" in first.text and "à environ 5 km" in first.text
    assert first.find("a").attrs["href"] == "/etablissements/0120014A/?commune=12145"
    formations = tree.find("section", aria_labelledby="apercu-formations")
    assert "/formations/40022106/?commune=12145" in [a.attrs.get("href") for a in formations.find_all("a")]
