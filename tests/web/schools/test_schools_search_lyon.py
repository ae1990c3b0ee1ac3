"""Issue 22: "lyon" finds LP Jacques de Flesselles (0690043X) on the first page of the school search, and its page
says where it is (Lyon 1er, 69001). Real rows of the sample (the lycées and CFAs of Lyon)."""

import pytest

from tests.web.html import parse

pytestmark = pytest.mark.django_db


def test_lyon_lists_flesselles_on_the_first_page_and_its_page_says_lyon_1er(client, imported):
    tree = parse(client.get("/etablissements/", {"q": "lyon"}).content)
    links = [a.attrs.get("href", "") for a in tree.find(id="resultats").find_all("a")]
    assert any(href.startswith("/etablissements/0690043X/") for href in links), links
    page = parse(client.get("/etablissements/0690043X/").content).text
    assert "Lyon 1er" in page and "69001" in page
