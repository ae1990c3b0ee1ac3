"""The compare page in a real Chromium: two items added from the formation page reach the comparison, with and
without JavaScript (POST forms to the selection endpoint, kept in a cookie); accessibility (axe) and console
errors."""

import re

import pytest

from guidance.catalog.models import Voie
from tests.browser.conftest import axe_violations
from tests.factories import make_formation, make_offer, make_school, real_bac_pro


@pytest.fixture
def catalogue(transactional_db):
    real = real_bac_pro()
    bac_pro = make_formation(real.cfd, "Bac pro Métiers du commerce et de la vente", mefstat11=real.mefstat11)
    school = make_school("0750001A", "Lycée des Tests")
    make_offer(school, bac_pro, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    return real, bac_pro, school


def _add_two_voies_from_the_formation_page(page, cfd: str) -> None:
    page.goto(f"/formations/{cfd}/")
    page.get_by_role("button", name="Ajouter la voie scolaire à la comparaison").click()
    # The selection endpoint sends the visitor back to the same page, the button turned into "Retirer".
    page.get_by_role("button", name="Retirer la voie scolaire de la comparaison").wait_for()
    page.get_by_role("button", name="Ajouter l’apprentissage à la comparaison").click()
    page.get_by_role("button", name="Retirer l’apprentissage de la comparaison").wait_for()
    page.get_by_role("link", name="Voir votre sélection (2/4)").click()
    page.wait_for_url(re.compile(r"/comparer/$"))


def _assert_two_columns_with_real_figures(page, real) -> None:
    items = page.locator("#tableau-comparaison th[data-item]")
    assert [items.nth(i).get_attribute("data-item") for i in range(2)] == [
        f"f:{real.cfd}:scolaire",
        f"f:{real.cfd}:apprentissage",
    ]
    national = sum(int(row["nb_annee_term"]) for (voie, _), row in real.rows.items() if voie == "scolaire")
    cohort = page.locator("#tableau-comparaison tr[data-row=effectif] td").first.inner_text()
    assert int(re.sub(r"\D", "", cohort)) == national
    assert page.locator(".compare-chart svg.fig-shares__bar").count() == 2


def test_add_two_items_from_the_formation_page_and_compare(probe, catalogue):
    real, bac_pro, _ = catalogue
    page = probe.page

    _add_two_voies_from_the_formation_page(page, bac_pro.cfd)

    _assert_two_columns_with_real_figures(page, real)
    assert axe_violations(page) == []
    # The share link rebuilds the same page.
    share = page.locator("#lien-partage").get_attribute("href")
    page.goto(share)
    _assert_two_columns_with_real_figures(page, real)
    assert probe.console_errors == []
    assert probe.failed_requests == []


def test_add_two_items_and_remove_one_without_javascript(probe_nojs, catalogue):
    real, bac_pro, _ = catalogue
    page = probe_nojs.page

    _add_two_voies_from_the_formation_page(page, bac_pro.cfd)

    _assert_two_columns_with_real_figures(page, real)
    page.locator("#tableau-comparaison button.compare-remove").first.click()
    page.wait_for_url(re.compile(r"/comparer/$"))
    assert page.locator("#tableau-comparaison th[data-item]").count() == 1
    assert (
        page.locator("#tableau-comparaison th[data-item]").first.get_attribute("data-item").endswith(":apprentissage")
    )
    assert probe_nojs.console_errors == []


def test_school_pair_with_fallback_is_accessible(probe, catalogue):
    _, bac_pro, school = catalogue
    page = probe.page
    page.goto(f"/etablissements/{school.uai}/formations/{bac_pro.cfd}/")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Ajouter la voie scolaire à la comparaison").click()
    page.get_by_role("link", name="Voir votre sélection (1/4)").click()

    page.wait_for_url(re.compile(r"/comparer/$"))
    page.locator("#tableau-comparaison .fig-fallback-note", has_text="À défaut").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Dans votre sélection (1/4)").first.wait_for()
    assert probe.console_errors == []
