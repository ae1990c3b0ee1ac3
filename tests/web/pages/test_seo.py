"""SEO plumbing: titles, descriptions, canonical URLs, OpenGraph, JSON-LD, robots.txt and the sitemaps."""

import json
import xml.etree.ElementTree as ET

import pytest

from guidance.catalog.models import Voie
from tests.factories import make_formation, make_offer, make_school
from tests.web.html import parse

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def catalogue():
    formation = make_formation("40025214", "Bac pro Commerce")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031", town="Toulouse")
    make_offer(school, formation, Voie.SCOLAIRE)
    make_school("0810004L", "Lycée Louis Rascol", departement_code="081", town="Albi")
    return formation, school


PAGES = [
    "/",
    "/etablissements/",
    "/etablissements/0310024H/",
    "/etablissements/0810004L/",
    "/etablissements/0310024H/formations/40025214/",
    "/comprendre/",
    "/plan-du-site/",
]


def test_every_page_has_its_own_title_description_canonical_and_opengraph(client, catalogue):
    titles, descriptions = set(), set()
    for path in PAGES:
        tree = parse(client.get(path).content)
        title = tree.find("title").text
        description = tree.find("meta", name="description").attrs["content"]
        assert title and description, path
        titles.add(title)
        descriptions.add(description)
        assert tree.find("link", rel="canonical").attrs["href"] == f"http://testserver{path}"
        assert tree.find("meta", property="og:url").attrs["content"] == f"http://testserver{path}"
        assert tree.find("meta", property="og:locale").attrs["content"] == "fr_FR"
        assert tree.find("meta", property="og:title").attrs["content"], path
    assert len(titles) == len(descriptions) == len(PAGES)


def test_canonical_url_drops_the_query_string(client, catalogue):
    tree = parse(client.get("/etablissements/0310024H/", {"voie": "scolaire"}).content)

    assert tree.find("link", rel="canonical").attrs["href"] == "http://testserver/etablissements/0310024H/"


def test_school_page_describes_an_educational_organization_in_json_ld(client, catalogue):
    _, school = catalogue
    school.address, school.postal_code, school.latitude, school.longitude = "1 rue X", "31000", 43.6, 1.44
    school.save()

    tree = parse(client.get("/etablissements/0310024H/").content)

    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["@type"] == "EducationalOrganization"
    assert data["name"] == "Lycée Jean Jaurès"
    assert data["url"] == "http://testserver/etablissements/0310024H/"
    assert data["identifier"] == {"@type": "PropertyValue", "propertyID": "UAI", "value": "0310024H"}
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1 rue X",
        "postalCode": "31000",
        "addressLocality": "Toulouse",
        "addressRegion": "Occitanie",
        "addressCountry": "FR",
    }
    assert data["geo"]["latitude"] == 43.6


def test_school_formation_page_describes_the_programme_and_its_provider(client, catalogue):
    tree = parse(client.get("/etablissements/0310024H/formations/40025214/").content)

    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["@type"] == "EducationalOccupationalProgram"
    assert data["name"] == "Bac pro Commerce" and data["identifier"] == "40025214"
    assert data["provider"]["@type"] == "EducationalOrganization"
    assert data["provider"]["identifier"]["value"] == "0310024H"


def test_json_ld_cannot_close_its_script_element(client, catalogue):
    _, school = catalogue
    school.name = "Lycée </script><script>alert(1)</script> & co"
    school.save()

    html = client.get("/etablissements/0310024H/").content.decode()

    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    assert json.loads(block)["name"] == school.name


def test_home_page_declares_the_site_search_in_json_ld(client):
    tree = parse(client.get("/").content)

    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"]["urlTemplate"] == "http://testserver/?q={q}"


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /gestion/" in lines


def test_sitemap_index_lists_every_formation_and_school_page(client, catalogue):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [node.text for node in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert sections == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-formations.xml",
        "http://testserver/sitemap-etablissements.xml",
    ]

    urls = set()
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200
        urls |= {node.text for node in ET.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)}
    assert {
        "http://testserver/",
        "http://testserver/comprendre/",
        "http://testserver/formations/40025214/",
        "http://testserver/etablissements/0310024H/",
        "http://testserver/etablissements/0810004L/",
    } <= urls
    # Every listed page answers 200.
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_large_sitemaps_are_split_into_pages(client, catalogue, monkeypatch):
    from guidance.web.pages import sitemaps

    monkeypatch.setattr(sitemaps.SchoolSitemap, "limit", 1)

    index = ET.fromstring(client.get("/sitemap.xml").content)

    locs = [node.text for node in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert "http://testserver/sitemap-etablissements.xml?p=2" in locs
    page_two = ET.fromstring(client.get("/sitemap-etablissements.xml", {"p": "2"}).content)
    assert [n.text for n in page_two.findall("sm:url/sm:loc", SITEMAP_NS)] == [
        "http://testserver/etablissements/0810004L/"
    ]


def test_header_links_come_from_the_url_names(client):
    nav = parse(client.get("/etablissements/").content).find("nav", id="navigation-principale")

    links = {a.text: a.attrs for a in nav.find_all("a")}
    assert links["Établissements"]["href"] == "/etablissements/"
    assert links["Établissements"]["aria-current"] == "page"
    assert links["Comprendre les chiffres"]["href"] == "/comprendre/"
    assert links["Formations"]["href"] == "/formations/"
