"""Browser tests: Playwright's Python package drives Debian's Chromium (never a browser of its own)."""

import functools
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
# Without these, Chromium tries to reach Google's services, which this network refuses (noise, slow starts).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser-deps` (apt-get install chromium)")
    # Playwright's sync API runs an event loop; Django refuses ORM calls from such a thread unless told otherwise.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProbe:
    """A page plus the console errors and failed requests seen while it was open."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.on("requestfailed", self._request_failed)

    def _request_failed(self, request) -> None:
        # A reload or a navigation cancels the requests still in flight (fonts, icons): aborted is not broken.
        if request.failure != "net::ERR_ABORTED":
            self.failed_requests.append(f"{request.url} ({request.failure})")


def _new_probe(browser, **context_options):
    context = browser.new_context(locale="fr-FR", **context_options)
    probe = PageProbe(context.new_page())
    return context, probe


@pytest.fixture
def probe(browser, live_server, transactional_db):
    context, probe = _new_probe(browser, base_url=live_server.url)
    yield probe
    context.close()


@pytest.fixture
def probe_nojs(browser, live_server, transactional_db):
    context, probe = _new_probe(browser, base_url=live_server.url, java_script_enabled=False)
    yield probe
    context.close()


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core on the current page; return the violations of the given impacts."""
    # Evaluated through the DevTools protocol rather than added as a <script>: our CSP blocks inline scripts,
    # and we keep the CSP on during tests so that any violation shows up as a console error.
    # Let the DSFR script finish decorating the page (it adds ARIA attributes) before axe looks at it.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def mark_window(page) -> None:
    """Leave a marker on `window`: it survives an HTMX swap and is gone after any real navigation."""
    page.evaluate("() => { window.__sansRechargement = 'oui'; }")


def window_mark(page):
    """The marker left by `mark_window`, or None when the page was reloaded since."""
    return page.evaluate("() => window.__sansRechargement || null")
