"""/comprendre/ explains InserSup's indicators and how they differ from InserJeunes' (issue 25)."""

import pytest

from tests.web.html import parse

pytestmark = pytest.mark.django_db


def test_comprendre_explains_insersup_who_is_counted_and_salaries(client):
    tree = parse(client.get("/comprendre/").content)
    anchors = {node.attrs.get("id") for node in tree.find_all("h2") + tree.find_all("h3")}
    assert {"insersup", "insersup-qui", "insersup-emploi", "insersup-salaires", "insersup-differences"} <= anchors
    text = tree.text
    for words in (
        "étudiants inscrits en dernière année",
        "parmi ceux qui ont arrêté leurs études",
        "équivalent temps plein",
        "pas par région",
        "Sous 20 étudiants",
    ):
        assert words in text, words
