"""A formation's embed, badge and exports: the same figures as its page (real open data through the replica), bad
options a 400 and unknown codes a 404 that still render inside a frame, the headers of each."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest

from guidance.indicators.service import IndicatorResult, QuestionKind
from guidance.inserjeunes.parsing import parse_certification, parse_regional
from guidance.inserjeunes.territories import REGIONS
from guidance.web.figures import questions
from guidance.web.figures.wording import ATTRIBUTION, MESSAGES, MissingCause
from guidance.web.forms import FIELD_MESSAGES
from tests.factories import make_formation, real_bac_pro, smallest_apprentissage_cohort
from tests.web.html import panel_figures, parse

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
VOIES = ("Voie scolaire", "Apprentissage")


@pytest.fixture
def bac_pro():
    real = real_bac_pro()
    return make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)


def _regions() -> list[str]:
    """Three regions of the real bac pro: with figures in both voies, and one where a voie has none or few."""
    real = real_bac_pro()
    both = sorted(r for r in REGIONS if ("scolaire", r) in real.rows and ("apprentissage", r) in real.rows)
    lacking = sorted(
        r
        for r in REGIONS
        if ("apprentissage", r) not in real.rows or int(real.rows[("apprentissage", r)]["nb_annee_term"] or 0) < 20
    )
    return both[:2] + lacking[:1]


def _page_panels(client, cfd: str, region: str | None) -> dict[tuple[str, str], dict]:
    """{(scope kind, voie label): figures} of the formation page's devenir."""
    tree = parse(client.get(f"/formations/{cfd}/", {"region": region} if region else {}).content)
    found = {}
    for scope in ("france", "region"):
        for panel in tree.find("div", class_="fig-scope", data_scope=scope).find_all("div", class_="fig-panel"):
            found[(panel.attrs["data-scope"], panel.attrs["data-voie"])] = panel_figures(panel)
    return found


def _digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


# --- The embed ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", [None, *_regions()])
def test_full_embed_shows_the_panels_of_the_page(client, bac_pro, region):
    page = _page_panels(client, bac_pro.cfd, region)

    response = client.get(
        f"/formations/{bac_pro.cfd}/integrer/", {"layout": "full", **({"region": region} if region else {})}
    )

    assert response.status_code == 200
    tree = parse(response.content)
    shown = {
        (panel.attrs["data-scope"], panel.attrs["data-voie"]): panel_figures(panel)
        for panel in tree.find_all("div", class_="fig-panel")
    }
    expected = {key: figures for key, figures in page.items() if region or key[0] == "france"}
    assert shown == expected
    assert len(shown) == (4 if region else 2)


@pytest.mark.parametrize("region", [None, *_regions()])
def test_compact_embed_shows_the_place_asked_or_france_labelled_as_the_fallback(client, bac_pro, region):
    page = _page_panels(client, bac_pro.cfd, region)

    tree = parse(client.get(f"/formations/{bac_pro.cfd}/integrer/", {"region": region} if region else {}).content)

    for voie in VOIES:
        entry = tree.find("section", class_="fig-embed__entry", data_voie=voie)
        panel = entry.find("div", class_="fig-panel")
        asked = page[("region", voie)] if region else page[("france", voie)]
        if asked["shares"]:
            assert panel_figures(panel) == asked and entry.find(class_="fig-fallback-note") is None
        else:  # the region's cause in words, then France's figures, labelled
            assert entry.find(class_="fig-missing").attrs["data-missing"] == asked["missing"]
            note = entry.find(class_="fig-fallback-note").text
            assert note == "À défaut : la même formation dans toute la France"
            assert {k: v for k, v in panel_figures(panel).items() if k != "missing"} == {
                k: v for k, v in page[("france", voie)].items() if k != "missing"
            }


def test_embed_is_a_minimal_framable_page_with_a_link_back(client, bac_pro):
    response = client.get(f"/formations/{bac_pro.cfd}/integrer/", {"region": "53"})

    csp = response["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'none'" in csp
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"] == "public, max-age=3600, stale-while-revalidate=86400"
    tree = parse(response.content)
    assert tree.find("html").attrs["lang"] == "fr" and tree.find("title").text
    assert tree.find("script") is None  # no JavaScript at all
    styles = [link.attrs["href"] for link in tree.find_all("link", rel="stylesheet")]
    assert styles == ["/static/dsfr-site/dsfr-site.css", "/static/css/figures.css"]
    back = tree.find("a", class_="fr-link")
    assert back.attrs["href"] == f"http://testserver/formations/{bac_pro.cfd}/?region=53"
    assert back.attrs["target"] == "_blank" and back.attrs["rel"] == "noopener"
    assert ATTRIBUTION in tree.text
    # A period of two cohorts says so, in the words of the page.
    assert "jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)" in tree.find(class_="fig-source").text


@pytest.mark.parametrize(
    "query",
    [{"layout": "large"}, {"region": "99"}, {"voie": "alternance"}, {"millesime": "20x3"}],
)
def test_bad_options_are_a_400_inside_the_frame(client, bac_pro, query):
    response = client.get(f"/formations/{bac_pro.cfd}/integrer/", query)

    assert response.status_code == 400
    assert "frame-ancestors *" in response["Content-Security-Policy"] and "X-Frame-Options" not in response
    tree = parse(response.content)
    assert tree.find("h1").text == "Demande incorrecte"
    (name,) = query
    assert FIELD_MESSAGES[name] in tree.find("p", data_status="400").text
    assert tree.find("header") is None  # the embed's own page, not the site's


@pytest.mark.parametrize("cfd", ["99999999", "pas-un-code"])
def test_unknown_codes_are_a_404_inside_the_frame(client, db, cfd):
    for url in (f"/formations/{cfd}/integrer/", f"/formations/{cfd}/badge.svg"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "frame-ancestors *" in response["Content-Security-Policy"] and "X-Frame-Options" not in response
    assert parse(client.get(f"/formations/{cfd}/integrer/").content).find("h1").text == "Chiffres introuvables"


def test_every_other_page_still_refuses_to_be_framed(client, bac_pro):
    for url in (
        "/",
        f"/formations/{bac_pro.cfd}/",
        f"/formations/{bac_pro.cfd}/export.json",
        "/formations/99999999/",
        "/comparer/",
    ):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


def test_voie_option_keeps_only_that_voie(client, bac_pro):
    tree = parse(client.get(f"/formations/{bac_pro.cfd}/integrer/", {"voie": "apprentissage"}).content)

    assert [s.attrs["data-voie"] for s in tree.find_all("section", class_="fig-embed__entry")] == ["Apprentissage"]


# --- The badge ---------------------------------------------------------------------------------------------------


def _svg(response) -> ET.Element:
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    return ET.fromstring(response.content)


def _texts(root: ET.Element) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("direction", ["horizontal", "vertical"])
@pytest.mark.parametrize("theme", ["dsfr", "light", "dark"])
def test_badge_writes_the_page_figures_as_text_with_a_title_and_a_description(client, bac_pro, theme, direction):
    page = _page_panels(client, bac_pro.cfd, "53")

    response = client.get(
        f"/formations/{bac_pro.cfd}/badge.svg", {"region": "53", "theme": theme, "direction": direction}
    )

    assert response.status_code == 200
    root = _svg(response)
    assert root.attrib["role"] == "img"
    title, desc = root.find(f"{SVG}title").text, root.find(f"{SVG}desc").text
    assert "Bac pro Formation réelle" in title and REGIONS["53"] in title
    texts = _texts(root)
    rates = [_digits(t) for t in texts if t.endswith("\u202f%")]
    expected = [page[("region", voie)]["shares"][key] for voie in VOIES for key in ("emploi", "formation", "autres")]
    assert rates == expected
    for voie in VOIES:
        cohort = page[("region", voie)]["counts"]["nb_annee_term"]
        assert f"{cohort:,}".replace(",", "\u202f") + " jeunes en dernière année" in desc
    assert "jeunes sortis en 2022 et 2023 (deux années de sortie additionnées)" in desc
    assert ATTRIBUTION in " ".join(texts)
    # Nothing to load: no image, no link, no external font, no style element.
    assert not list(root.iter(f"{SVG}image")) and not list(root.iter(f"{SVG}style"))
    assert b"href" not in response.content and b"url(" not in response.content


def test_badge_headers(client, bac_pro):
    response = client.get(f"/formations/{bac_pro.cfd}/badge.svg")

    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors *"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=3600, stale-while-revalidate=86400"


@pytest.mark.parametrize("query", [{"theme": "rose"}, {"direction": "diagonal"}, {"region": "99"}, {"voie": "x"}])
def test_badge_bad_options_are_a_400_svg(client, bac_pro, query):
    response = client.get(f"/formations/{bac_pro.cfd}/badge.svg", query)

    assert response.status_code == 400
    root = _svg(response)
    assert "Demande incorrecte" in root.find(f"{SVG}title").text


def test_a_hidden_figure_is_its_cause_in_words_in_the_embed_and_the_badge(client):
    cfd, cohort = smallest_apprentissage_cohort()
    make_formation(cfd, "CAP Petite promotion", diploma_type="CAP")
    title, text = MESSAGES[MissingCause.SMALL_COHORT]

    embed = parse(client.get(f"/formations/{cfd}/integrer/", {"voie": "apprentissage"}).content)
    badge = _svg(client.get(f"/formations/{cfd}/badge.svg", {"voie": "apprentissage"}))

    assert embed.find(class_="fig-missing").attrs["data-missing"] == "small_cohort"
    assert title in embed.text
    assert title in _texts(badge)
    assert text in badge.find(f"{SVG}desc").text


def test_a_share_of_zero_is_written_0_percent_never_dropped(client, monkeypatch):
    formation = make_formation("4003100X", "Bac pro Essai", mefstat11="23830031000")
    fetched = datetime.datetime(2026, 6, 2, tzinfo=datetime.UTC)

    def answer(question):
        body = {
            "millesime": "2023",
            "code_certification": question.certs[0].code,
            "filiere": "pro" if question.certs[0].kind.value == "MEFSTAT11" else "apprentissage",
            "nb_annee_term": 40,
            "nb_poursuite_etudes": 40,
            "nb_sortant": 0,
            "nb_en_emploi_6_mois": 0,
            "taux_en_emploi_6_mois": 0,
            "taux_en_formation": 100,
            "taux_autres_6_mois": 0,
        }
        if question.kind is QuestionKind.REGIONAL:
            body |= {"millesime": "2022_2023", "region": {"code": question.region.code, "nom": question.region.nom}}
            return IndicatorResult(question, figures=parse_regional(body), fetched_at=fetched)
        return IndicatorResult(question, figures=parse_certification(body), fetched_at=fetched)

    monkeypatch.setattr(questions, "get_many", lambda asked: [answer(q) for q in asked])

    texts = _texts(_svg(client.get(f"/formations/{formation.cfd}/badge.svg", {"voie": "scolaire"})))
    embed = parse(client.get(f"/formations/{formation.cfd}/integrer/", {"voie": "scolaire"}).content)

    assert [t for t in texts if t.endswith("%")] == ["0\u202f%", "100\u202f%", "0\u202f%"]
    assert panel_figures(embed.find("div", class_="fig-panel"))["shares"] == {
        "emploi": 0,
        "formation": 100,
        "autres": 0,
    }


# --- The exports -------------------------------------------------------------------------------------------------


def _json(client, cfd, query):
    response = client.get(f"/formations/{cfd}/export.json", query)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def _csv(client, cfd, query):
    response = client.get(f"/formations/{cfd}/export.csv", query)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("region", [None, *_regions()])
def test_json_and_csv_hold_the_figures_of_the_page(client, bac_pro, region):
    query = {"region": region} if region else {}
    page = _page_panels(client, bac_pro.cfd, region)

    document = _json(client, bac_pro.cfd, query)
    lines = _csv(client, bac_pro.cfd, query)

    assert document["attribution"] == ATTRIBUTION and document["licence"] == "Licence Ouverte / Etalab 2.0"
    blocks = [b for b in document["chiffres"] if not b["uai"]]
    assert len(blocks) == len(page)
    for block in blocks:
        kind = "france" if block["chiffres_de"] == "France" else "region"
        figures = page[(kind, block["voie"])]
        rates = {i["indicateur"]: i["valeur_pourcent"] for i in block["indicateurs"]}
        if figures["shares"]:
            assert rates["emploi_6_mois"] == figures["shares"]["emploi"]
            assert rates["formation"] == figures["shares"]["formation"]
            assert rates["autres_6_mois"] == figures["shares"]["autres"]
            assert block["promotion"] in figures["source"]
        else:
            assert block["absence"]["cause"] == figures["missing"]
            assert all(i["raison"] for i in block["indicateurs"])
        assert block["effectif_derniere_annee"] == figures["counts"].get("nb_annee_term")
        assert block["source"] in figures["source"]
        # The CSV has the same lines as the JSON's blocks.
        mine = [line for line in lines if line["element"] == str(block["element"])]
        assert [line["valeur_pourcent"] for line in mine] == [
            "" if i["valeur_pourcent"] is None else str(i["valeur_pourcent"]) for i in block["indicateurs"]
        ]
        assert {line["millesime"] for line in mine} == {block["millesime"]}
        assert {line["chiffres_de"] for line in mine} == {block["chiffres_de"]}


def test_page_links_its_exports_and_offers_the_snippets(client, bac_pro):
    tree = parse(client.get(f"/formations/{bac_pro.cfd}/", {"region": "53"}).content)

    alternates = {link.attrs["type"]: link.attrs["href"] for link in tree.find_all("link", rel="alternate")}
    assert alternates == {
        "application/json": f"http://testserver/formations/{bac_pro.cfd}/export.json?region=53",
        "text/csv": f"http://testserver/formations/{bac_pro.cfd}/export.csv?region=53",
    }
    downloads = {a.attrs["data-format"]: a.attrs["href"] for a in tree.find(class_="fig-downloads").find_all("a")}
    assert downloads == {"json": alternates["application/json"], "csv": alternates["text/csv"]}
    for href in alternates.values():
        assert client.get(href).status_code == 200
    block = tree.find("section", class_="fig-reuse")
    frame, image = (node.text for node in block.find_all("textarea"))
    embed = f"http://testserver/formations/{bac_pro.cfd}/integrer/?region=53"
    assert f'<iframe src="{embed}"' in frame and 'title="' in frame
    assert f'<img src="http://testserver/formations/{bac_pro.cfd}/badge.svg?region=53" alt="' in image
    assert all(area.attrs.get("readonly") is not None for area in block.find_all("textarea"))
    assert block.find("img", class_="fig-reuse__preview").attrs["src"].endswith("/badge.svg?region=53")
    assert ATTRIBUTION in block.text
    assert client.get(embed).status_code == 200


def test_export_bad_options_and_unknown_codes(client, bac_pro):
    assert client.get(f"/formations/{bac_pro.cfd}/export.json", {"region": "99"}).status_code == 400
    assert client.get(f"/formations/{bac_pro.cfd}/export.csv", {"page": "abc"}).status_code == 400
    assert client.get("/formations/99999999/export.json").status_code == 404
    assert client.get(f"/formations/{bac_pro.cfd}/export.xml").status_code in (301, 404)
