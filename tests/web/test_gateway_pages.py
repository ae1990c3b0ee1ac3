"""Issue 19 acceptance: the site against a stand-in of the ministry's gateway on a loopback port (its token endpoint,
Bearer-only routes, the replica behind it): pages show its figures, one token serves many pages, an expired token is
renewed once, a refusing token endpoint leaves pages up, and no credential shows in a page or a log."""

import logging
import threading
import time

import pytest

from guidance.indicators.upstream import get_client, reset_client
from guidance.replica.app import create_app
from guidance.replica.gateway import GATEWAY_PREFIX, TOKEN_PATH, GatewayApp, StandInCredentials
from guidance.replica.management.commands.serve_replica import build_server
from guidance.web.figures.wording import MESSAGES, MissingCause
from tests.factories import make_formation, real_bac_pro
from tests.replica.support import API_KEY, replica_dataset
from tests.web.html import parse

pytestmark = pytest.mark.django_db

STAND_IN = StandInCredentials("site-client", "client-secret-never-shown-7f3a", "omogen-key-never-shown-91c2")
UNAVAILABLE = MESSAGES[MissingCause.UNAVAILABLE][0]


@pytest.fixture
def gateway(settings):
    app = GatewayApp(create_app(replica_dataset(), api_key=API_KEY), STAND_IN, backend_key=API_KEY)
    server = build_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    settings.INSERJEUNES_API_URL = origin + GATEWAY_PREFIX
    settings.INSERJEUNES_TOKEN_URL = origin + TOKEN_PATH  # what the settings derive from the API URL's origin
    settings.INSERJEUNES_CLIENT_ID = STAND_IN.client_id
    settings.INSERJEUNES_CLIENT_SECRET = STAND_IN.client_secret
    settings.INSERJEUNES_API_KEY = STAND_IN.api_key
    reset_client()
    yield app
    reset_client()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def pages():
    """The formation page of a real bac pro in each region it has figures in (each page asks its own questions)."""
    real = real_bac_pro()
    make_formation(real.cfd, "Bac pro Formation réelle", mefstat11=real.mefstat11)
    regions = sorted({region for _, region in real.rows})
    return [f"/formations/{real.cfd}/?region={region}" for region in regions[:4]]


def _counts(html: bytes) -> list[str]:
    return [node.attrs["data-count"] for node in parse(html).find_all("dd") if "data-count" in node.attrs]


def test_pages_show_the_gateways_figures_and_one_token_serves_them_all(client, gateway, pages):
    answers = [client.get(url) for url in pages]

    assert all(a.status_code == 200 for a in answers)
    assert all(len(_counts(a.content)) >= 8 for a in answers)  # national and regional panels, both voies
    assert not any(UNAVAILABLE in a.content.decode() for a in answers)
    assert get_client().mode == "gateway"
    assert gateway.token_requests == 1


def test_a_token_the_gateway_no_longer_takes_is_renewed_once(client, gateway, pages):
    first = client.get(pages[0])
    gateway.revoke_tokens()  # every token issued is refused from now on (401)
    second = client.get(pages[1])

    assert len(_counts(first.content)) >= 8 and len(_counts(second.content)) >= 8
    assert gateway.token_requests == 2


def test_a_refusing_token_endpoint_leaves_pages_up(client, gateway, pages, settings):
    settings.INSERJEUNES_CLIENT_SECRET = "not-the-secret"
    reset_client()
    for url in pages:
        started = time.monotonic()
        answer = client.get(url)
        took = time.monotonic() - started
        assert answer.status_code == 200
        assert took < 3
        assert UNAVAILABLE in answer.content.decode()
        assert _counts(answer.content) == []
    assert 1 <= gateway.token_requests <= 2  # then the cool-down: no more token requests
    assert gateway.refused_token_requests == gateway.token_requests


def test_no_secret_nor_token_in_pages_or_logs(client, gateway, pages, caplog):
    shown = []
    with caplog.at_level(logging.DEBUG):
        shown.append(client.get(pages[0]).content.decode())
        tokens = list(gateway._tokens)
        gateway.revoke_tokens()
        shown.append(client.get(pages[1]).content.decode())
        tokens += list(gateway._tokens)
    shown.append(caplog.text)

    assert len(tokens) == 2 and "inserjeunes GET" in caplog.text
    secrets = [STAND_IN.client_secret, STAND_IN.api_key, *tokens]
    assert [secret for secret in secrets if any(secret in text for text in shown)] == []
