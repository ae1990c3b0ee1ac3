"""A higher-education diploma's page and its page in one school (issue 25): offline, they name InserSup and invent
no figure; against an upstream that has InserSup's figures (the replica fed the tests' own file, TEST DATA), they
show the cohort, the rates and the salaries as given."""

import json
import re

import pytest

from guidance.catalog.api_sync import sync_from_api
from guidance.catalog.models import HigherEducationOffer, School, SchoolKind
from guidance.indicators.upstream import get_client
from guidance.web.figures.wording import MESSAGES, MissingCause
from tests.insersup import UNIVERSITY
from tests.web.html import parse

pytestmark = pytest.mark.django_db

OFFLINE = MESSAGES[MissingCause.INSERSUP_OFFLINE][1]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def devenir(response):
    return parse(response.content).find("section", id="devenir")


@pytest.mark.parametrize(("code", "title"), [("2300030", "Licence Informatique"), ("2500164", "Master Informatique")])
def test_offline_a_diploma_page_names_insersup_and_invents_no_figure(client, imported, offline_replica, code, title):
    response = client.get(f"/formations/{code}/")
    assert response.status_code == 200
    tree = parse(response.content)
    assert tree.find("h1").text == title
    section = tree.find("section", id="devenir")
    text = section.text
    assert "InserSup" in text and " ".join(OFFLINE.split()) in text
    assert not section.find_all("li", class_="fig-legend__item")  # no share drawn
    assert "%" not in text and "€" not in text  # no rate, no salary: none was given
    assert section.find(class_="fig-missing").attrs["data-missing"] == "insersup_offline"
    schools = tree.find("section", aria_labelledby="ecoles-titre")
    assert schools.find("p", data_missing="insersup_offline") is not None
    assert f'<link rel="canonical" href="http://testserver/formations/{code}/">' in response.content.decode()


def test_a_diploma_page_shows_insersups_figures_as_given(client, imported, insersup_replica):
    response = client.get("/formations/2300030/")
    assert response.status_code == 200
    section = devenir(response)
    text = section.text
    # The answer first: 10 students, employment among those who left at 12 and 24 months, the salaries.
    answer = section.find("div", class_="sup-answer")
    parts = {li.attrs["data-share"]: li.text for li in answer.find_all("li")}
    assert parts["formation"].startswith("8 sur 10") and parts["emploi"].startswith("1 sur 10")
    leavers = answer.find("p", class_="sup-answer__leavers").text
    assert "60 %" in leavers.replace("\u202f", " ") and "505 sur 842" in leavers.replace("\u202f", " ")
    assert "la moitié gagne plus de 1 720 €" in answer.find("p", class_="sup-salary").text  # the median, in words
    # The figures: the cohort and its parts, the rates of the record, the source and the promotion.
    panel = section.find("div", class_="sup-figures", data_scope="france")
    counts = {dd.attrs["data-count"]: digits(dd.text) for dd in panel.find_all("dd")}
    assert counts == {"nb_annee_term": "4210", "nb_poursuite_etudes": "3368", "nb_sortant": "842"}
    rows = {row.attrs["data-horizon"]: row for row in panel.find_all("tr") if "data-horizon" in row.attrs}
    assert rows["12"].find("td", data_rate="sortants").text.startswith("60")
    assert rows["12"].find("td", data_rate="tous").text.replace("\u202f", " ") == "12 %"  # the API's 505 / 4 210
    assert rows["24"].find("td", data_rate="sortants").text.startswith("66")  # 556 / 842
    salary = panel.find("p", class_="sup-salary").text  # the median, and the middle half as a range
    assert "1 720 €" in salary and "entre 1 450 € et 2 050 €" in salary and "équivalent temps plein" in salary
    assert "InserSup (MESR-SIES)" in panel.find("p", class_="fig-source").text
    assert "jeunes sortis en 2023" in text
    assert OFFLINE not in text


def test_the_promotion_switch_and_the_evolution_read_insersups_years(client, imported, insersup_replica):
    section = devenir(client.get("/formations/2300030/", {"millesime": "2022"}))
    counts = {dd.attrs["data-count"]: digits(dd.text) for dd in section.find_all("dd")}
    assert counts["nb_sortant"] == "800"
    links = [a.text for a in section.find("nav", class_="fig-millesimes").find_all("a")]
    assert "2023" in " ".join(links)
    evolution = section.find("div", class_="fig-evolution")
    assert "2023" in evolution.text and "2022" in evolution.text


def test_a_small_insersup_cohort_says_so(client, imported, insersup_replica):
    section = devenir(client.get("/formations/2400152/"))
    assert section.find(class_="fig-missing").attrs["data-missing"] == "small_cohort"
    assert "%" not in section.find("div", class_="sup-figures").text


def test_the_sync_lists_the_university_and_its_page_shows_its_own_figures(client, imported, insersup_replica):
    sync_from_api(get_client(), progress=False)
    university = School.objects.get(uai=UNIVERSITY)
    assert university.kind == SchoolKind.SUPERIEUR
    assert HigherEducationOffer.objects.filter(school=university, formation__cfd="2300030").exists()
    page = parse(client.get("/formations/2300030/").content)
    link = page.find("ul", class_="sup-schools").find("a")
    assert link.attrs["href"] == f"/etablissements/{UNIVERSITY}/formations/2300030/"

    response = client.get(link.attrs["href"])
    assert response.status_code == 200
    section = devenir(response)
    school = section.find("div", class_="sup-figures", data_scope="school")
    counts = {dd.attrs["data-count"]: digits(dd.text) for dd in school.find_all("dd")}
    assert counts["nb_annee_term"] == str(61 + 204) and counts["nb_sortant"] == "61"
    assert "InserSup ne publie les salaires que pour la France entière" in school.text
    assert "jeunes sortis en 2022 et 2023" in school.text
    france = section.find("div", class_="sup-figures", data_scope="france")
    assert "1 720 €" in france.text


def test_a_school_that_does_not_deliver_the_diploma_has_no_page(client, imported, offline_replica):
    assert client.get("/etablissements/0310024H/formations/2300030/").status_code == 404
    assert client.get("/etablissements/0310024H/formations/9999999/").status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/formations/9999999/", 404),  # a SISE code the catalogue does not know
        ("/formations/2300030/?millesime=20xx", 400),
        ("/formations/2300030/?millesime=2021_2023", 400),
        ("/formations/2300030/nimporte/", 404),
        ("/etablissements/00000/formations/2300030/", 404),
    ],
)
def test_bad_addresses_are_a_400_or_a_404_never_a_500(client, imported, offline_replica, path, status):
    assert client.get(path).status_code == status


def test_a_code_in_lower_case_moves_to_its_canonical_address(client, imported, offline_replica):
    response = client.get("/formations/m000171/", {"millesime": "2023"})
    assert response.status_code == 301 and response["Location"] == "/formations/M000171/?millesime=2023"


def test_the_sitemap_lists_the_diploma_pages(client, imported):
    section = client.get("/sitemap-formations.xml")
    assert "/formations/2300030/</loc>" in section.content.decode()


def test_exports_carry_insersup_as_source_and_the_sise_code(client, imported, insersup_replica):
    document = json.loads(client.get("/formations/2300030/export.json").content)
    assert document["attribution"].startswith("Source : InserSup")
    (block,) = document["chiffres"]
    assert (block["cfd"], block["source"], block["effectif_derniere_annee"]) == (
        "SISE:2300030",
        "InserSup (MESR-SIES)",
        4210,
    )
    assert block["salaires_12_mois"] == {"q1": 1450, "mediane": 1720, "q3": 2050}
    assert document["evolution_france"]["promotions"][0]["millesime"] == "2023"
    csv = client.get("/formations/2300030/export.csv").content.decode("utf-8-sig")
    assert "SISE:2300030" in csv and "InserSup (MESR-SIES)" in csv


def test_offline_exports_say_why_there_is_no_figure(client, imported, offline_replica):
    document = json.loads(client.get("/formations/2300030/export.json").content)
    assert document["chiffres"][0]["absence"]["cause"] == "insersup_offline"


def test_the_embed_and_the_badge_show_insersups_figures(client, imported, insersup_replica):
    embed = client.get("/formations/2300030/integrer/")
    assert embed.status_code == 200 and "frame-ancestors *" in embed["Content-Security-Policy"]
    text = parse(embed.content).text
    assert "Source : InserSup" in text and "80" in text
    badge = client.get("/formations/2300030/badge.svg")
    assert badge["Content-Type"].startswith("image/svg+xml")
    assert "InserSup" in badge.content.decode() and "80" in badge.content.decode()


def test_the_diploma_page_offers_its_reuse_with_insersup_named(client, imported, offline_replica):
    page = client.get("/formations/2300030/").content.decode()
    assert "(chiffres InserSup)" in page and "http://testserver/formations/2300030/integrer/" in page
