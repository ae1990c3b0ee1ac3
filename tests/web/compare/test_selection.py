"""The visitor's selection: a POST form (no JavaScript) to /comparer/selection/ keeps it in a cookie that every
page reads; the share link still rebuilds a comparison, and can be kept as the selection."""

import pytest

from guidance.catalog.models import Formation
from guidance.indicators import peers
from guidance.orientation.jobs import jobs_for_formation
from tests.web.html import parse

pytestmark = pytest.mark.django_db
ENDPOINT = "/comparer/selection/"
CUISINE = "40022106"
PAIR = "e:0060002V:50025217:scolaire"  # two Affelnet 2022 rows in the sample


def _post(client, action, item="", next_url="/comparer/", **headers):
    data = {"action": action, "next": next_url}
    if item:
        data["item"] = item
    return client.post(ENDPOINT, data, **headers)


def test_add_sets_the_cookie_and_sends_back_with_a_303(client, imported):
    response = _post(client, "add", f"f:{CUISINE}:scolaire", f"/formations/{CUISINE}/?region=76")
    assert response.status_code == 303
    assert response["Location"] == f"/formations/{CUISINE}/?region=76"
    cookie = response.cookies["selection"]
    assert cookie.value == f"f:{CUISINE}:scolaire"
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 365 * 24 * 3600
    assert not cookie["secure"]  # development: plain http


def test_the_cookie_is_secure_in_production(client, imported, settings):
    settings.SESSION_COOKIE_SECURE = True
    assert _post(client, "add", f"f:{CUISINE}:scolaire").cookies["selection"]["secure"]


def test_the_selection_survives_browsing_and_is_removed(client, imported):
    _post(client, "add", f"f:{CUISINE}:scolaire")
    _post(client, "add", PAIR)
    for url in ("/formations/?q=cuisine", "/etablissements/?q=31000", "/", f"/formations/{CUISINE}/"):
        response = client.get(url)
        assert "Cookie" in response["Vary"], url
        link = parse(response.content).find("a", id="lien-selection")
        assert link.text == "Dans votre sélection (2/4)", url
    compare = parse(client.get("/comparer/").content)
    assert [th.attrs["data-item"] for th in compare.find_all("th", scope="col") if "data-item" in th.attrs] == [
        f"f:{CUISINE}:scolaire",
        PAIR,
    ]
    assert compare.find(class_="selection-note").attrs["data-selection"] == "oui"
    removes = [f.find("input", name="item").attrs["value"] for f in compare.find_all("form", class_="compare-form")]
    assert removes == [f"f:{CUISINE}:scolaire", PAIR]

    response = _post(client, "remove", PAIR)
    assert response.cookies["selection"].value == f"f:{CUISINE}:scolaire"
    response = _post(client, "remove", f"f:{CUISINE}:scolaire")
    assert response.cookies["selection"].value == ""  # deleted
    assert "Votre comparaison est vide" in client.get("/comparer/").content.decode()


def test_a_share_link_rebuilds_its_comparison_and_can_be_kept(client, imported):
    _post(client, "add", f"f:{CUISINE}:scolaire")
    share = f"/comparer/?item={PAIR}&item=f:{CUISINE}:apprentissage&region=76"
    tree = parse(client.get(share).content)
    items = [th.attrs["data-item"] for th in tree.find_all("th", scope="col") if "data-item" in th.attrs]
    assert items == [PAIR, f"f:{CUISINE}:apprentissage"]
    note = tree.find(class_="selection-note")
    assert note.attrs["data-selection"] == "non" and "Votre propre sélection (1/4) n’est pas modifiée" in note.text
    form = note.find("form")
    fields = [(i.attrs["name"], i.attrs["value"]) for i in form.find_all("input")]
    assert fields == [
        ("action", "keep"),
        ("item", PAIR),
        ("item", f"f:{CUISINE}:apprentissage"),
        ("next", "/comparer/?region=76"),
    ]

    response = client.post(ENDPOINT, dict(fields[:1] + [("next", "/comparer/?region=76")]) | {"item": items})
    assert response.status_code == 303 and response["Location"] == "/comparer/?region=76"
    assert response.cookies["selection"].value == f"{PAIR}|f:{CUISINE}:apprentissage"


def test_five_items_are_refused_and_nothing_changes(client, imported):
    four = [f"f:{CUISINE}:scolaire", f"f:{CUISINE}:apprentissage", PAIR, "e:0060002V:50031224:scolaire"]
    client.cookies["selection"] = "|".join(four)
    response = _post(client, "add", "f:50022139:scolaire")
    assert response.status_code == 400 and "déjà 4 éléments" in response.content.decode()
    assert "selection" not in response.cookies
    assert _post(client, "add", four[0]).status_code == 303  # already in: no change, no error


@pytest.mark.parametrize(
    "data",
    [
        {"action": "jeter", "item": f"f:{CUISINE}"},
        {"action": "add", "item": "f:123"},
        {"action": "add", "item": "x:y"},
        {"action": "add"},
        {"action": "keep", "item": ["f:40022106"] * 2 + ["f:50022139", "f:45022109", "f:32031215"]},
    ],
)
def test_bad_forms_are_a_400(client, imported, data):
    response = client.post(ENDPOINT, data)
    assert response.status_code == 400
    assert "selection" not in response.cookies


def test_only_post(client):
    assert client.get(ENDPOINT).status_code == 405


@pytest.mark.parametrize("target", ["https://ailleurs.example/", "//ailleurs.example/x", "javascript:alert(1)", ""])
def test_next_is_only_a_local_path(client, imported, target):
    response = _post(client, "add", f"f:{CUISINE}:scolaire", target)
    assert response.status_code == 303 and response["Location"] == "/comparer/"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, 403),
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, 403),
        ({"HTTP_SEC_FETCH_SITE": "same-origin"}, 303),
        ({"HTTP_ORIGIN": "https://ailleurs.example"}, 403),
        ({"HTTP_ORIGIN": "null"}, 403),
        ({"HTTP_ORIGIN": "http://testserver"}, 303),
        ({}, 303),
    ],
)
def test_cross_site_posts_are_refused_when_the_browser_says_so(client, imported, headers, status):
    response = _post(client, "add", f"f:{CUISINE}:scolaire", **headers)
    assert response.status_code == status
    assert ("selection" in response.cookies) == (status == 303)


def test_the_compare_page_gains_pressure_position_and_jobs_rows(client, imported):
    client.cookies["selection"] = f"f:{CUISINE}:scolaire|{PAIR}"
    tree = parse(client.get("/comparer/", {"region": "76"}).content)
    rows = {tr.attrs["data-row"]: tr.find_all("td") for tr in tree.find_all("tr") if "data-row" in tr.attrs}
    formation_pressure, pair_pressure = rows["demandes_entree"]
    assert "Se lit pour une formation dans un établissement" in formation_pressure.text
    assert "15 premiers vœux pour 7 places (Affelnet 2022)" in pair_pressure.text
    assert "7 premiers vœux pour 3 places (Affelnet 2022)" in pair_pressure.text
    # The source is named for a family (issue 23): no line of a file on the page.
    assert "Source : Affelnet" in pair_pressure.text and "Une seule année" in pair_pressure.text
    assert "ligne" not in pair_pressure.text and "fichier" not in pair_pressure.text
    position, pair_position = rows["position_region"]
    reading = peers.position_for("23830022106", "76", "scolaire", "2022_2023")
    assert reading.sentence in position.text and "millésime 2022_2023" in position.text
    assert "Se lit pour une formation dans la région" in pair_position.text
    jobs = jobs_for_formation(Formation.objects.get(cfd=CUISINE))
    assert all(job.label in rows["metiers"][0].text for job in jobs[:3])
    assert "Certif Info" in rows["metiers"][0].text


def test_without_a_region_there_is_no_position_row(client, imported):
    client.cookies["selection"] = f"f:{CUISINE}:scolaire"
    tree = parse(client.get("/comparer/").content)
    keys = [tr.attrs["data-row"] for tr in tree.find_all("tr") if "data-row" in tr.attrs]
    assert "position_region" not in keys and "demandes_entree" not in keys and "metiers" in keys


def test_a_selection_naming_what_the_catalogue_dropped_shows_the_rest(client, imported):
    client.cookies["selection"] = f"f:99999999:scolaire|e:0999999Z:{CUISINE}:scolaire|f:{CUISINE}:scolaire"
    response = client.get("/comparer/")
    assert response.status_code == 200
    tree = parse(response.content)
    items = [th.attrs["data-item"] for th in tree.find_all("th", scope="col") if "data-item" in th.attrs]
    assert items == [f"f:{CUISINE}:scolaire"]
    # The same items in a share link are the visitor's error to hear about.
    assert client.get("/comparer/?item=f:99999999:scolaire").status_code == 400
