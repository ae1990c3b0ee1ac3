"""The answer first, at a phone's size (issue 23): on the first screen of 390 × 844, a formation page shows the
employment rate among leavers and a school × formation page a rate; the 24-month figure says its promotion; the
visible text holds no developer words; no page scrolls sideways."""

import re

import pytest
from django.core.cache import cache

from guidance.catalog.models import Formation
from guidance.opendata.pipeline import run_import
from tests.factories import FIXTURE_DIR, make_offer, make_school

PHONE = {"width": 390, "height": 844}
# A rate ("50 %", "5 sur 10") whose top is within the first screen.
FIRST_SCREEN_RATE = """(pattern) => {
    const re = new RegExp(pattern);
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    const found = [];
    while (walker.nextNode()) {
        const node = walker.currentNode, element = node.parentElement;
        if (!element || !element.offsetParent || !re.test(node.textContent)) continue;
        const box = element.getBoundingClientRect();
        if (box.top + window.scrollY < window.innerHeight) found.push(element.closest('p, li, div').innerText);
    }
    return found;
}"""


@pytest.fixture
def sample(transactional_db):
    cache.clear()
    run_import(FIXTURE_DIR)
    yield
    cache.clear()


@pytest.fixture
def phone(browser, live_server, sample):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=PHONE)
    yield context.new_page()
    context.close()


def test_the_formation_page_shows_the_rate_among_leavers_on_its_first_screen(phone):
    phone.goto("/formations/40022106/?region=76")
    seen = " ".join(phone.evaluate(FIRST_SCREEN_RATE, r"\d+\s?%|\d+ sur 10")).replace("\u202f", " ")
    # 173 employed of the 344 who left the Occitan lycées (the DEPP's rate), not of the 840 of the final year.
    assert "50 %" in seen and "5 sur 10" in seen and "jeunes sortis de formation" in seen


def test_the_school_formation_page_shows_a_rate_on_its_first_screen(phone):
    phone.goto("/etablissements/0120014A/formations/40022106/?voie=scolaire")
    assert phone.evaluate(FIRST_SCREEN_RATE, r"\d+\s?%")


def test_the_formation_page_gives_a_24_month_figure_with_its_promotion_and_no_developer_words(phone):
    phone.goto("/formations/40022106/?region=76")
    at_24 = phone.locator(".fig-answer [data-voie='Voie scolaire'] li[data-months='24']").inner_text()
    assert re.search(r"24 mois après : \d+\s?%", at_24) and "jeunes sortis en 2020 et 2021" in at_24
    text = phone.locator("body").inner_text()
    assert "réplique" not in text
    assert not re.search(r"ij_region_data|\.csv\b|ligne \d+ du fichier", text)
    assert not re.search(r"\b\d{11}\b", text)  # no raw MEFSTAT11


PAGES = (
    "/formations/40022106/?region=76",
    "/etablissements/0120014A/",
    "/etablissements/0120014A/formations/40022106/?voie=scolaire",
    "/formations/?q=cuisine",
    "/comparer/?item=f:40022106:scolaire&item=e:0120014A:40022106:scolaire&item=f:40022106:apprentissage",
    "/comprendre/",
)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone, path):
    phone.goto(path)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_print_keeps_the_evolution_table_whole_and_lists_the_nearest_schools(phone):
    cuisine = Formation.objects.get(cfd="40022106")
    for index in range(12):  # the sample holds a few schools of Occitanie: enough to need a cut on paper
        make_offer(make_school(f"01299{index:02d}A", f"Lycée {index}", departement_code="012", town="Rodez"), cuisine)
    phone.goto("/formations/40022106/?region=76&commune=12145")
    phone.emulate_media(media="print")
    schools = phone.locator("#ecoles li.fig-offer")
    shown = [schools.nth(i).is_visible() for i in range(schools.count())]
    assert len(shown) > 10 and shown[:10] == [True] * 10 and not any(shown[10:])
    assert phone.locator("#ecoles .fig-print-only").is_visible()
    for table in phone.locator(".fig-evolution .fr-table__container").all():
        assert table.evaluate("(box) => getComputedStyle(box).overflowX") == "visible"
    assert not phone.locator(".fig-reuse").is_visible()
