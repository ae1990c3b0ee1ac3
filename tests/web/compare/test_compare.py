"""The compare page: a shortlist carried by the address, side by side figures (from the real open data through the
in-process replica), the school → region → France fallback, the share link, the CSV export and the add/remove links
of the formation and school × formation pages."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from guidance.catalog.models import Voie
from guidance.inserjeunes.territories import DEPARTEMENTS, REGIONS
from guidance.web.compare import columns as compare
from guidance.web.figures import questions
from guidance.web.figures.wording import MESSAGES, MissingCause
from guidance.web.shortlist import MAX_ITEMS
from tests.factories import (
    make_formation,
    make_offer,
    make_school,
    real_bac_pro,
    smallest_apprentissage_cohort,
)
from tests.web.html import parse

pytestmark = pytest.mark.django_db

RATE_ROWS = [key for key, _ in compare.ROWS]


@pytest.fixture(autouse=True)
def _no_upstream_url(settings):
    # The real in-process replica built from the open-data files: no HTTP, no invented figure.
    assert not getattr(settings, "INSERJEUNES_API_URL", "")


def _departement_of(region: str) -> str:
    return min(code for code, (_, _, reg) in DEPARTEMENTS.items() if reg == region)


@pytest.fixture
def shortlist():
    """The real bac pro (both voies), a Paris lycée that teaches it (the open data has no per-school figures) and a
    school in a region where the open data has none for it either (France is then the fallback)."""
    real = real_bac_pro()
    formation = make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    paris = make_school("0750001A", "Lycée des Tests", departement_code="075", town="Paris")
    make_offer(paris, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    empty_region = min(code for code in REGIONS if ("scolaire", code) not in real.rows)
    departement = _departement_of(empty_region)
    far = make_school("9760001A", "Lycée Lointain", departement_code=departement, town=DEPARTEMENTS[departement][0])
    make_offer(far, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    return real, formation, paris, far, empty_region


def _url(*items, region=""):
    query = "&".join([f"item={item}" for item in items] + ([f"region={region}"] if region else []))
    return f"/comparer/?{query}"


def _digits(text: str) -> int | None:
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else None


def _table(content) -> dict:
    """{row key: [cell text per column]} and the column items, read from the page's table."""
    tree = parse(content)
    table = tree.find(id="tableau-comparaison")
    items = [th.attrs["data-item"] for th in table.find_all("th", scope="col") if "data-item" in th.attrs]
    rows = {tr.attrs["data-row"]: [td.text for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.attrs}
    return {"items": items, "rows": rows}


def _rate(row: dict[str, str], count_key: str) -> int:
    """The API's rate: the share of the whole final-year cohort, from the open-data counts."""
    return round(100 * int(row[count_key]) / int(row["nb_annee_term"]))


def _national(real, voie: str, key: str) -> int:
    return sum(int(row[key]) for (v, _), row in real.rows.items() if v == voie and row[key])


# --- The page, from the real open data -------------------------------------------------------------------------


def test_side_by_side_figures_come_from_the_open_data(client, shortlist):
    real, formation, paris, _, _ = shortlist
    occitanie = real.rows[("scolaire", "76")]

    response = client.get(_url(f"f:{formation.cfd}:scolaire", f"e:{paris.uai}:{formation.cfd}:scolaire", region="76"))

    assert response.status_code == 200
    table = _table(response.content)
    assert table["items"] == [f"f:{formation.cfd}:scolaire", f"e:{paris.uai}:{formation.cfd}:scolaire"]
    rows = table["rows"]
    # The formation in the chosen region: its counts and rates are those of the open-data row.
    assert rows["chiffres_de"][0] == REGIONS["76"]
    assert _digits(rows["effectif"][0]) == int(occitanie["nb_annee_term"])
    assert rows["emploi_6_mois"][0].startswith(f"{_rate(occitanie, 'nb_en_emploi_6_mois')} %")
    assert f"{int(occitanie['nb_en_emploi_6_mois']):,} jeunes".replace(",", "\u202f") in rows["emploi_6_mois"][0]
    assert rows["emploi_12_mois"][0].startswith(f"{_rate(occitanie, 'nb_en_emploi_12_mois')} %")
    assert rows["formation"][0].startswith(f"{_rate(occitanie, 'nb_poursuite_etudes')} %")
    assert rows["emploi_24_mois"][0] == "Pas encore mesuré"  # the open data has no 24-month figure yet
    # Which leavers the figures count: a period is two years of leaving added together.
    assert rows["millesime"] == [real.millesime.replace("_", " et ")] * 2
    assert "InserJeunes" in rows["source"][0]
    # The Paris lycée has no figures of its own: the Île-de-France ones, labelled as such.
    ile_de_france = real.rows[("scolaire", "11")]
    assert _digits(rows["effectif"][1]) == int(ile_de_france["nb_annee_term"])
    assert rows["emploi_6_mois"][1].startswith(f"{_rate(ile_de_france, 'nb_en_emploi_6_mois')} %")
    # The same shares drawn as the accessible bars (numbers in text, geometry in SVG attributes).
    charts = parse(response.content).find_all("div", class_="compare-chart")
    assert len(charts) == 2
    bar = charts[0].find("svg", class_="fig-shares__bar")
    assert bar.attrs["role"] == "img" and f"{_rate(occitanie, 'nb_en_emploi_6_mois')}" in bar.attrs["aria-label"]
    assert "style=" not in response.content.decode()


def test_a_school_without_figures_shows_the_region_then_france_labelled_as_on_school_pages(client, shortlist):
    real, formation, paris, far, empty_region = shortlist

    response = client.get(_url(f"e:{paris.uai}:{formation.cfd}:scolaire", f"e:{far.uai}:{formation.cfd}:scolaire"))

    rows = _table(response.content)["rows"]
    # Offline, the open data hold no per-school figures: the one wording of that fact (issue 23).
    unknown = MESSAGES[MissingCause.SCHOOL_OFFLINE][0].lower()
    assert rows["chiffres_de"][0] == (
        f"Pas de chiffres propres à cet établissement ({unknown}). À défaut : la même formation dans la région "
        f"{REGIONS['11']}"
    )
    # No figures in the school's region either: France, labelled, with the sums of the regions.
    assert REGIONS[empty_region] not in rows["chiffres_de"][1]
    assert rows["chiffres_de"][1].endswith("À défaut : la même formation dans toute la France")
    assert _digits(rows["effectif"][1]) == _national(real, "scolaire", "nb_annee_term")
    national_rate = round(
        100 * _national(real, "scolaire", "nb_en_emploi_6_mois") / _national(real, "scolaire", "nb_annee_term")
    )
    assert rows["emploi_6_mois"][1].startswith(f"{national_rate} %")
    # Same wording as the school pages' fallback chain.
    badges = [p.text for p in parse(response.content).find_all("p", class_="fig-fallback-note")]
    assert "À défaut : la même formation dans toute la France" in badges


def test_a_formation_without_region_is_compared_in_france_and_its_voie_is_resolved(client, shortlist):
    real, formation, _, _, _ = shortlist

    response = client.get(_url(f"f:{formation.cfd}", f"f:{formation.cfd}:apprentissage"))

    table = _table(response.content)
    # Without a voie, the one the source has figures for (scolaire first); the share link then says it.
    assert table["items"] == [f"f:{formation.cfd}:scolaire", f"f:{formation.cfd}:apprentissage"]
    assert table["rows"]["chiffres_de"] == ["France", "France"]
    assert _digits(table["rows"]["effectif"][1]) == _national(real, "apprentissage", "nb_annee_term")
    share = parse(response.content).find(id="lien-partage").attrs["href"]
    assert share.endswith(f"?item=f:{formation.cfd}:scolaire&item=f:{formation.cfd}:apprentissage")


def test_the_share_link_rebuilds_the_same_comparison(client, shortlist):
    _, formation, paris, far, _ = shortlist
    first = client.get(
        _url(f"e:{far.uai}:{formation.cfd}:scolaire", f"f:{formation.cfd}", f"e:{paris.uai}:{formation.cfd}:scolaire")
        + "&region=53"
    )
    share = parse(first.content).find(id="lien-partage").attrs["href"]
    assert share.startswith("http://testserver/comparer/?")

    again = client.get(share.removeprefix("http://testserver"))

    assert again.status_code == 200
    assert _table(again.content) == _table(first.content)
    assert _table(again.content)["items"][0] == f"e:{far.uai}:{formation.cfd}:scolaire"  # order kept


def test_a_share_link_has_address_remove_links_and_plain_page_links(client, shortlist):
    _, formation, paris, _, _ = shortlist
    formation_item, pair_item = f"f:{formation.cfd}:apprentissage", f"e:{paris.uai}:{formation.cfd}:scolaire"

    tree = parse(client.get(_url(formation_item, pair_item, region="76")).content)

    heads = tree.find(id="tableau-comparaison").find_all("th", scope="col")[1:]
    removes = [th.find("a", class_="compare-remove").attrs["href"] for th in heads]
    assert removes == [f"/comparer/?item={pair_item}&region=76", f"/comparer/?item={formation_item}&region=76"]
    pages = [th.find("a").attrs["href"] for th in heads]
    # The visitor's own selection follows in its cookie: the pages' addresses carry nothing.
    assert pages == [f"/formations/{formation.cfd}/", f"/etablissements/{paris.uai}/formations/{formation.cfd}/"]
    # The last one removed: the empty page says how to start again.
    empty = client.get("/comparer/")
    assert empty.status_code == 200
    assert "Votre comparaison est vide" in empty.content.decode()


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_csv_has_the_same_figures_as_the_page(client, shortlist):
    _, formation, paris, far, _ = shortlist
    items = (
        f"f:{formation.cfd}:scolaire",
        f"e:{paris.uai}:{formation.cfd}:scolaire",
        f"e:{far.uai}:{formation.cfd}:scolaire",
    )
    page = _table(client.get(_url(*items, region="76")).content)["rows"]

    response = client.get("/comparer/export.csv?" + "&".join(f"item={i}" for i in items) + "&region=76")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet software reads UTF-8 accents right
    every = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    # The rates keep their lines; the rows that help choose follow each item's rates, with the page's words.
    lines = [line for line in every if line["indicateur"] in RATE_ROWS]
    choices = [line for line in every if line["indicateur"] not in RATE_ROWS]
    assert len(lines) == len(items) * len(RATE_ROWS)
    assert [line["indicateur"] for line in choices] == ["demandes_entree", "position_region", "metiers"] * len(items)
    for line in choices:
        cell = page[line["indicateur"]][int(line["element"]) - 1]
        assert line["raison"] and line["raison"].split(" ; ")[0] in cell
    for index in range(len(items)):
        mine = [line for line in lines if line["element"] == str(index + 1)]
        assert [line["indicateur"] for line in mine] == RATE_ROWS
        for line in mine:
            cell = page[line["indicateur"]][index]
            if line["valeur_pourcent"]:
                assert cell.startswith(f"{line['valeur_pourcent']} %") and line["raison"] == ""
            else:
                assert cell == line["raison"] != ""  # hidden or missing: an empty value and the reason
            assert _digits(page["effectif"][index]) == int(line["effectif_derniere_annee"])
            # The CSV keeps the millésime's code (`2022-2023`), the page says its years of leaving.
            assert page["millesime"][index] == line["millesime"].replace("-", " et ")
            assert line["source"] in page["source"][index]
    assert {line["a_defaut"] for line in lines if line["uai"]} == {"oui"}
    assert {line["chiffres_de"] for line in lines if line["uai"] == far.uai} == {"France"}


def test_hidden_figures_are_an_empty_value_and_a_reason_on_the_page_and_in_the_csv(client):
    cfd, cohort = smallest_apprentissage_cohort()
    make_formation(cfd, "CAP Petite promotion", diploma_type="CAP")
    query = f"item=f:{cfd}:apprentissage"

    page = _table(client.get(f"/comparer/?{query}").content)["rows"]
    every = csv.DictReader(
        io.StringIO(client.get(f"/comparer/export.csv?{query}").content.decode("utf-8-sig")), delimiter=";"
    )
    lines = [line for line in every if line["indicateur"] in RATE_ROWS]

    small = MESSAGES[MissingCause.SMALL_COHORT][0]
    assert all(page[key] == [small] for key in RATE_ROWS)
    assert _digits(page["effectif"][0]) == cohort  # the cohort is still said, only the rates are hidden
    assert [(line["valeur_pourcent"], line["raison"]) for line in lines] == [("", small)] * len(RATE_ROWS)
    assert {line["effectif_derniere_annee"] for line in lines} == {str(cohort)}


def test_csv_of_a_bad_address_is_the_400_page(client):
    response = client.get("/comparer/export.csv?item=zzz")

    assert response.status_code == 400
    assert "n’est pas écrit comme prévu" in response.content.decode()


# --- Validation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("item=zzz", "n’est pas écrit comme prévu"),
        ("item=f:4003", "contient un code non valide"),
        ("item=e:075000:40031213:scolaire", "contient un code non valide"),
        ("item=e:0750001A:40031213:alternance", "La voie « alternance » n’existe pas"),
        ("item=e:0750001A:40031213", "n’est pas écrit comme prévu"),
        ("item=f:40031213:scolaire:x", "n’est pas écrit comme prévu"),
        ("item=" + "x" * 200, "illisible"),
        ("item=f:99999999", "La formation 99999999 n’est pas dans notre catalogue"),
        ("item=e:0759999Z:40031213:scolaire", "L’établissement 0759999Z n’est pas dans notre catalogue"),
        ("region=99", "Cette région n’existe pas"),
        ("&".join(["item=f:40031213:scolaire"] * (MAX_ITEMS + 1)), f"{MAX_ITEMS} formations ou établissements au plus"),
    ],
)
def test_each_bad_address_gets_a_clear_400(client, shortlist, query, message):
    response = client.get(f"/comparer/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_five_different_items_are_refused_with_a_message(client, shortlist):
    _, formation, paris, far, _ = shortlist
    items = [
        f"f:{formation.cfd}:scolaire",
        f"f:{formation.cfd}:apprentissage",
        f"e:{paris.uai}:{formation.cfd}:scolaire",
        f"e:{far.uai}:{formation.cfd}:scolaire",
        f"e:{paris.uai}:{formation.cfd}:apprentissage",
    ]

    assert client.get(_url(*items[:MAX_ITEMS])).status_code == 200
    response = client.get(_url(*items))

    assert response.status_code == 400
    assert "retirez-en quelques-uns" in response.content.decode()


# --- Cost -----------------------------------------------------------------------------------------------------------


def test_four_items_cost_one_get_many_and_few_queries(client, shortlist, monkeypatch, django_assert_max_num_queries):
    _, formation, paris, far, _ = shortlist
    calls = []
    original = questions.get_many

    def counting(questions, **kwargs):
        calls.append(len(questions))
        return original(questions, **kwargs)

    monkeypatch.setattr(questions, "get_many", counting)
    url = _url(
        f"f:{formation.cfd}:scolaire",
        f"f:{formation.cfd}:apprentissage",
        f"e:{paris.uai}:{formation.cfd}:scolaire",
        f"e:{far.uai}:{formation.cfd}:scolaire",
        region="11",
    )
    client.get(url)  # fills the cache
    calls.clear()

    # Catalogue: formations + their final years, schools, offers; the service: its cache read and hit counter;
    # the rows that help choose: the jobs of the one diploma (1), the admission rows of each pair (2).
    with django_assert_max_num_queries(8 + 1 + 2):
        response = client.get(url)

    assert response.status_code == 200
    # One round for the whole page: France + Île-de-France for each formation voie (4), school + region + France
    # for each pair, the Paris lycée's region and France already asked for the formation (1), the far one's France
    # too (2).
    assert calls == [4 + 1 + 2]


# --- Add and remove links on the other pages ------------------------------------------------------------------------


def _buttons(block) -> list[tuple[str, str, str, str]]:
    """(button text, action, item, next) of each selection form of an add-links block."""
    found = []
    for form in block.find_all("form"):
        fields = {i.attrs["name"]: i.attrs["value"] for i in form.find_all("input")}
        assert form.attrs["method"] == "post" and form.attrs["action"] == "/comparer/selection/"
        found.append((form.find("button").text, fields["action"], fields["item"], fields["next"]))
    return found


def test_formation_page_offers_each_voie_from_the_selection_cookie(client, shortlist):
    _, formation, paris, _, _ = shortlist
    pair = f"e:{paris.uai}:{formation.cfd}:scolaire"
    page = f"/formations/{formation.cfd}/"

    fresh = client.get(page)
    assert _buttons(parse(fresh.content).find(id="comparaison")) == [
        ("Ajouter la voie scolaire à la comparaison", "add", f"f:{formation.cfd}:scolaire", page),
        ("Ajouter l’apprentissage à la comparaison", "add", f"f:{formation.cfd}:apprentissage", page),
    ]
    assert "Cookie" in fresh["Vary"]

    client.cookies["selection"] = f"{pair}|f:{formation.cfd}:scolaire"
    block = parse(client.get(page + "?region=76").content).find(id="comparaison")
    assert _buttons(block) == [
        ("Retirer la voie scolaire de la comparaison", "remove", f"f:{formation.cfd}:scolaire", page + "?region=76"),
        ("Ajouter l’apprentissage à la comparaison", "add", f"f:{formation.cfd}:apprentissage", page + "?region=76"),
    ]
    assert [a.text for a in block.find_all("a")] == ["Voir votre sélection (2/4)"]


def test_school_formation_page_adds_the_pair_and_says_when_the_selection_is_full(client, shortlist):
    _, formation, paris, far, _ = shortlist
    page = f"/etablissements/{paris.uai}/formations/{formation.cfd}/"

    block = parse(client.get(page).content).find(id="comparaison")
    assert _buttons(block) == [
        ("Ajouter la voie scolaire à la comparaison", "add", f"e:{paris.uai}:{formation.cfd}:scolaire", page)
    ]
    full = [
        f"f:{formation.cfd}:scolaire",
        f"f:{formation.cfd}:apprentissage",
        f"e:{far.uai}:{formation.cfd}:scolaire",
        f"e:{far.uai}:{formation.cfd}:apprentissage",
    ]
    client.cookies["selection"] = "|".join(full)
    block = parse(client.get(page).content).find(id="comparaison")
    assert "compte déjà 4 éléments" in block.text
    assert block.find("form") is None
    assert [a.text for a in block.find_all("a")] == ["Voir votre sélection (4/4)"]
    # A cookie the page cannot read is not an error: it starts a new selection.
    client.cookies["selection"] = "zzz"
    assert client.get(page).status_code == 200


def test_header_and_site_map_link_the_compare_page(client):
    home = parse(client.get("/").content)
    assert any(a.attrs.get("href") == "/comparer/" for a in home.find(id="navigation-principale").find_all("a"))
    site_map = parse(client.get("/plan-du-site/").content)
    assert any(a.attrs.get("href") == "/comparer/" for a in site_map.find_all("a"))
    nav = parse(client.get("/comparer/").content).find(id="navigation-principale")
    assert nav.find("a", aria_current="page").text == "Comparer"


def test_print_layout_hides_the_navigation_and_fits_the_table(client, shortlist):
    _, formation, _, _, _ = shortlist
    tree = parse(client.get(_url(f"f:{formation.cfd}:scolaire")).content)
    assert any(link.attrs.get("href", "").endswith("css/compare.css") for link in tree.find_all("link"))
    css = Path(settings.BASE_DIR, "static", "css", "compare.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    for selector in (".fr-header", ".fr-footer", ".compare-actions", "table-layout: fixed"):
        assert selector in print_rules
