"""No developer words on the pages a family reads (issue 23): no replica, no file name or line, no raw MEFSTAT11;
those stay in the JSON and CSV exports."""

import re

import pytest

from tests.web.html import parse

pytestmark = pytest.mark.django_db

PAGES = (
    "/formations/40022106/?region=76",
    "/formations/40022106/",
    "/etablissements/0120014A/",
    "/etablissements/0120014A/formations/40022106/?voie=scolaire",
    "/comparer/?item=f:40022106:scolaire&item=e:0120014A:40022106:scolaire&region=76",
)


def _visible_text(content: bytes) -> str:
    tree = parse(content)
    for node in tree.find_all("script") + tree.find_all("style") + tree.find_all("textarea"):
        node.children = []  # the embed code (a textarea) is code on purpose
    return tree.text


@pytest.mark.parametrize("path", PAGES)
def test_pages_speak_plain_words(client, imported, path):
    text = _visible_text(client.get(path).content)
    assert "réplique" not in text
    assert not re.search(r"ij_region_data|\.csv\b|\bfichier\b|ligne \d+", text), path
    assert not re.search(r"\b\d{11}\b", text), path  # a raw MEFSTAT11
    assert not re.search(r"\b1,\d demandes\b", text)
