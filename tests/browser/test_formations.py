"""Formation search and formation page in a real Chromium: live search, region switch without reload, the same
journeys without JavaScript, accessibility (axe) and console errors."""

import re

import pytest

from guidance.catalog.models import Level, Voie
from guidance.inserjeunes.territories import REGIONS
from tests.browser.conftest import axe_violations, mark_window, window_mark
from tests.factories import make_formation, make_offer, make_school, real_bac_pro


@pytest.fixture
def catalogue(transactional_db):
    real = real_bac_pro()
    bac_pro = make_formation(real.cfd, "Bac pro Métiers du commerce et de la vente", mefstat11=real.mefstat11)
    make_formation("50022135", "CAP Cuisine", diploma_type="CAP", level=Level.LEVEL_3, field_label="Cuisine")
    school = make_school("0750001A", "Lycée des Tests")
    make_offer(school, bac_pro, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    return bac_pro


def test_search_as_you_type_updates_results_and_url_without_reload(probe, catalogue):
    page = probe.page
    page.goto("/formations/")
    mark_window(page)

    page.locator("#id_q").press_sequentially("cuisi", delay=30)

    page.wait_for_url(re.compile(r"q=cuisi"))
    results = page.locator("#resultats")
    results.locator("text=CAP Cuisine").wait_for()
    assert "Bac pro" not in results.inner_text()
    assert window_mark(page) == "oui"  # the page did not navigate: only the results were swapped
    assert axe_violations(page) == []
    assert probe.console_errors == []


def test_region_switch_updates_the_figures_without_reload(probe, catalogue):
    real = real_bac_pro()
    page = probe.page
    page.goto(f"/formations/{catalogue.cfd}/")
    assert page.locator("#devenir .fig-scope[data-scope=region]").inner_text().startswith("Choisissez une région")
    mark_window(page)

    page.select_option("#id_region", "53")

    page.wait_for_url(re.compile(r"region=53"))
    region = page.locator("#devenir .fig-scope[data-scope=region]")
    region.locator(f"h3:text-is('En {REGIONS['53']}')").wait_for()
    cohort = region.locator("[data-voie='Apprentissage'] dd[data-count=nb_annee_term]").inner_text()
    assert re.sub(r"\D", "", cohort) == real.rows[("apprentissage", "53")]["nb_annee_term"]
    assert window_mark(page) == "oui"
    assert page.locator("#id_region").input_value() == "53"
    # The schools list follows the region (out-of-band swap): the only school of the catalogue is in Paris.
    page.locator("#ecoles .fig-offers__count", has_text=REGIONS["53"]).wait_for()
    assert page.locator("#ecoles .fig-offer").count() == 0
    # axe on the settled page: the "en cours" indicator fades out (200 ms) after the swap, and a half-transparent
    # text fails the contrast rule.
    page.wait_for_function("() => getComputedStyle(document.querySelector('#devenir-en-cours')).opacity === '0'")
    assert axe_violations(page) == []
    assert probe.console_errors == []


def test_search_and_region_switch_work_without_javascript(probe_nojs, catalogue):
    real = real_bac_pro()
    page = probe_nojs.page
    page.goto("/formations/")

    page.fill("#id_q", "commerce")
    page.locator("#recherche-formations button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=commerce"))
    page.locator("#resultats a", has_text="Bac pro Métiers du commerce").click()
    page.wait_for_url(re.compile(rf"/formations/{real.cfd}/$"))

    page.select_option("#id_region", "11")
    page.get_by_role("button", name="Afficher cette région").click()
    page.wait_for_url(re.compile(r"region=11"))
    region = page.locator("#devenir .fig-scope[data-scope=region]")
    assert f"En {REGIONS['11']}" in region.inner_text()
    cohort = region.locator("[data-voie='Voie scolaire'] dd[data-count=nb_annee_term]").inner_text()
    assert re.sub(r"\D", "", cohort) == real.rows[("scolaire", "11")]["nb_annee_term"]
    assert probe_nojs.console_errors == []


def test_formation_page_with_region_and_schools_has_no_serious_axe_violation(probe, catalogue):
    response = probe.page.goto(f"/formations/{catalogue.cfd}/?region=11")

    assert response.status == 200
    assert probe.page.locator(".fig-offer").count() == 1
    assert axe_violations(probe.page) == []
    # On a phone the wide tables scroll: they must stay reachable with the keyboard.
    probe.page.set_viewport_size({"width": 375, "height": 800})
    probe.page.reload()
    assert axe_violations(probe.page) == []
    assert probe.console_errors == []
    assert probe.failed_requests == []
