"""Higher-education pages in a real browser (issue 25): found and read without JavaScript, added to the comparison
with a plain form, axe clean at a phone's and a laptop's width, no sideways scrolling on a phone."""

import re

import pytest

from guidance.catalog.models import Formation, HigherEducationOffer, School, SchoolKind
from guidance.indicators import upstream
from tests.browser.conftest import axe_violations
from tests.insersup import UNIVERSITY, UNIVERSITY_NAME, install_replica, make_sise_diplomas, opendata_with_insersup

WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}


@pytest.fixture
def diplomas(transactional_db):
    make_sise_diplomas()
    university = School.objects.create(uai=UNIVERSITY, name=UNIVERSITY_NAME, slug="uca", kind=SchoolKind.SUPERIEUR)
    HigherEducationOffer.objects.create(school=university, formation=Formation.objects.get(cfd="2300030"))
    upstream.reset_client()
    yield
    upstream.reset_client()


@pytest.fixture
def insersup(monkeypatch, settings, tmp_path, diplomas):
    install_replica(monkeypatch, settings, opendata_with_insersup(tmp_path))


def test_a_student_finds_reads_and_compares_a_licence_without_javascript(probe_nojs, diplomas):
    page = probe_nojs.page
    page.goto("/formations/")
    page.fill("#id_q", "licence informatique")
    page.locator("#recherche-formations button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=licence"))
    page.locator("#resultats a", has_text="Licence Informatique").first.click()
    page.wait_for_url(re.compile(r"/formations/2300030/$"))
    assert page.locator("h1").inner_text() == "Licence Informatique"
    assert "InserSup" in page.locator("#devenir").inner_text()
    assert page.locator("#devenir [data-missing=insersup_offline]").count() == 1
    page.get_by_role("button", name="Ajouter ce diplôme à la comparaison").click()
    page.wait_for_url(re.compile(r"/formations/2300030/"))
    page.get_by_role("link", name=re.compile("Voir votre sélection")).click()
    page.wait_for_url(re.compile(r"/comparer/"))
    assert "Licence Informatique" in page.locator("#tableau-comparaison").inner_text()
    assert probe_nojs.console_errors == []


def test_insersups_figures_read_without_javascript_and_the_promotion_switch_works(probe_nojs, insersup):
    page = probe_nojs.page
    page.goto("/formations/2300030/")
    answer = page.locator(".sup-answer").inner_text()
    assert re.search(r"8\s+sur 10", answer) and "60" in answer
    page.locator(".fig-millesimes a", has_text="2022").click()
    page.wait_for_url(re.compile(r"millesime=2022"))
    assert re.sub(r"\D", "", page.locator(".sup-figures dd[data-count=nb_sortant]").inner_text()) == "800"
    assert probe_nojs.console_errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_higher_education_pages_pass_axe_and_never_scroll_sideways(browser, live_server, insersup, width):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, viewport=WIDTHS[width])
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        found, wide = {}, {}
        for url in (
            "/formations/2300030/",
            "/formations/2400152/",  # a small cohort
            f"/etablissements/{UNIVERSITY}/formations/2300030/",
            "/formations/?q=master+informatique",
            "/comparer/?item=f:2300030:superieur&item=f:2500164:superieur",
            "/comprendre/#insersup",
        ):
            page.goto(url)
            if violations := axe_violations(page):
                found[url] = sorted(v["id"] for v in violations)
            if (scroll := page.evaluate("document.documentElement.scrollWidth")) > WIDTHS[width]["width"]:
                wide[url] = scroll
        assert found == {} and wide == {} and errors == []
    finally:
        context.close()


def test_the_live_search_finds_a_master_as_one_types(probe, diplomas):
    page = probe.page
    page.goto("/formations/")
    page.locator("#id_q").press_sequentially("master informatique", delay=20)
    page.locator("#resultats .fr-card[data-cfd='2500164']").wait_for()
    assert probe.console_errors == []
