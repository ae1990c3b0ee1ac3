"""A formation page around a place (issue 22), on the real rows of the sample: its schools nearest first with
their distance, the figures opening on the place's region, renewed diplomas' former schools, the maps."""

import re

import pytest

from guidance.web.figures import maps
from tests.support import HTMX
from tests.web.html import parse

pytestmark = pytest.mark.django_db


def rows(tree):
    return tree.find(id="ecoles").find_all("li", class_="fig-offer")


def km(row) -> int:
    distance = row.find(class_="fig-offer__distance").text
    match = re.search(r"(\d+) km", distance)
    assert match, distance
    return int(match.group(1))


def test_bac_pro_cuisine_around_millau_lists_jean_vigo_then_mende(client, imported):
    response = client.get("/formations/40022106/", {"commune": "12145"})
    assert response.status_code == 200
    tree = parse(response.content)
    listed = rows(tree)
    assert [row.attrs["data-uai"] for row in listed[:2]] == ["0120014A", "0480019K"]
    assert listed[0].attrs["data-number"] == "1" and listed[1].attrs["data-number"] == "2"
    assert km(listed[0]) < 8 and "Millau" in listed[0].text
    assert km(listed[1]) == 56 and "Mende" in listed[1].text
    # Nearest first over the whole list, across départements and regions (Haute-Garonne's schools come after).
    distances = [km(row) for row in listed if row.find(class_="fig-offer__distance").text != "Distance inconnue"]
    assert distances == sorted(distances) and len(distances) >= 3
    # Links that lead on keep the place; the figures open on the place's region.
    link = listed[0].find("a").attrs["href"]
    assert link == "/etablissements/0120014A/formations/40022106/?commune=12145"
    assert tree.find("div", class_="fig-scope", data_scope="region").find("h3").text == "En Occitanie"
    assert tree.find("select", name="region") is None or 'value="76" selected' in response.content.decode()
    count = tree.find(class_="fig-offers__count").text
    assert "1 à moins de 30 km de Millau" in count
    assert "Distances à vol d’oiseau" in response.content.decode()  # said once on the page
    assert response.content.decode().count("Distances à vol d’oiseau") == 1


def test_the_admission_pressure_is_beside_each_school(client, imported):
    tree = parse(client.get("/formations/40022106/", {"commune": "12145"}).content)
    vigo = rows(tree)[0]
    pressure = vigo.find(class_="pressure-rows")
    assert pressure is not None and "Affelnet 2022" in pressure.text and "places" in pressure.text


def test_a_radius_changes_the_count_not_the_order(client, imported):
    tree = parse(client.get("/formations/40022106/", {"commune": "12145", "rayon": "100"}).content)
    assert [row.attrs["data-uai"] for row in rows(tree)[:2]] == ["0120014A", "0480019K"]
    assert "à moins de 100 km de Millau" in tree.find(class_="fig-offers__count").text
    link = rows(tree)[0].find("a").attrs["href"]
    assert link.endswith("?commune=12145&rayon=100")


def test_without_a_place_nameless_schools_come_last(client, imported):
    tree = parse(client.get("/formations/40022106/").content)
    names = [row.find("h3").text for row in rows(tree)]
    assert names and not any(
        name.startswith("Établissement ") for name in names[:-1] if not names[-1].startswith("Établissement ")
    )
    named = [name for name in names if not name.startswith("Établissement ")]
    assert names[: len(named)] == named  # every named school before every nameless one
    assert not tree.find(class_="fig-offer__distance")


def test_the_new_cap_cuisine_lists_the_schools_of_its_former_version_nearest_first(client, imported):
    tree = parse(client.get("/formations/50022146/", {"commune": "12145"}).content)
    listed = rows(tree)
    assert listed, "the schools of CAP Cuisine 50022139"
    distances = [km(row) for row in listed if "Distance inconnue" not in row.text]
    assert distances == sorted(distances)
    former = listed[0].find(class_="fig-offer__former")
    assert former is not None
    assert re.search(r"Proposait l’ancienne version en (2022 \(Affelnet\)|2020 \(constat de rentrée\))", former.text)
    assert "50022139" in former.text
    assert "Nous ne connaissons aucun établissement" not in tree.text


def test_voir_plus_pages_on_as_a_fragment_and_as_a_full_page(client, imported):
    # BTS MCO: more than a page of schools in the sample, around Toulouse.
    query = {"commune": "31555"}
    first = parse(client.get("/formations/32031213/", query).content)
    listed = rows(first)
    assert len(listed) == 20 and [int(li.attrs["data-number"]) for li in listed][:3] == [1, 2, 3]
    more = first.find("nav", class_="schools-more")
    link = more.find("a")
    assert link.text == "Voir plus d’établissements" and more.attrs["hx-target"] == "#ecoles"
    assert link.attrs["href"] == "?commune=31555&page=2#ecoles-titre"
    second_page = parse(client.get("/formations/32031213/", {**query, "page": "2"}).content)
    fragment = client.get("/formations/32031213/", {**query, "page": "2"}, HTTP_HX_TARGET="ecoles", **HTMX)
    assert "<html" not in fragment.content.decode()
    for tree in (second_page, parse(fragment.content)):
        numbers = [
            int(li.attrs["data-number"]) for li in tree.find_all("li", class_="fig-offer") if "data-number" in li.attrs
        ]
        assert numbers and numbers[0] >= int(listed[-1].attrs["data-number"]) and numbers == sorted(numbers)
    last = rows(second_page)[-1]
    assert "Distance inconnue" in last.text or km(last) >= km(listed[-1])


def test_the_region_map_has_a_link_per_region_a_legend_and_the_figures_in_a_table(client, imported):
    response = client.get("/formations/40022106/", {"commune": "12145"})
    html = response.content.decode()
    tree = parse(response.content)
    section = tree.find("section", class_="region-map")
    assert section is not None
    svg = section.find("svg", class_="region-map__svg")
    assert svg.find("title").text and svg.find("desc").text.startswith("Carte des régions de France")
    links = svg.find_all("a")
    assert len(links) == 18  # 13 mainland regions + 5 overseas insets
    assert all("region=" in a.attrs["href"] and "commune=12145" in a.attrs["href"] for a in links)
    assert all(a.attrs.get("aria-label") for a in links)
    occitanie = next(a for a in links if "region=76" in a.attrs["href"])
    assert re.match(r"Occitanie : \d+ %", occitanie.attrs["aria-label"])
    table = section.find("table")
    assert len(table.find("tbody").find_all("tr")) == 18
    assert "IGN – Admin Express, INSEE" in section.text
    legend = section.find("ul", class_="region-map__legend")
    assert len(legend.find_all("li")) >= 2
    # A few tens of KB at most.
    size = len(re.search(r'<svg class="region-map__svg".*?</svg>', html, re.S).group(0).encode())
    assert size < 40_000


def test_regions_without_a_figure_are_hatched_and_say_why(client, imported):
    tree = parse(client.get("/formations/40022106/").content)
    section = tree.find("section", class_="region-map")
    hatched = [
        p
        for p in section.find("svg", class_="region-map__svg").find_all("path")
        if "hachures" in p.attrs.get("fill", "")
    ]
    reasons = [r.text for r in section.find_all(class_="region-map__reason")]
    assert len(hatched) == len(reasons)
    assert all(reason in {text.capitalize() for text in maps.NO_FIGURE.values()} for reason in reasons)


def test_the_map_adds_one_question_and_goes_with_the_first_round(client, imported, upstream_calls):
    client.get("/formations/40022106/", {"commune": "12145"})
    across = [key for key in upstream_calls if key.startswith("/api/inserjeunes/regionales?")]
    assert len(across) == 1 and "code_certifications=" in across[0]
    upstream_calls.clear()
    client.get("/formations/40022106/", {"commune": "12145", "region": "11"})
    assert not [key for key in upstream_calls if key.startswith("/api/inserjeunes/regionales?")]  # cached


def test_without_the_list_route_the_map_says_its_figures_are_unavailable(client, imported, settings):
    settings.REPLICA_API_KEY = ""
    tree = parse(client.get("/formations/40022106/").content)
    section = tree.find("section", class_="region-map")
    assert "indisponibles pour le moment" in section.find("desc").text.lower()


def test_the_apprentissage_map_is_one_click_away(client, imported):
    tree = parse(client.get("/formations/40022106/", {"carte": "apprentissage"}).content)
    section = tree.find("section", class_="region-map")
    assert "apprentissage" in section.find("h3").text
    assert client.get("/formations/40022106/", {"carte": "ailleurs"}).status_code == 400


def test_the_nearby_map_numbers_the_listed_schools(client, imported):
    tree = parse(client.get("/formations/40022106/", {"commune": "12145"}).content)
    svg = tree.find("svg", class_="nearby-map__svg")
    assert svg is not None and svg.find("title").text.startswith("Autour de Millau")
    numbers = [text.text for text in svg.find_all("text")]
    assert numbers[:2] == ["1", "2"]
    table = tree.find(class_="nearby-map").find("table")
    first = table.find("tbody").find("tr")
    assert first.find("td").text == "1" and "Jean Vigo" in first.text and "km" in first.text


def test_the_schools_fragment_keeps_the_place(client, imported):
    response = client.get("/formations/40022106/", {"commune": "12145"}, HTTP_HX_TARGET="ecoles", **HTMX)
    assert response.status_code == 200
    tree = parse(response.content)
    assert [li.attrs["data-uai"] for li in tree.find_all("li", class_="fig-offer")][:2] == ["0120014A", "0480019K"]
    assert "<html" not in response.content.decode()
