"""One assembly call per school page (`schools.assembly`): the school × formation page, its JSON export and its
embed give the same figures for the same request (the same rate, the same promotion, the same fallback), and the
school page's rows are its export's, on the real rows of the sample through the offline replica (which has no
school's own figures: every school falls back to its region, then France, labelled as such)."""

import re

import pytest

from guidance.catalog.models import Formation, School
from guidance.web.schools.assembly import school_formation_page, school_page
from tests.web.html import panel_figures, parse

pytestmark = pytest.mark.django_db
UAI, CUISINE = "0120014A", "40022106"  # a lycée of Millau (Occitanie) teaching the Bac pro Cuisine


def _rate(block: dict, key: str = "emploi_6_mois") -> int | None:
    return next(i["valeur_pourcent"] for i in block["indicateurs"] if i["indicateur"] == key)


@pytest.mark.parametrize("voie", ["", "scolaire", "apprentissage"])
def test_school_formation_page_json_export_and_embed_give_the_same_figures(client, imported, voie):
    query = {"voie": voie} if voie else {}
    base = f"/etablissements/{UAI}/formations/{CUISINE}/"
    school, formation = School.objects.get(uai=UAI), Formation.objects.get(cfd=CUISINE)
    assembled = school_formation_page(school, formation, voie)
    if assembled is None:  # this school does not teach it in this voie: every address says so
        assert client.get(base, query).status_code == 404
        assert client.get(base + "export.json", query).status_code == 404
        assert client.get(base + "integrer/", query).status_code == 404
        return
    tree = parse(client.get(base, query).content)
    blocks = {(b["chiffres_de"], b["voie"]): b for b in client.get(base + "export.json", query).json()["chiffres"]}
    embed = parse(client.get(base + "integrer/", query).content)

    entries = assembled.entries()
    assert entries and len(entries) == len(assembled.voies)
    for block, entry in zip(assembled.voies, entries, strict=True):
        chain, shown = entry.chain, entry.chain.shown
        section = tree.find("section", class_="school-formation", data_voie=block.voie)
        on_page = panel_figures(section.find("div", class_="fig-panel", data_scope=str(shown.scope_kind)))
        in_embed = embed.find("section", class_="fig-embed__entry", data_voie=entry.label)
        embed_panel = in_embed.find("div", class_="fig-panel")
        exported = blocks[(shown.scope, shown.voie)]
        # The same rate, from the same record, at the same place.
        assert on_page["shares"].get("emploi") == shown.employment_rate == _rate(exported)
        assert panel_figures(embed_panel)["shares"] == on_page["shares"]
        assert embed_panel.find("h3").text.strip() == shown.scope
        # The same promotion.
        assert exported["millesime"] == shown.millesime_label and exported["promotion"] in on_page["source"]
        assert panel_figures(embed_panel)["source"] == on_page["source"]
        # The same fallback: the school asked has no figure of its own offline; the page's answer, the embed and the
        # export say so alike.
        answer = tree.find("div", class_="fig-answer__voie", data_voie=block.voie_label)
        assert (answer.find(class_="fig-fallback-note") is not None) is chain.is_fallback
        assert (in_embed.find(class_="fig-fallback-note") is not None) is chain.is_fallback
        assert (_rate(blocks[(chain.asked.scope, chain.asked.voie)]) is None) is chain.is_fallback
    assert any(entry.chain.is_fallback for entry in entries)  # offline, the school's own figures are missing


@pytest.mark.parametrize("voie", ["", "scolaire"])
def test_school_page_rows_are_its_export_blocks(client, imported, voie):
    query = {"voie": voie} if voie else {}
    school = School.objects.get(uai=UAI)
    assembled = school_page(school, voie)
    tree = parse(client.get(f"/etablissements/{UAI}/", query).content)
    exported = client.get(f"/etablissements/{UAI}/export.json", query).json()["chiffres"]

    trainings = [b for b in exported if b["cfd"]]
    rows = tree.find("div", class_="school-offers").find("tbody").find_all("tr")
    assert assembled.rows and len(rows) == len(assembled.rows) == len(trainings)
    for tr, row, block in zip(rows, assembled.rows, trainings, strict=True):
        assert block["cfd"] == row.formation.cfd and block["a_defaut"] is row.chain.is_fallback
        assert (tr.attrs.get("data-fallback") == "true") is row.chain.is_fallback
        assert tr.attrs["data-scope"] == str(row.panel.scope_kind)
        assert block["chiffres_de"] == row.panel.scope and block["millesime"] == row.panel.millesime_label
        assert _rate(block) == row.employment_rate
        if row.employment_rate is not None:
            assert f"{row.employment_rate}" in re.sub(r"\s", "", tr.find_all("td")[1].text)
    assert len([b for b in exported if not b["cfd"]]) == len(assembled.indicators)
