"""School search, school page and school × formation page in a real Chromium: live search, voie switch without
reload, the same journeys without JavaScript, accessibility (axe) and console errors."""

import re

import pytest

from guidance.catalog.models import Population, SchoolIndicators, Voie
from tests.browser.conftest import axe_violations, mark_window, window_mark
from tests.factories import make_formation, make_offer, make_school, real_bac_pro


@pytest.fixture
def catalogue(transactional_db):
    real = real_bac_pro()
    formation = make_formation(real.cfd, "Bac pro Métiers du commerce et de la vente", mefstat11=real.mefstat11)
    toulouse = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031", town="Toulouse")
    make_school("0810004L", "Lycée Louis Rascol", departement_code="081", town="Albi")
    make_offer(toulouse, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    make_offer(toulouse, formation, Voie.APPRENTISSAGE)
    SchoolIndicators.objects.create(
        school=toulouse,
        millesime="2022_2023",
        population=Population.ENSEMBLE,
        share_in_employment=23,
        share_in_study=54,
        share_other=23,
        employment_rate_6m=51,
        expected_rate=41,
        value_added=10,
        source="depp.csv",
    )
    return toulouse, formation


def test_school_search_as_you_type_updates_results_and_url_without_reload(probe, catalogue):
    page = probe.page
    page.goto("/etablissements/")
    mark_window(page)

    page.locator("#id_q").press_sequentially("albi", delay=30)

    page.wait_for_url(re.compile(r"q=albi"))
    results = page.locator("#resultats")
    results.locator("text=Lycée Louis Rascol").wait_for()
    assert "Jean Jaurès" not in results.inner_text()
    assert window_mark(page) == "oui"

    page.select_option("#id_region", "11")
    page.wait_for_url(re.compile(r"region=11"))
    results.locator("text=Aucun établissement").wait_for()
    assert window_mark(page) == "oui"
    assert axe_violations(page) == []
    assert probe.console_errors == []


def test_school_page_voie_filter_swaps_the_trainings_without_reload(probe, catalogue):
    school, _ = catalogue
    page = probe.page
    page.goto(f"/etablissements/{school.uai}/")
    rows = page.locator("#formations-proposees tbody tr")
    assert rows.count() == 2
    mark_window(page)

    page.locator("#formations-proposees a.fr-tag", has_text="Apprentissage").click()

    page.wait_for_url(re.compile(r"voie=apprentissage"))
    page.locator("#formations-proposees a[aria-current=true]", has_text="Apprentissage").wait_for()
    assert rows.count() == 1
    assert window_mark(page) == "oui"
    assert "+10" in page.locator(".school-value-added").inner_text()
    assert axe_violations(page) == []
    assert probe.console_errors == []


def test_school_formation_page_is_accessible_and_switches_voie(probe, catalogue):
    school, formation = catalogue
    page = probe.page
    page.goto(f"/etablissements/{school.uai}/formations/{formation.cfd}/")
    assert page.locator("section.school-formation").count() == 2
    region_panel = page.locator("section[data-voie=scolaire] .fig-panel[data-scope=region]")
    assert region_panel.locator("dd[data-count=nb_annee_term]").count() == 1
    assert axe_violations(page) == []
    mark_window(page)

    page.locator("#chiffres a.fr-tag", has_text="Voie scolaire").click()

    page.wait_for_url(re.compile(r"voie=scolaire"))
    page.locator("#chiffres a[aria-current=true]", has_text="Voie scolaire").wait_for()
    assert page.locator("section.school-formation").count() == 1
    assert window_mark(page) == "oui"
    assert probe.console_errors == []


def test_school_journey_works_without_javascript(probe_nojs, catalogue):
    school, formation = catalogue
    page = probe_nojs.page
    page.goto("/etablissements/")

    page.fill("#id_q", "toulouse")
    page.locator("#recherche-etablissements button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=toulouse"))
    page.locator("#resultats a", has_text="Lycée Jean Jaurès").click()
    page.wait_for_url(f"**/etablissements/{school.uai}/")

    page.locator("#formations-proposees a.fr-tag", has_text="Apprentissage").click()
    page.wait_for_url(re.compile(r"voie=apprentissage"))
    assert page.locator("#formations-proposees tbody tr").count() == 1
    page.locator("#formations-proposees tbody a").first.click()
    page.wait_for_url(re.compile(rf"/etablissements/{school.uai}/formations/{formation.cfd}/\?voie=apprentissage"))
    assert page.locator("section.school-formation").count() == 1
    assert probe_nojs.console_errors == []
