"""The formation page: real figures from the offline replica (real open data), HTMX fragments, errors, SEO."""

import json
import re

import pytest
from django.test.html import parse_html

from guidance.catalog.models import Mef, Voie
from guidance.inserjeunes.territories import REGIONS
from guidance.web.forms import FIELD_MESSAGES
from tests.factories import make_formation, make_offer, make_school, real_bac_pro, regional_rows
from tests.web.html import inner_html, parse, split_oob

pytestmark = pytest.mark.django_db


@pytest.fixture
def bac_pro():
    real = real_bac_pro()
    return make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _count(panel, name):
    node = panel.find("dd", data_count=name)
    return None if node is None else int(_digits(node.text))


def _region_panel(tree, voie_label):
    scope = tree.find("div", class_="fig-scope", data_scope="region")
    return scope.find("div", class_="fig-panel", data_voie=voie_label)


# --- Acceptance: the real regional figures of a real bac pro --------------------------------------------------


def test_formation_page_shows_the_open_data_counts_of_each_region(client, bac_pro):
    real = real_bac_pro()
    regions = sorted({region for _, region in real.rows})
    assert len(regions) >= 10  # a bac pro taught in most regions: the test covers many, not one

    for region in regions:
        response = client.get(f"/formations/{real.cfd}/", {"region": region})
        assert response.status_code == 200
        tree = parse(response.content)
        assert f"En {REGIONS[region]}" in tree.find("div", data_scope="region").text
        for voie, label in ((Voie.SCOLAIRE, "Voie scolaire"), (Voie.APPRENTISSAGE, "Apprentissage")):
            row = real.rows.get((voie.value, region))
            panel = _region_panel(tree, label)
            if row is None:  # no figures in the files for this voie here: the page says why, invents nothing
                assert panel.find(class_="fig-missing") is not None and panel.find("dd") is None
                continue
            cohort = int(row["nb_annee_term"])
            assert _count(panel, "nb_annee_term") == cohort, (region, voie)
            if cohort < 20:
                assert panel.find(class_="fig-missing").attrs["data-missing"] == "small_cohort"
                continue
            assert _count(panel, "nb_poursuite_etudes") == int(row["nb_poursuite_etudes"]), (region, voie)
            assert _count(panel, "nb_sortant") == int(row["nb_sortant"]), (region, voie)
            employment = panel.find("li", data_share="emploi").find(class_="fig-legend__count").text
            assert _digits(employment) == row["nb_en_emploi_6_mois"], (region, voie)
            trend = {tr.attrs["data-horizon"]: tr for tr in panel.find_all("tr") if "data-horizon" in tr.attrs}
            employed_12 = trend["12"].find(class_="fig-trend__count").text
            assert _digits(employed_12) == row["nb_en_emploi_12_mois"], (region, voie)
            assert "jeunes sortis en " + real.millesime.replace("_", " et ") in panel.find(class_="fig-source").text


def test_france_figures_are_the_sums_of_the_regions(client, bac_pro):
    real = real_bac_pro()
    tree = parse(client.get(f"/formations/{real.cfd}/").content)

    france = tree.find("div", data_scope="france")
    for voie, label in ((Voie.SCOLAIRE, "Voie scolaire"), (Voie.APPRENTISSAGE, "Apprentissage")):
        expected = sum(int(row["nb_annee_term"]) for (v, _), row in real.rows.items() if v == voie.value)
        panel = france.find("div", class_="fig-panel", data_voie=label)
        assert _count(panel, "nb_annee_term") == expected


def test_millesime_switch_lists_the_promotions_and_the_evolution_table(client, bac_pro):
    real = real_bac_pro()
    tree = parse(client.get(f"/formations/{real.cfd}/").content)

    switch = tree.find("nav", class_="fig-millesimes")
    labels = [a.text for a in switch.find_all("a")]
    assert labels == sorted(labels, reverse=True) and len(labels) >= 2
    assert switch.find("a", aria_current="true").text == labels[0]
    rows = tree.find("div", class_="fig-evolution").find("tbody").find_all("tr")
    assert [row.find("th").text for row in rows] == labels


def test_an_older_promotion_shows_its_own_figures(client, bac_pro):
    real = real_bac_pro()
    latest = parse(client.get(f"/formations/{real.cfd}/").content)
    older = latest.find("nav", class_="fig-millesimes").find_all("a")[1]

    response = client.get(f"/formations/{real.cfd}/{older.attrs['href']}")

    tree = parse(response.content)
    assert tree.find("nav", class_="fig-millesimes").find("a", aria_current="true").text == older.text
    france = tree.find("div", data_scope="france").find("p", class_="fig-source").text
    assert f"Chiffres des jeunes sortis en {older.text}" in france


def test_a_second_cursus_without_figures_is_named_but_not_shown_as_a_column(client, bac_pro):
    Mef.objects.create(mefstat11="23830099999", formation=bac_pro, year=1, duration_years=1, is_final_year=True)

    tree = parse(client.get(f"/formations/{bac_pro.cfd}/").content)

    france = tree.find("div", data_scope="france")
    assert [p.attrs["data-voie"] for p in france.find_all("div", class_="fig-panel")] == [
        "Voie scolaire",
        "Apprentissage",
    ]
    hidden = tree.find(class_="fig-hidden-codes")
    # Named in words, its raw MEFSTAT11 kept out of the text (issue 23) but in the markup for reuse.
    assert "un autre cursus" in hidden.text and "23830099999" not in hidden.text
    assert hidden.attrs["data-codes"] == "23830099999"
    assert "23830099999" not in tree.find(class_="fig-evolution").text


# --- HTMX ------------------------------------------------------------------------------------------------------


def test_region_fragment_equals_the_figures_region_of_the_full_page(client, bac_pro):
    url = f"/formations/{bac_pro.cfd}/?region=53"
    full = client.get(url)

    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "devenir"})

    assert fragment.status_code == 200
    assert "HX-Request" in fragment["Vary"]
    devenir, oob = split_oob(fragment.content)
    assert parse_html(devenir) == parse_html(inner_html(full.content, "devenir"))
    assert parse_html(oob["ecoles"]) == parse_html(inner_html(full.content, "ecoles"))
    # The answer block, first on the page, follows the region too (issue 23).
    assert parse_html(oob["reponse"]) == parse_html(inner_html(full.content, "reponse"))
    assert f"L’essentiel en {REGIONS['53']}" in oob["reponse"]
    assert oob["devenir-annonce"] == (
        f"Chiffres affichés pour la France et la région {REGIONS['53']} : jeunes sortis en 2022 et 2023."
    )
    assert inner_html(full.content, "devenir-annonce") == ""  # the live region exists before it is filled
    assert b"<html" not in fragment.content


def test_schools_fragment_equals_the_schools_region_of_the_full_page(client, bac_pro):
    school = make_school("0750001A", "Lycée des Tests")
    make_offer(school, bac_pro, mefstat11=bac_pro.mefs.get().mefstat11)
    url = f"/formations/{bac_pro.cfd}/?departement=075"
    full = client.get(url)

    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "ecoles"})

    ecoles, oob = split_oob(fragment.content)
    assert parse_html(ecoles) == parse_html(inner_html(full.content, "ecoles"))
    assert oob == {"ecoles-annonce": "1 établissement trouvé."}


def test_history_restore_gets_the_full_page(client, bac_pro):
    response = client.get(
        f"/formations/{bac_pro.cfd}/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert b"<html" in response.content


def test_region_form_is_a_plain_get_form_enhanced_by_htmx(client, bac_pro):
    tree = parse(client.get(f"/formations/{bac_pro.cfd}/?millesime=2022").content)

    form = tree.find("select", id="id_region")
    region_form = next(f for f in tree.find_all("form") if f.find("select", id="id_region"))
    assert form is not None
    assert region_form.attrs["method"] == "get" and region_form.attrs["action"] == f"/formations/{bac_pro.cfd}/"
    assert region_form.attrs["hx-target"] == "#devenir" and region_form.attrs["hx-push-url"] == "true"
    assert region_form.find("input", name="millesime").attrs["value"] == "2022"
    assert region_form.find("button", type="submit") is not None


# --- Schools offering it ---------------------------------------------------------------------------------------


def test_schools_list_labels_the_regional_fallback_and_links_to_the_school_page(client, bac_pro):
    real = real_bac_pro()
    school = make_school("0750001A", "Lycée des Tests")
    make_offer(school, bac_pro, mefstat11=real.mefstat11)
    other = make_school("0690001B", "Lycée de Lyon", departement_code="069", town="Lyon")
    make_offer(other, bac_pro, Voie.APPRENTISSAGE)

    tree = parse(client.get(f"/formations/{real.cfd}/", {"region": "11"}).content)

    schools = tree.find(id="ecoles")
    items = schools.find_all("li", class_="fig-offer")
    assert len(items) == 1  # the region filters the list
    item = items[0]
    assert item.find("a").attrs["href"] == f"/etablissements/0750001A/formations/{real.cfd}/"
    compact = item.find(class_="fig-compact")
    assert compact.attrs["data-fallback"] == "oui"
    assert (
        compact.find(class_="fig-compact__missing").attrs["data-missing"] == "school_offline"
    )  # offline: the open data hold no per-school figures
    assert "À défaut : la même formation dans la région Île-de-France" in compact.text
    row = real.rows[("scolaire", "11")]
    assert f"{int(row['nb_annee_term']):,}".replace(",", " ") in compact.text


def test_schools_are_filtered_by_departement_and_paginated(client, bac_pro):
    for index in range(25):
        school = make_school(f"07500{index:02d}A", f"Lycée numéro {index:02d}")
        make_offer(school, bac_pro, Voie.APPRENTISSAGE)
    elsewhere = make_school("0920001A", "Lycée des Hauts-de-Seine", departement_code="092")
    make_offer(elsewhere, bac_pro, Voie.APPRENTISSAGE)

    first = parse(client.get(f"/formations/{bac_pro.cfd}/", {"departement": "075"}).content)
    second = parse(client.get(f"/formations/{bac_pro.cfd}/", {"departement": "075", "page": "2"}).content)

    names = [li.find("a").text for li in first.find(id="ecoles").find_all("li", class_="fig-offer")]
    names += [li.find("a").text for li in second.find(id="ecoles").find_all("li", class_="fig-offer")]
    assert names == [f"Lycée numéro {i:02d}" for i in range(25)]
    assert "25 établissements" in first.find(id="ecoles").find("p", class_="fig-offers__count").text
    # "Voir plus" (issue 22): a plain link to the next page, which HTMX swaps into the list.
    more = first.find(id="ecoles").find("nav", class_="schools-more")
    next_link = more.find("a")
    assert next_link.text == "Voir plus d’établissements"
    assert next_link.attrs["href"] == "?departement=075&page=2#ecoles-titre"
    assert next_link.attrs["hx-get"] == "?departement=075&page=2"
    assert more.attrs["hx-target"] == "#ecoles"
    assert "Établissements 1 à 20 sur 25" in more.text
    far = parse(client.get(f"/formations/{bac_pro.cfd}/", {"departement": "075", "page": "99999"}).content)
    assert [li.find("a").text for li in far.find(id="ecoles").find_all("li", class_="fig-offer")] == names[20:]


def test_page_renders_in_few_queries_and_asks_nothing_upstream_once_cached(
    client, bac_pro, django_assert_max_num_queries, upstream_calls
):
    for index in range(20):
        school = make_school(f"07500{index:02d}A", f"Lycée {index:02d}")
        make_offer(school, bac_pro, Voie.APPRENTISSAGE)
    url = f"/formations/{bac_pro.cfd}/?region=11"
    client.get(url)
    first_calls = len(upstream_calls)
    assert first_calls == len(set(upstream_calls))  # each distinct question asked once

    upstream_calls.clear()
    with django_assert_max_num_queries(15):
        response = client.get(url)

    assert response.status_code == 200
    assert upstream_calls == []


# --- Errors and addresses --------------------------------------------------------------------------------------


@pytest.mark.parametrize("cfd", ["abc", "4003000", "400300011", "40030-01"])
def test_malformed_cfd_is_the_404_page_with_a_search(client, cfd):
    response = client.get(f"/formations/{cfd}/")

    assert response.status_code == 404
    assert b'name="q"' in response.content


def test_unknown_cfd_is_the_404_page(client):
    response = client.get("/formations/99999999/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_lower_case_cfd_redirects_to_the_canonical_address(client):
    make_formation("4003000X", "Bac pro Test")

    response = client.get("/formations/4003000x/?region=11")

    assert response.status_code == 301
    assert response["Location"] == "/formations/4003000X/?region=11"


def test_any_suffix_redirects_to_the_canonical_address(client):
    make_formation("4003000X", "Bac pro Test")

    assert client.get("/formations/4003000X/bac-pro-test/").headers["Location"] == "/formations/4003000X/"
    assert client.get("/formations/4003000x/old/slug").headers["Location"] == "/formations/4003000X/"
    assert client.get("/formations/99999999/slug/").status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"region": "99"}, "region"),
        ({"millesime": "20x3"}, "millesime"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"departement": "999"}, "departement"),
        ({"region": "11", "departement": "069"}, "departement"),
    ],
)
def test_crafted_query_strings_get_a_clear_400(client, query, parameter):
    make_formation("4003000X", "Bac pro Test")

    response = client.get("/formations/4003000X/", query)

    assert response.status_code == 400
    assert FIELD_MESSAGES[parameter].format(max_length=200) in response.content.decode()


# --- Identity and SEO ------------------------------------------------------------------------------------------


def test_identity_says_level_duration_field_closed_and_renewed_diploma(client):
    newer = make_formation("40030002", "Bac pro Nouveau")
    make_formation(
        "4003000X",
        "Bac pro Ancien",
        closed_on="2022-08-31",
        new_cfds=["40030002"],
        field_label="Secrétariat, bureautique",
    )

    tree = parse(client.get("/formations/4003000X/").content)

    identity = tree.find("dl", class_="fig-identity").text
    assert "Niveau 4" in identity and "3 ans" in identity and "Secrétariat, bureautique" in identity
    assert "n’est plus délivré depuis le 31 août 2022" in tree.text
    link = next(a for a in tree.find_all("a") if a.text == newer.label)
    assert link.attrs["href"] == "/formations/40030002/"


def test_two_versions_of_a_renewed_diploma_that_share_a_label_say_what_tells_them_apart(client):
    make_formation(
        "50022135",
        "CAP Cuisine",
        diploma_type="CAP",
        opened_on="2004-09-01",
        closed_on="2024-08-31",
        new_cfds=["50022136"],
    )
    make_formation("50022136", "CAP Cuisine", diploma_type="CAP", opened_on="2023-09-01", former_cfds=["50022135"])

    old = parse(client.get("/formations/50022135/").content).find("li", data_cfd="50022136")
    new = parse(client.get("/formations/50022136/").content).find("li", data_cfd="50022135")

    assert old.find("a").text == "CAP Cuisine" and old.find("a").attrs["href"] == "/formations/50022136/"
    assert "ouvert en 2023" in old.text and "code 50022136" in old.text
    assert "fermé en 2024" in new.text and "ouvert en 2004" in new.text and "code 50022135" in new.text


def test_seo_title_description_canonical_opengraph_and_json_ld(client, bac_pro):
    response = client.get(f"/formations/{bac_pro.cfd}/?region=11")
    tree = parse(response.content)

    assert tree.find("title").text.startswith(bac_pro.label)
    description = tree.find("meta", name="description").attrs["content"]
    assert bac_pro.label in description and "en emploi" in description
    assert tree.find("link", rel="canonical").attrs["href"] == f"http://testserver/formations/{bac_pro.cfd}/"
    assert tree.find("meta", property="og:title").attrs["content"] == bac_pro.label
    data = json.loads(tree.find("script", type="application/ld+json").text)
    assert data["@type"] == "EducationalOccupationalProgram"
    assert data["identifier"] == bac_pro.cfd and data["timeToComplete"] == "P3Y"
    assert 'style="' not in response.content.decode()


def test_seconde_commune_shows_each_speciality_with_its_real_figures_and_catalogue_name(client):
    seconde = make_formation("40022107", "Bac pro Métiers de l'alimentation 2nde commune", is_seconde_commune=True)
    Mef.objects.create(mefstat11="23810022107", formation=seconde, year=1, duration_years=3, is_final_year=False)
    boulanger = make_formation("40022105", "Bac pro Boulanger-pâtissier", mefstat11="23830022105")
    rows = [r for r in regional_rows() if r["voie"] == "scolaire" and r["mefstat11"] == "23830022105"]
    latest = max(r["millesime"] for r in rows)

    tree = parse(client.get(f"/formations/{seconde.cfd}/").content)

    scolaire = tree.find("div", data_scope="france").find("div", class_="fig-panel", data_voie="Voie scolaire")
    blocks = scolaire.find(class_="fig-terminales").find_all("div", class_="fig-panel")
    assert len(blocks) >= 2
    named = next(b for b in blocks if b.find("h5").text == boulanger.label)
    assert named.find("a").attrs["href"] == f"/formations/{boulanger.cfd}/"
    assert _count(named, "nb_annee_term") == sum(int(r["nb_annee_term"]) for r in rows if r["millesime"] == latest)
    assert "seconde est commune" in tree.text
