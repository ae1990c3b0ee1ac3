"""One assembly call per formation page (`formations.assembly.formation_page`): the page, its JSON export and its
embed give the same figures for the same request (the same rate, the same promotion, the same fallback), on the
real rows of the sample through the offline replica."""

import pytest

from guidance.catalog.models import Formation
from guidance.inserjeunes.codes import region_from_code
from guidance.web.figures.models import ScopeKind
from guidance.web.formations.assembly import formation_page
from tests.web.html import panel_figures, parse

pytestmark = pytest.mark.django_db
CUISINE = "40022106"  # Bac pro Cuisine: both voies, figures in most regions
MILLAU = "12145"  # a commune of Occitanie (76)


def _page_panels(tree) -> dict[tuple[str, str], dict]:
    """{(scope kind, voie label): figures} of the page's devenir."""
    return {
        (scope, panel.attrs["data-voie"]): panel_figures(panel)
        for scope in ("france", "region")
        if (block := tree.find("div", class_="fig-scope", data_scope=scope)) is not None
        for panel in block.find_all("div", class_="fig-panel")
    }


def _embed(client, query: dict) -> dict[str, tuple[str, dict, bool]]:
    """{voie label: (place shown, its figures, labelled as a fallback)} of the compact embed."""
    tree = parse(client.get(f"/formations/{CUISINE}/integrer/", query).content)
    found = {}
    for entry in tree.find_all("section", class_="fig-embed__entry"):
        panel = entry.find("div", class_="fig-panel")
        found[entry.attrs["data-voie"]] = (
            panel.find("h3").text.strip(),
            panel_figures(panel),
            entry.find(class_="fig-fallback-note") is not None,
        )
    return found


def _json_blocks(client, query: dict) -> dict[tuple[str, str, str], dict]:
    response = client.get(f"/formations/{CUISINE}/export.json", query)
    assert response.status_code == 200
    return {(b["uai"], b["chiffres_de"], b["voie"]): b for b in response.json()["chiffres"]}


def _rate(block: dict, key: str = "emploi_6_mois") -> int | None:
    return next(i["valeur_pourcent"] for i in block["indicateurs"] if i["indicateur"] == key)


# Regions of the sample where both voies have a figure (76, 84) and where the apprentissage has none (03, 06: the
# region's panel is empty and France is shown, labelled as the fallback).
@pytest.mark.parametrize("region", [None, "76", "84", "03", "06"])
def test_page_json_export_and_embed_give_the_same_figures(client, imported, region):
    query = {"region": region} if region else {}
    formation = Formation.objects.prefetch_related("mefs").get(cfd=CUISINE)
    assembled = formation_page(formation, region=region_from_code(region) if region else None, millesime=None)
    page = _page_panels(parse(client.get(f"/formations/{CUISINE}/", query).content))
    blocks = _json_blocks(client, query)
    embed = _embed(client, query)

    entries = assembled.entries()
    assert entries and len(embed) == len(entries)
    for entry in entries:
        chain, shown = entry.chain, entry.chain.shown
        kind = "region" if shown.scope_kind is ScopeKind.REGION else "france"
        on_page = page[(kind, shown.voie)]
        block = blocks[("", shown.scope, shown.voie)]
        place, in_embed, fallback = embed[entry.label]
        # The same rate, from the same record.
        assert (
            on_page["shares"].get("emploi") == shown.employment_rate == _rate(block) == in_embed["shares"].get("emploi")
        )
        assert on_page["shares"] == in_embed["shares"]
        # The same promotion and the same leavers.
        assert block["millesime"] == shown.millesime_label and block["promotion"] in on_page["source"]
        assert in_embed["source"] == on_page["source"]
        # The same fallback: the region asked has no figure (the page and the export say why), France is shown.
        assert place == shown.scope and fallback is chain.is_fallback
        if region:
            asked = blocks[("", chain.asked.scope, chain.asked.voie)]
            assert (_rate(asked) is None) is chain.is_fallback
            assert (page[("region", chain.asked.voie)]["missing"] is not None) is chain.is_fallback
    if region in ("03", "06"):
        assert any(entry.chain.is_fallback for entry in entries)  # the case this region is here for


def test_the_export_follows_the_page_to_the_region_of_the_place_asked(client, imported):
    # With a place and no region, the page opens on the place's region: its export gives that region's figures too,
    # and the schools it lists, each with the page's figure and fallback.
    query = {"commune": MILLAU}
    tree = parse(client.get(f"/formations/{CUISINE}/", query).content)
    page = _page_panels(tree)
    blocks = _json_blocks(client, query)

    regional = {voie: figures for (kind, voie), figures in page.items() if kind == "region"}
    assert regional
    for voie, figures in regional.items():
        block = blocks[("", "Occitanie", voie)]
        assert _rate(block) == figures["shares"].get("emploi")
    rows = tree.find_all("li", class_="fig-offer")
    listed = [(b["uai"], b["a_defaut"]) for b in blocks.values() if b["uai"]]
    assert (
        rows
        and [(li.attrs["data-uai"], li.find(class_="fig-compact").attrs["data-fallback"] == "oui") for li in rows]
        == listed
    )
