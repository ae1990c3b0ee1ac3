"""Near me in a real Chromium (issue 22), with and without JavaScript, at a phone's width and a laptop's: a place
typed once travels from the search to the formation page, its schools and the compare page; the maps are links that
work without JavaScript; "voir plus" swaps the list with HTMX; "Autour de moi" uses the browser's position; axe
stays clean."""

import re

import pytest
from django.core.cache import cache

from guidance.opendata.pipeline import run_import
from tests.browser.conftest import axe_violations, mark_window, window_mark
from tests.factories import FIXTURE_DIR

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}


@pytest.fixture
def sample(transactional_db):
    cache.clear()
    run_import(FIXTURE_DIR)
    yield
    cache.clear()


def _context(browser, live_server, width, **options):
    return browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=WIDTHS[width], **options)


def _walk_from_the_search(page, width) -> None:
    page.goto("/formations/?q=cuisine&lieu=12100&rayon=30")
    assert "Formations proposées à moins de 30 km de Millau" in page.locator(".place-around").inner_text()
    page.locator(".fr-card[data-cfd='40022106'] h3 a").click()
    page.wait_for_url(re.compile(r"/formations/40022106/\?commune=12145$"))
    schools = page.locator("#ecoles li.fig-offer")
    assert schools.nth(0).get_attribute("data-uai") == "0120014A"
    assert "À environ 5 km" in schools.nth(0).inner_text()
    assert schools.nth(1).get_attribute("data-uai") == "0480019K"
    # The maps fit the screen; the nearby map numbers the same schools.
    for selector in (".region-map__svg", ".nearby-map__svg"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["width"] <= WIDTHS[width]["width"]
    assert page.locator(".nearby-map__svg text").first.text_content() == "1"
    # A region of the map is a plain link to its figures, the place kept.
    page.locator(".region-map__svg a[href*='region=11']").click()
    page.wait_for_url(re.compile(r"region=11"))
    assert "commune=12145" in page.url
    assert page.locator("[data-scope=region] h3").first.inner_text() == "En Île-de-France"
    # On to the school × formation page, then to the compare page: the place still travels.
    page.locator("#ecoles li.fig-offer").first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/etablissements/0120014A/formations/40022106/\?commune=12145$"))
    page.get_by_role("button", name="Ajouter la voie scolaire à la comparaison").first.click()
    page.get_by_role("link", name=re.compile(r"Voir votre sélection")).click()
    page.wait_for_url(re.compile(r"/comparer/\?commune=12145$"))
    assert page.locator(".compare-distance").first.inner_text().startswith("À environ 5 km de Millau")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_place_travels_without_javascript(browser, live_server, sample, width):
    context = _context(browser, live_server, width, java_script_enabled=False)
    try:
        _walk_from_the_search(context.new_page(), width)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_place_travels_with_javascript(browser, live_server, sample, width):
    context = _context(browser, live_server, width)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _walk_from_the_search(page, width)
        assert errors == []
    finally:
        context.close()


def test_voir_plus_swaps_the_list_with_htmx_and_reloads_without(browser, live_server, sample):
    for javascript in (True, False):
        context = _context(browser, live_server, "laptop", java_script_enabled=javascript)
        page = context.new_page()
        try:
            page.goto("/formations/32031213/?commune=31555")
            first = page.locator("#ecoles li.fig-offer").first.get_attribute("data-uai")
            if javascript:
                mark_window(page)
            page.get_by_role("link", name="Voir plus d’établissements").click()
            page.wait_for_url(re.compile(r"page=2"))
            page.locator("#ecoles li.fig-offer").first.wait_for()
            assert page.locator("#ecoles li.fig-offer").first.get_attribute("data-uai") != first
            assert window_mark(page) == ("oui" if javascript else None)
        finally:
            context.close()


def test_autour_de_moi_searches_around_the_browser_position(browser, live_server, sample):
    context = _context(
        browser,
        live_server,
        "phone",
        geolocation={"latitude": 44.0981, "longitude": 3.1162},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto("/etablissements/")
        page.get_by_role("button", name="Autour de moi").click()
        page.locator(".place-around").wait_for()
        assert "Établissements à moins de 30 km de Millau" in page.locator(".place-around").inner_text()
        assert page.locator("#id_lieu").input_value() == "Millau"
        assert "0120014A" in page.locator("#resultats").inner_text()
    finally:
        context.close()
    without = _context(browser, live_server, "phone", java_script_enabled=False)
    try:
        page = without.new_page()
        page.goto("/etablissements/")
        assert not page.get_by_role("button", name="Autour de moi").is_visible()  # nothing that cannot work
    finally:
        without.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_pages_around_a_place_pass_axe(browser, live_server, sample, width):
    context = _context(browser, live_server, width)
    page = context.new_page()
    try:
        found = {}
        for url in (
            "/formations/?q=cuisine&lieu=12100",
            "/formations/40022106/?commune=12145",
            "/formations/50022146/?commune=12145",
            "/etablissements/?commune=12145&rayon=10",
            "/etablissements/0120014A/?commune=12145",
            "/?q=cuisine+millau",
        ):
            page.goto(url)
            if violations := axe_violations(page):
                found[url] = violations
        assert found == {}
    finally:
        context.close()
