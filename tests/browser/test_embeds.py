"""Embeds in a real Chromium: a page on another origin frames the embed and shows its figures, the formation page
itself refuses to be framed; axe passes on the embed pages; the badge is an image the browser draws."""

import functools
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from guidance.catalog.models import Voie
from tests.browser.conftest import axe_violations
from tests.factories import make_formation, make_offer, make_school, real_bac_pro


@pytest.fixture
def catalogue(transactional_db):
    real = real_bac_pro()
    formation = make_formation(real.cfd, "Bac pro Métiers du commerce et de la vente", mefstat11=real.mefstat11)
    school = make_school("0310024H", "Lycée Jean Jaurès", departement_code="031", town="Toulouse")
    make_offer(school, formation, Voie.SCOLAIRE, mefstat11=real.mefstat11)
    return formation, school


class _PartnerPage(BaseHTTPRequestHandler):
    """A partner's site: one static page that frames our embed and, to check the refusal, our formation page."""

    def __init__(self, *args, html: str, **kwargs) -> None:
        self.html = html
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        body = self.html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def partner(live_server, catalogue):
    """The URL of a page served from another origin (another loopback port), framing two of our addresses."""
    formation, _ = catalogue
    html = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Site partenaire</title></head>
<body><h1>Un site partenaire</h1>
<iframe id="embed" name="embed" title="Chiffres" width="800" height="700"
        src="{live_server.url}/formations/{formation.cfd}/integrer/?region=76"></iframe>
<iframe id="page" name="page" title="Page" width="800" height="400"
        src="{live_server.url}/formations/{formation.cfd}/"></iframe>
<iframe id="unknown" name="unknown" title="Code inconnu" width="800" height="200"
        src="{live_server.url}/formations/99999999/integrer/"></iframe>
</body></html>"""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PartnerPage, html=html))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _rates(frame_or_page, scope_selector: str) -> list[str]:
    return [re.sub(r"\D", "", text) for text in frame_or_page.locator(scope_selector).all_inner_texts()]


def test_another_origin_frames_the_embed_and_not_the_page(browser, live_server, catalogue, partner):
    formation, _ = catalogue
    assert not partner.startswith(live_server.url)  # another origin (another port)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/formations/{formation.cfd}/?region=76")
        expected = _rates(page, "#devenir .fig-scope[data-scope=region] .fig-legend__rate")
        assert len(expected) == 6  # three shares in each voie

        page.goto(partner)
        embed = page.frame_locator("#embed")
        embed.locator("h1").wait_for()
        assert embed.locator("h1").inner_text() == formation.label
        assert _rates(embed, ".fig-legend__rate") == expected
        assert "Source : InserJeunes" in embed.locator("body").inner_text()

        # The formation page refuses to be framed (frame-ancestors 'none', X-Frame-Options: DENY): its frame holds
        # the browser's error page, never our content.
        page.wait_for_load_state("load")
        framed = page.frame(name="page")
        assert framed is not None
        assert framed.url.startswith("chrome-error://") or framed.locator("h1").count() == 0
        assert framed.locator(".fig-legend__rate").count() == 0
        # An unknown code is our own 404 message, shown inside the partner's frame.
        assert page.frame_locator("#unknown").locator("h1").inner_text() == "Chiffres introuvables"
    finally:
        context.close()


def test_embed_pages_pass_axe_and_run_no_script(browser, live_server, catalogue):
    formation, school = catalogue
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    try:
        found = {}
        for url in (
            f"/formations/{formation.cfd}/integrer/",
            f"/formations/{formation.cfd}/integrer/?region=76&layout=full",
            f"/etablissements/{school.uai}/formations/{formation.cfd}/integrer/",
            f"/etablissements/{school.uai}/formations/{formation.cfd}/integrer/?layout=full",
            f"/formations/{formation.cfd}/integrer/?layout=nope",
            "/formations/99999999/integrer/",
        ):
            page.goto(url)
            if violations := axe_violations(page):
                found[url] = sorted(v["id"] for v in violations)
        assert found == {}
        # Nothing blocked by the embed's CSP (no script, same-origin styles and fonts); the 400 and 404 statuses of
        # the two error pages are the only messages.
        assert [e for e in errors if "status of 400" not in e and "status of 404" not in e] == []
        assert len(errors) == 2
    finally:
        context.close()


def test_the_page_previews_the_badge_as_an_image(probe, catalogue):
    formation, _ = catalogue
    page = probe.page
    page.goto(f"/formations/{formation.cfd}/")

    preview = page.locator("img.fig-reuse__preview")
    preview.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('img.fig-reuse__preview').complete")
    assert page.evaluate("() => document.querySelector('img.fig-reuse__preview').naturalWidth") == 600
    assert probe.console_errors == [] and probe.failed_requests == []
