"""Every page type passes axe (no serious or critical violation) at a phone's width and at a laptop's, the school
page with its DEPP indicators table included (it is wider than a laptop's column and scrolls)."""

import pytest

from guidance.catalog.models import Population, SchoolIndicators, Voie
from tests.browser.conftest import axe_violations
from tests.factories import make_formation, make_offer, make_school, real_bac_pro

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}


@pytest.fixture
def catalogue(transactional_db):
    real = real_bac_pro()
    formation = make_formation(real.cfd, "Bac pro Métiers du commerce et de la vente", mefstat11=real.mefstat11)
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031", town="Toulouse")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    make_offer(school, formation, Voie.APPRENTISSAGE)
    for millesime in ("2021_2022", "2022_2023"):
        for population in Population.values:
            SchoolIndicators.objects.create(
                school=school,
                millesime=millesime,
                population=population,
                share_in_employment=23,
                share_in_study=54,
                share_other=23,
                continuation_rate=54,
                employment_rate_6m=51,
                employment_rate_12m=58,
                employment_rate_18m=61,
                employment_rate_24m=63,
                expected_rate=41,
                value_added=10,
                interrupted_contracts_share=12,
                cohort_size=140,
                source="depp.csv",
            )
    return formation, school


def _pages(formation, school) -> list[str]:
    return [
        "/",
        "/?q=commerce",
        "/formations/",
        "/formations/?q=commerce",
        f"/formations/{formation.cfd}/",
        "/etablissements/",
        f"/etablissements/{school.uai}/",
        f"/etablissements/{school.uai}/formations/{formation.cfd}/",
        f"/comparer/?item=f:{formation.cfd}:scolaire&item=e:{school.uai}:{formation.cfd}:scolaire",
        "/comprendre/",
        "/accessibilite/",
        "/plan-du-site/",
        "/cette-page-n-existe-pas/",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_passes_axe(browser, live_server, catalogue, width):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    try:
        found = {}
        for url in _pages(*catalogue):
            page.goto(url)
            if violations := axe_violations(page):
                found[url] = sorted(v["id"] for v in violations)
        assert found == {}
    finally:
        context.close()


def test_the_school_indicators_table_scrolls_within_reach_of_the_keyboard(browser, live_server, catalogue):
    _, school = catalogue
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=WIDTHS["laptop"])
    page = context.new_page()
    try:
        page.goto(f"/etablissements/{school.uai}/")
        region = page.locator(".school-indicators .fr-table__container")
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    finally:
        context.close()
