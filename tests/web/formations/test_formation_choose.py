"""The formation page's help to choose: jobs (Certif Info, ROME, Onisep), where its regional rate stands, better
placed formations of the same field and level. Real rows of the sample, the offline replica for the figures."""

import re
from fractions import Fraction

import pytest

from guidance.catalog.models import Formation
from guidance.indicators import peers
from guidance.orientation.jobs import ONISEP_CREDIT, jobs_for_formation, onisep_formation
from guidance.search.diplomas import enters_after_3e
from tests.factories import regional_rows
from tests.support import HTMX
from tests.web.html import parse, split_oob

pytestmark = pytest.mark.django_db
CUISINE, MEF_CUISINE = "40022106", "23830022106"  # Bac pro cuisine (voie scolaire final year)
COMMERCE_INTERNATIONAL = "32031215"  # BTS Commerce international


def test_jobs_block_lists_the_certif_info_jobs_with_their_links_and_sources(client, imported):
    tree = parse(client.get(f"/formations/{CUISINE}/").content)
    block = tree.find("section", id="metiers")
    jobs = jobs_for_formation(Formation.objects.get(cfd=CUISINE))
    assert jobs
    items = block.find_all("li")
    assert [li.attrs["data-rome"] for li in block.find_all("li") if "data-rome" in li.attrs] == [
        job.rome_code for job in jobs
    ]
    hrefs = {a.attrs["href"] for a in block.find_all("a")}
    for job in jobs:
        if not job.is_domain:
            assert job.france_travail_url in hrefs
        assert {link.url for link in job.onisep} <= hrefs
    onisep = onisep_formation(Formation.objects.get(cfd=CUISINE))
    assert onisep is not None and block.find("a", id="onisep-formation").attrs["href"] == onisep.url
    assert "Certif Info" in block.text and "ROME 4.60" in block.text
    assert ONISEP_CREDIT in block.text and "ODbL" in block.text
    assert items


def test_a_diploma_without_certif_info_row_says_its_jobs_are_not_known(client, imported):
    tree = parse(client.get("/formations/45031206/").content)  # BP Fleuriste: no Certif Info row in the sample
    block = tree.find("section", id="metiers")
    assert block.find(data_missing="jobs") is not None
    assert block.find("ul", class_="choose-jobs") is None


def test_without_a_region_the_page_invites_to_choose_one(client, imported):
    tree = parse(client.get(f"/formations/{CUISINE}/").content)
    situer = tree.find(id="situer")
    assert situer.find(class_="choose-invite") is not None and situer.find("h3") is None


def _by_hand(code: str, voie: str, region: str, millesime: str, kind_codes: set[str]) -> tuple[int, list[int]]:
    """The rate of `code` and of the other codes in `kind_codes`, recomputed from ij_region_data.csv (≥ 20)."""
    rates = {}
    for row in regional_rows():
        if (row["millesime"], row["code_region"], row["voie"]) != (millesime, region, voie):
            continue
        key = row["mefstat11"] if voie == "scolaire" else row["cfd"]
        total, employed = row["nb_annee_term"], row["nb_en_emploi_6_mois"]
        if key in kind_codes and total and employed and int(total) >= 20:
            rates[key] = round(Fraction(100 * int(employed), int(total)))
    return rates.pop(code), list(rates.values())


def test_position_next_to_the_regional_figure_is_recomputed_by_hand(client, imported):
    response = client.get(f"/formations/{CUISINE}/", {"region": "76"})
    tree = parse(response.content)
    voie = tree.find(id="situer").find("div", data_voie="scolaire")
    reading = peers.position_for(MEF_CUISINE, "76", "scolaire", "2022_2023")
    bac_pro = {f.code for f in peers.regional_peers("76", "2022_2023") if f.diploma_type == "BAC PRO"}
    value, others = _by_hand(MEF_CUISINE, "scolaire", "76", "2022_2023", bac_pro)
    assert reading.position == peers.position(value, others)
    lines = voie.find_all("li", data_position="oui")
    assert len(lines) == 2
    assert reading.sentence in lines[0].text
    assert f"({value} % ici)" in lines[0].text
    assert "millésime 2022_2023 (jeunes sortis en 2022 et 2023)" in lines[0].text
    # The same millésime as the regional panel shown beside it.
    region_panel = tree.find("div", data_scope="region").find("div", class_="fig-panel", data_voie="Voie scolaire")
    assert "jeunes sortis en 2022 et 2023" in region_panel.find(class_="fig-source").text


def test_under_min_peers_no_position_and_the_page_says_why(client, imported, monkeypatch):
    monkeypatch.setattr(peers, "MIN_PEERS", 1000)
    tree = parse(client.get(f"/formations/{CUISINE}/", {"region": "76"}).content)
    voie = tree.find(id="situer").find("div", data_voie="scolaire")
    assert voie.find("li", data_position="oui") is None
    reasons = voie.find_all("li", data_position="non")
    assert len(reasons) == 2 and all("il en faut au moins 1000" in li.text for li in reasons)
    assert "Parmi les" not in voie.text


def test_better_placed_formations_of_the_same_field_and_level(client, imported):
    tree = parse(client.get(f"/formations/{COMMERCE_INTERNATIONAL}/", {"region": "76"}).content)
    voie = tree.find(id="situer").find("div", data_voie="scolaire")
    items = voie.find("ul", class_="choose-alternatives").find_all("li")
    formation = Formation.objects.get(cfd=COMMERCE_INTERNATIONAL)
    expected = peers.alternatives(formation, "76", "scolaire", "2022_2023")
    assert 1 <= len(items) <= 5
    assert [li.attrs["data-cfd"] for li in items] == [r.formation.cfd for r in expected.items]
    for li, ranked in zip(items, expected.items, strict=True):
        assert li.find("a").attrs["href"] == f"/formations/{ranked.formation.cfd}/?region=76"
        rate, cohort = re.search(r": (\d+)\W+% en emploi.*\(([\d\s]+) jeunes", li.text).groups()
        assert int(rate) == ranked.figure.taux_en_emploi_6_mois
        assert int(re.sub(r"\D", "", cohort)) == ranked.figure.nb_annee_term
        assert ranked.figure.taux_en_emploi_6_mois > expected.reference.taux_en_emploi_6_mois
        other = Formation.objects.get(cfd=ranked.formation.cfd)
        assert (other.field_code, other.level) == (formation.field_code, formation.level)
    assert any("millésime 2022_2023" in p.text and "20 jeunes au moins" in p.text for p in voie.find_all("p"))


def test_no_alternative_says_why(client, imported):
    tree = parse(client.get(f"/formations/{CUISINE}/", {"region": "76"}).content)
    voie = tree.find(id="situer").find("div", data_voie="scolaire")
    assert voie.find(data_missing="alternatives").text.startswith("Aucune formation du même domaine")


def test_the_region_fragment_brings_the_position_along(client, imported):
    response = client.get(f"/formations/{CUISINE}/", {"region": "76"}, **HTMX)
    main, _oob = split_oob(response.content)
    fragment = parse(main)
    assert fragment.find(id="situer").find("h3").text == "Où se situe ce taux en Occitanie ?"
    assert fragment.find("section", id="metiers") is None  # the jobs do not follow the region


def test_a_cap_gets_five_better_placed_formations_a_pupil_can_enter_after_3e(client, imported):
    # CAP Pâtissier in Occitanie, voie scolaire: two MCs (entered after a CAP) are among its 5 best placed peers;
    # they are left out before the 5 are kept, so the page still lists 5, all entered after the 3e.
    formation = Formation.objects.get(cfd="50022141")
    tree = parse(client.get(f"/formations/{formation.cfd}/", {"region": "76"}).content)
    items = tree.find(id="situer").find("div", data_voie="scolaire").find("ul", class_="choose-alternatives")
    cfds = [li.attrs["data-cfd"] for li in items.find_all("li")]
    assert len(cfds) == peers.MAX_ALTERNATIVES
    assert all(enters_after_3e(Formation.objects.get(cfd=cfd).diploma_code) for cfd in cfds)
    every = peers.alternatives(formation, "76", "scolaire", "2022_2023")
    assert [r.formation.cfd for r in every.items] != cfds  # without the rule, MCs would take two of the places
