"""Higher-education diplomas in the compare page, its CSV export and the selection (issue 25)."""

import pytest

from guidance.catalog.api_sync import sync_from_api
from guidance.indicators.upstream import get_client
from guidance.web.figures.wording import MESSAGES, MissingCause
from guidance.web.shortlist import FormationItem, InvalidItem, PairItem, parse_item
from tests.insersup import UNIVERSITY
from tests.web.html import parse

pytestmark = pytest.mark.django_db


def row(tree, key):
    return tree.find("tr", data_row=key)


def test_items_of_higher_education_read_and_write_their_voie():
    assert parse_item("f:2300030:superieur") == FormationItem("2300030", "superieur")
    assert parse_item("f:2300030") == FormationItem("2300030", "superieur")
    assert parse_item("e:0062205P:2300030:superieur") == PairItem("0062205P", "2300030", "superieur")
    assert FormationItem("2300030", "superieur").token == "f:2300030:superieur"
    for wrong in ("f:2300030:scolaire", "f:40025214:superieur", "e:0062205P:2300030:apprentissage"):
        with pytest.raises(InvalidItem):
            parse_item(wrong)


def test_offline_a_diploma_column_says_why_it_has_no_figure(client, imported, offline_replica):
    response = client.get("/comparer/", {"item": ["f:2300030:superieur", "f:2500164"]})
    assert response.status_code == 200
    tree = parse(response.content)
    assert "Licence Informatique" in tree.text and "Master Informatique" in tree.text
    title = MESSAGES[MissingCause.INSERSUP_OFFLINE][0]
    assert [cell.text for cell in row(tree, "emploi_6_mois").find_all("td")] == [title, title]


def test_a_diploma_and_its_university_side_by_side(client, imported, insersup_replica):
    sync_from_api(get_client(), progress=False)
    items = ["f:2300030:superieur", f"e:{UNIVERSITY}:2300030:superieur"]
    tree = parse(client.get("/comparer/", {"item": items}).content)
    france, university = (cell.text.replace("\u202f", " ") for cell in row(tree, "formation").find_all("td"))
    assert france.startswith("80 %") and university.startswith("77 %")  # 3 368 / 4 210 and 204 / 265
    csv = client.get("/comparer/export.csv", {"item": items}).content.decode("utf-8-sig")
    assert csv.count("SISE:2300030") >= 2 and "InserSup (MESR-SIES)" in csv


def test_a_diploma_page_adds_it_to_the_selection(client, imported, offline_replica):
    page = parse(client.get("/formations/2300030/").content)
    form = page.find("form", class_="compare-form")
    values = {node.attrs["name"]: node.attrs["value"] for node in form.find_all("input")}
    assert values["item"] == "f:2300030:superieur" and values["action"] == "add"
    response = client.post("/comparer/selection/", values)
    assert response.status_code == 303
    assert "f:2300030:superieur" in response.cookies["selection"].value
