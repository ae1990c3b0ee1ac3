"""Home page and "comprendre" in a real Chromium: the live preview, the same search without JavaScript, axe."""

import re

import pytest

from guidance.catalog.models import Level
from tests.browser.conftest import axe_violations
from tests.factories import make_formation, make_school


@pytest.fixture
def catalogue(transactional_db):
    make_formation("50022135", "CAP Cuisine", diploma_type="CAP", level=Level.LEVEL_3, field_label="Cuisine")
    make_school("0310024H", "Lycée des métiers de la cuisine", departement_code="031", town="Toulouse")


def test_home_previews_formations_and_schools_as_you_type(probe, catalogue):
    page = probe.page
    page.goto("/")
    page.evaluate("() => { window.__sansRechargement = 'oui'; }")

    page.locator("#recherche-accueil-q").press_sequentially("cuisine", delay=30)

    page.wait_for_url(re.compile(r"q=cuisine"))
    preview = page.locator("#apercu")
    preview.locator("a", has_text="CAP Cuisine").wait_for()
    preview.locator("a", has_text="Lycée des métiers de la cuisine").wait_for()
    assert page.evaluate("() => window.__sansRechargement || null") == "oui"
    assert axe_violations(page) == []
    assert probe.console_errors == []


def test_home_search_works_without_javascript(probe_nojs, catalogue):
    page = probe_nojs.page
    page.goto("/")

    page.fill("#recherche-accueil-q", "cuisine")
    page.locator("#recherche-accueil button[type=submit]").click()

    page.wait_for_url(re.compile(r"\?q=cuisine"))
    page.locator("#apercu a", has_text="Chercher « cuisine » parmi les établissements").click()
    page.wait_for_url(re.compile(r"/etablissements/\?q=cuisine"))
    assert page.locator("#resultats a", has_text="Lycée des métiers de la cuisine").count() == 1


def test_comprendre_page_is_accessible(probe, catalogue):
    response = probe.page.goto("/comprendre/")

    assert response.status == 200
    assert axe_violations(probe.page) == []
    assert probe.console_errors == []
