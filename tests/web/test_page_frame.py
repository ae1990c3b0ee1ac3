"""The page frame's parts that are the same on every page (`{% rendered_once %}`, templatetags/frame.py): rendered
once per process, blind to the request, and the pages around them unchanged."""

import re

import pytest
from django.template import Context, Engine

from guidance.catalog.models import Voie
from guidance.web.templatetags import frame
from tests.factories import make_formation, make_offer, make_school
from tests.web.html import parse

# An engine of its own: the site's fails the test on an undefined variable, and this test looks at one on purpose.
ENGINE = Engine(libraries={"frame": "guidance.web.templatetags.frame"})
BLOCK = ENGINE.from_string(
    "{% load frame %}{% rendered_once %}[{{ request.path }}|{{ SITE_NAME }}]{% endrendered_once %}"
)


def test_the_block_sees_the_site_constants_and_nothing_of_the_request(settings):
    settings.SITE_NAME = "Le site"
    html = BLOCK.render(Context({"request": {"path": "/formations/"}, "SITE_NAME": "ignoré"}))
    assert html == "[|Le site]"


def test_the_block_is_rendered_once_then_reused_until_settings_change(settings, monkeypatch):
    calls = []
    constants = frame.site_constants
    monkeypatch.setattr(frame, "site_constants", lambda: calls.append(1) or constants())
    settings.SITE_NAME = "Un"
    assert [BLOCK.render(Context()) for _ in range(3)] == ["[|Un]"] * 3
    assert len(calls) == 1
    settings.SITE_NAME = "Deux"  # the `settings` fixture sends setting_changed: every block renders again
    assert BLOCK.render(Context()) == "[|Deux]"
    assert len(calls) == 2


@pytest.fixture
def catalogue(db):
    formation = make_formation("40025214", "Bac pro Commerce")
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031", town="Toulouse")
    make_offer(school, formation, Voie.SCOLAIRE)
    return formation, school


PAGES = ["/", "/formations/40025214/", "/etablissements/0310024H/", "/comprendre/", "/formations/?q=commerce"]


def _without_nonce(content: bytes) -> str:
    return re.sub(r'nonce="[^"]*"', 'nonce=""', content.decode())


def test_a_page_is_the_same_whether_the_frame_was_rendered_for_it_or_for_another_page(client, catalogue):
    warm = {}
    for path in PAGES:  # each page after the others: the frame comes from the first one
        warm[path] = _without_nonce(client.get(path).content)
    for path in PAGES:
        frame._forget()  # the frame rendered afresh for this very page
        assert _without_nonce(client.get(path).content) == warm[path], path


def test_the_nav_still_follows_the_page_and_the_selection(client, catalogue):
    for path, current in [("/", "Accueil"), ("/formations/40025214/", "Formations"), ("/comprendre/", "Comprendre")]:
        nav = parse(client.get(path).content).find("nav", id="navigation-principale")
        marked = [a.text for a in nav.find_all("a") if a.attrs.get("aria-current") == "page"]
        assert len(marked) == 1 and marked[0].startswith(current), path
    client.cookies["selection"] = "f:40025214:scolaire"
    link = parse(client.get("/formations/40025214/").content).find("a", id="lien-selection")
    assert link.text == "Dans votre sélection (1/4)"
    tree = parse(client.get("/").content)
    assert tree.find("input", id="recherche-entete-q") is not None  # the header's search bar, from the frame
    assert tree.find("footer", id="pied-de-page") is not None
