"""A school × formation's embed and badge, a school's and a school × formation's exports: the same figures as their
pages (real open data through the replica), 400/404 inside the frame, the headers of each."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from guidance.catalog.models import SchoolIndicators
from guidance.inserjeunes.territories import REGIONS
from guidance.web.figures.wording import ATTRIBUTION, MESSAGES, MissingCause
from tests.factories import make_formation
from tests.web.html import panel_figures, parse

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _url(school, formation, tail=""):
    return f"/etablissements/{school.uai}/formations/{formation.cfd}/{tail}"


def _page_panels(client, school, formation) -> dict[str, dict]:
    tree = parse(client.get(_url(school, formation)).content)
    section = tree.find("section", data_voie="scolaire")
    return {p.attrs["data-scope"]: panel_figures(p) for p in section.find_all("div", class_="fig-panel")}


def test_full_embed_shows_the_school_region_and_france_panels_of_the_page(client, real_pair):
    _, _, school, formation = real_pair
    page = _page_panels(client, school, formation)

    tree = parse(client.get(_url(school, formation, "integrer/"), {"layout": "full"}).content)

    shown = {p.attrs["data-scope"]: panel_figures(p) for p in tree.find_all("div", class_="fig-panel")}
    assert shown == page and set(shown) == {"school", "region", "france"}
    assert page["school"]["missing"] == MissingCause.SCHOOL_OFFLINE.value  # the open data has no per-school figures


def test_compact_embed_says_why_the_school_has_none_and_shows_its_region_labelled(client, real_pair):
    _, region, school, formation = real_pair
    page = _page_panels(client, school, formation)

    response = client.get(_url(school, formation, "integrer/"))

    assert response.status_code == 200
    assert "frame-ancestors *" in response["Content-Security-Policy"] and "X-Frame-Options" not in response
    assert response["Cache-Control"] == "public, max-age=3600, stale-while-revalidate=86400"
    tree = parse(response.content)
    entry = tree.find("section", class_="fig-embed__entry", data_voie="Voie scolaire")
    assert entry.find(class_="fig-missing").attrs["data-missing"] == MissingCause.SCHOOL_OFFLINE.value
    assert (
        entry.find(class_="fig-fallback-note").text == f"À défaut : la même formation dans la région {REGIONS[region]}"
    )
    panel = entry.find("div", class_="fig-panel")
    assert panel.attrs["data-scope"] == "region"
    figures = panel_figures(panel)
    assert figures["shares"] == page["region"]["shares"] and figures["counts"] == page["region"]["counts"]
    assert school.display_name in tree.find("title").text
    back = [a for a in tree.find_all("a") if a.attrs.get("href", "").endswith(_url(school, formation))]
    assert back and back[0].attrs["target"] == "_blank" and back[0].attrs["rel"] == "noopener"


def test_badge_of_a_school_writes_the_fallback_and_its_figures(client, real_pair):
    _, region, school, formation = real_pair
    page = _page_panels(client, school, formation)

    response = client.get(_url(school, formation, "badge.svg"), {"direction": "vertical"})

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert f"À défaut : la même formation dans la région {REGIONS[region]}" in " ".join(texts)  # wrapped
    rates = [int(re.sub(r"\D", "", t)) for t in texts if t.endswith("\u202f%")]
    assert rates == [page["region"]["shares"][k] for k in ("emploi", "formation", "autres")]
    assert school.display_name in root.find(f"{SVG}title").text
    assert MESSAGES[MissingCause.SCHOOL_OFFLINE][0] in root.find(f"{SVG}desc").text  # offline: the open data's gap


def test_unknown_or_not_offered_pairs_are_a_404_inside_the_frame(client, real_pair):
    _, _, school, formation = real_pair
    other = make_formation("50022135", "CAP Cuisine", diploma_type="CAP")  # not offered, and no figures here
    for url in (
        f"/etablissements/0000000Z/formations/{formation.cfd}/integrer/",
        f"/etablissements/{school.uai}/formations/99999999/integrer/",
        f"/etablissements/pas-un-uai/formations/{formation.cfd}/badge.svg",
        _url(school, other, "integrer/"),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "frame-ancestors *" in response["Content-Security-Policy"] and "X-Frame-Options" not in response


@pytest.mark.parametrize(("tail", "query"), [("integrer/", {"layout": "x"}), ("badge.svg", {"theme": "x"})])
def test_bad_options_are_a_400_inside_the_frame(client, real_pair, tail, query):
    _, _, school, formation = real_pair

    response = client.get(_url(school, formation, tail), query)

    assert response.status_code == 400
    assert "frame-ancestors *" in response["Content-Security-Policy"] and "X-Frame-Options" not in response


def test_the_school_formation_page_still_refuses_to_be_framed_and_links_its_reuse(client, real_pair):
    _, _, school, formation = real_pair

    response = client.get(_url(school, formation))

    assert response["X-Frame-Options"] == "DENY"
    tree = parse(response.content)
    block = tree.find("section", class_="fig-reuse")
    assert f"http://testserver{_url(school, formation, 'integrer/')}" in block.find_all("textarea")[0].text
    assert ATTRIBUTION in block.text
    alternates = {link.attrs["type"]: link.attrs["href"] for link in tree.find_all("link", rel="alternate")}
    assert alternates["application/json"].endswith(_url(school, formation, "export.json"))


def test_school_formation_exports_hold_the_panels_of_the_page(client, real_pair):
    _, _, school, formation = real_pair
    page = _page_panels(client, school, formation)

    document = client.get(_url(school, formation, "export.json")).json()
    lines = list(
        csv.DictReader(
            io.StringIO(client.get(_url(school, formation, "export.csv")).content.decode("utf-8-sig")), delimiter=";"
        )
    )

    kinds = {"school": school.display_name}
    assert [b["chiffres_de"] for b in document["chiffres"]][0] == kinds["school"]
    for block, kind in zip(document["chiffres"], ("school", "region", "france"), strict=True):
        figures = page[kind]
        rates = {i["indicateur"]: i["valeur_pourcent"] for i in block["indicateurs"]}
        if figures["shares"]:
            assert [rates["emploi_6_mois"], rates["formation"], rates["autres_6_mois"]] == [
                figures["shares"][k] for k in ("emploi", "formation", "autres")
            ]
        else:
            assert block["absence"]["cause"] == figures["missing"]
        assert block["effectif_derniere_annee"] == figures["counts"].get("nb_annee_term")
        assert block["uai"] == school.uai
    assert len(lines) == 3 * 6
    assert [line["valeur_pourcent"] for line in lines if line["element"] == "2"][:1] == [
        str(page["region"]["shares"]["emploi"])
    ]


def test_school_exports_hold_the_rows_of_the_page(client, real_pair):
    _, _, school, formation = real_pair
    SchoolIndicators.objects.create(
        school=school,
        millesime="2022_2023",
        population="ensemble",
        share_in_employment=0,
        share_in_study=54,
        share_other=46,
        cohort_size=140,
        source="depp.csv",
    )
    tree = parse(client.get(f"/etablissements/{school.uai}/").content)
    row = tree.find("div", class_="school-offers").find("tr", data_voie="scolaire")
    cells = [td.text for td in row.find_all("td")]

    document = client.get(f"/etablissements/{school.uai}/export.json").json()
    lines = list(
        csv.DictReader(
            io.StringIO(client.get(f"/etablissements/{school.uai}/export.csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )

    depp, offer = document["chiffres"]
    assert depp["indicateurs"][0]["valeur_pourcent"] == 0  # a share of 0 is a figure, not a gap
    assert depp["effectif_derniere_annee"] == 140 and depp["millesime"] == "2022-2023"
    assert offer["cfd"] == formation.cfd and offer["a_defaut"] is True
    rates = {i["indicateur"]: i["valeur_pourcent"] for i in offer["indicateurs"]}
    assert [_digits(cells[1]), _digits(cells[2])] == [rates["emploi_6_mois"], rates["formation"]]
    assert _digits(cells[3]) == offer["effectif_derniere_annee"]
    assert offer["chiffres_de"] in cells[4]
    assert {line["element"] for line in lines} == {"1", "2"}
    assert tree.find(class_="fig-downloads") is not None
    assert client.get(f"/etablissements/{school.uai}/export.json", {"voie": "x"}).status_code == 400
    assert client.get("/etablissements/0000000Z/export.csv").status_code == 404
