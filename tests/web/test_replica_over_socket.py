"""Issue 4 acceptance: the site shows the same figures whether the replica runs in process (no
INSERJEUNES_API_URL) or behind a real socket (INSERJEUNES_API_URL=http://127.0.0.1:PORT)."""

import threading

import pytest

from guidance.indicators.models import CacheEntry
from guidance.indicators.upstream import reset_client
from guidance.pagecache.purge import purge
from guidance.replica.app import create_app
from guidance.replica.management.commands.serve_replica import build_server
from tests.factories import make_formation, real_bac_pro
from tests.replica.support import API_KEY, replica_dataset
from tests.web.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_client():
    reset_client()
    yield
    reset_client()


@pytest.fixture
def replica_on_a_socket():
    server = build_server("127.0.0.1", 0, create_app(replica_dataset(), api_key=API_KEY))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _figures(html: bytes) -> list[tuple[str, str, str, str]]:
    """Every count shown on the page, with the scope and voie it belongs to."""
    tree = parse(html)
    shown = []
    for scope in tree.find_all("div", class_="fig-scope"):
        for panel in scope.find_all("div", class_="fig-panel"):
            for node in panel.find_all("dd"):
                if "data-count" in node.attrs:
                    shown.append(
                        (scope.attrs["data-scope"], panel.attrs["data-voie"], node.attrs["data-count"], node.text)
                    )
            for node in panel.find_all(class_="fig-legend__count"):
                shown.append((scope.attrs["data-scope"], panel.attrs["data-voie"], "legend", node.text))
    return shown


def test_the_formation_page_shows_the_same_figures_in_process_and_over_a_socket(client, settings, replica_on_a_socket):
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    region = sorted({region for _, region in real.rows})[0]
    url = f"/formations/{real.cfd}/?region={region}"

    settings.INSERJEUNES_API_URL = ""
    in_process = client.get(url)
    figures_in_process = _figures(in_process.content)

    CacheEntry.objects.all().delete()  # the second rendering must really ask the socket replica
    purge()  # … and not come from the page cache
    settings.INSERJEUNES_API_URL = replica_on_a_socket
    settings.INSERJEUNES_API_KEY = API_KEY
    reset_client()
    over_socket = client.get(url)

    assert in_process.status_code == over_socket.status_code == 200
    assert len(figures_in_process) >= 8  # national and regional panels, both voies: a real comparison
    assert _figures(over_socket.content) == figures_in_process
    assert CacheEntry.objects.exists()
