"""The selection that stays, in a real Chromium, with and without JavaScript: added on a formation page, still
counted while browsing the search, shown by the compare page, removed there; the new blocks pass axe at a phone's
width and a laptop's."""

import re

import pytest
from django.core.cache import cache

from guidance.opendata.pipeline import run_import
from tests.browser.conftest import axe_violations
from tests.factories import FIXTURE_DIR

CUISINE = "40022106"  # Bac pro cuisine: jobs, Onisep page, regional figures in Occitanie
PAIR_PAGE = "/etablissements/0060002V/formations/50025217/?voie=scolaire"  # two Affelnet 2022 rows
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}


@pytest.fixture
def sample(transactional_db):
    cache.clear()
    run_import(FIXTURE_DIR)
    yield
    cache.clear()


def _walk_the_selection(page) -> None:
    page.goto(f"/formations/{CUISINE}/?region=76")
    page.get_by_role("button", name="Ajouter la voie scolaire à la comparaison").click()
    page.get_by_role("button", name="Retirer la voie scolaire de la comparaison").wait_for()
    assert re.search(rf"/formations/{CUISINE}/\?region=76$", page.url)  # back where the visitor was
    # Browsing the search: the header still counts it.
    page.goto("/formations/?q=cuisine+millau")
    assert page.locator("#lien-selection").inner_text().strip() == "Dans votre sélection (1/4)"
    page.goto(PAIR_PAGE)
    page.get_by_role("button", name="Ajouter la voie scolaire à la comparaison").click()
    page.get_by_role("link", name="Voir votre sélection (2/4)").click()
    page.wait_for_url(re.compile(r"/comparer/$"))
    items = page.locator("#tableau-comparaison th[data-item]")
    assert [items.nth(i).get_attribute("data-item") for i in range(items.count())] == [
        f"f:{CUISINE}:scolaire",
        "e:0060002V:50025217:scolaire",
    ]
    pressure = page.locator("#tableau-comparaison tr[data-row=demandes_entree] td").nth(1).inner_text()
    assert "15 premiers vœux pour 7 places (Affelnet 2022)" in pressure
    page.locator("#tableau-comparaison button.compare-remove").first.click()
    page.wait_for_url(re.compile(r"/comparer/$"))
    assert page.locator("#tableau-comparaison th[data-item]").count() == 1
    assert page.locator("#lien-selection").inner_text().strip() == "Dans votre sélection (1/4)"


def test_the_selection_stays_without_javascript(probe_nojs, sample):
    _walk_the_selection(probe_nojs.page)
    assert probe_nojs.console_errors == []


def test_the_selection_stays_with_javascript(probe, sample):
    _walk_the_selection(probe.page)
    assert probe.console_errors == []
    assert probe.failed_requests == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_new_blocks_pass_axe(browser, live_server, sample, width):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    try:
        found = {}
        for url in (
            f"/formations/{CUISINE}/?region=76",  # jobs, position, alternatives
            "/formations/32031215/?region=76",  # alternatives listed
            "/formations/?q=commerce&region=76&tri=emploi&minimum=20",  # cards, order
            "/formations/?q=cuisine+millau",  # place understood
            "/etablissements/?q=31000",
            PAIR_PAGE,  # pressure rows
            "/etablissements/0310017A/",  # pressure column
            f"/comparer/?item=f:{CUISINE}:scolaire&item=e:0060002V:50025217:scolaire&region=76",  # new rows, keep
        ):
            page.goto(url)
            if violations := axe_violations(page):
                found[url] = violations
        assert found == {}
    finally:
        context.close()
