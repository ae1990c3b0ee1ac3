"""The composition point chooses the upstream: the real API through the gateway or directly, or the replica in
process (behind its stand-in gateway by default); every client it builds shares the circuit breaker."""

import ast
from io import StringIO
from pathlib import Path

import httpx
import pytest
import respx
from django.core.management import call_command

from guidance.indicators import upstream
from guidance.indicators.circuit import breaker
from guidance.indicators.models import CacheEntry
from guidance.indicators.upstream import get_client, lists_available, reset_client
from guidance.inserjeunes.codes import parse_certification, parse_region
from guidance.inserjeunes.errors import Unavailable, UnavailableCause
from guidance.inserjeunes.routes import national_request, regional_list_request
from tests.inserjeunes.conftest import payload

REQUEST = national_request(parse_certification("CFD:40031212"))


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.INSERJEUNES_CLIENT_ID = settings.INSERJEUNES_CLIENT_SECRET = ""
    reset_client()
    yield
    reset_client()


def test_a_client_id_means_the_gateway(settings):
    settings.INSERJEUNES_API_URL = "https://gw.test/exposition-inserjeunes-insersup"
    settings.INSERJEUNES_TOKEN_URL = "https://gw.test/auth/token"
    settings.INSERJEUNES_CLIENT_ID, settings.INSERJEUNES_CLIENT_SECRET = "id", "secret"
    settings.INSERJEUNES_API_KEY = "key"
    settings.INSERJEUNES_CONNECT_TIMEOUT, settings.INSERJEUNES_READ_TIMEOUT = 1.5, 4.0
    settings.INSERJEUNES_CALL_DEADLINE, settings.INSERJEUNES_MAX_ANSWER_BYTES = 7.0, 123_456
    client = get_client()
    assert get_client() is client and client.mode == "gateway"
    assert (client.connect_timeout, client.read_timeout, client.call_timeout) == (1.5, 4.0, 7.0)
    assert client.max_answer_bytes == 123_456
    with respx.mock(base_url="https://gw.test") as mock:
        token = mock.post("/auth/token").mock(
            return_value=httpx.Response(200, json={"access_token": "t", "expires_in": 60, "token_type": "Bearer"})
        )
        data = mock.get(f"/exposition-inserjeunes-insersup{REQUEST.path}").mock(
            return_value=httpx.Response(200, json=payload("national_apprentissage"))
        )
        client.fetch(REQUEST)
    assert token.calls.last.request.headers["x-omogen-api-key"] == "key"
    assert data.calls.last.request.headers["authorization"] == "Bearer t"
    assert lists_available()


def test_no_client_id_means_the_api_directly_with_its_key(settings):
    settings.INSERJEUNES_API_URL = "https://self-hosted.test"
    settings.INSERJEUNES_API_KEY = ""
    assert get_client().mode == "direct" and not lists_available()
    settings.INSERJEUNES_API_KEY = "key"
    assert lists_available()


def test_no_url_means_the_replica_in_process_behind_its_stand_in_gateway(settings):
    settings.INSERJEUNES_API_URL = ""
    client = get_client()
    assert client.mode == "gateway" and lists_available()
    assert client.fetch(REQUEST).payload["code_certification"] == "40031212"
    list(client.iter_certifications(page_size=1))  # a private route opens to the same token
    assert client.token_requests == 1


def test_the_replica_can_be_asked_directly_too(settings, monkeypatch):
    calls = []

    def wsgi_app(environ, start_response):
        calls.append((environ["HTTP_HOST"], environ["PATH_INFO"], environ.get("HTTP_X_API_KEY")))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [httpx.Response(200, json=payload("national_apprentissage")).content]

    monkeypatch.setattr(upstream, "get_default_app", lambda: wsgi_app)
    settings.INSERJEUNES_API_URL, settings.REPLICA_GATEWAY, settings.REPLICA_API_KEY = "", False, "replica-key"
    client = get_client()
    assert client.mode == "direct"
    client.fetch(REQUEST)
    client.fetch(regional_list_request(parse_region("76")))  # an authenticated route: the replica's key
    assert calls == [
        ("replica.local", REQUEST.path, None),
        ("replica.local", "/api/inserjeunes/regionales/76", "replica-key"),
    ]


def test_every_client_shares_the_circuit_breaker(settings):
    settings.INSERJEUNES_API_URL = ""
    settings.INSERJEUNES_CIRCUIT_FAILURES = 1
    breaker.record_failure()
    client = get_client()
    for call in (lambda: client.fetch(REQUEST), lambda: list(client.iter_certifications())):
        with pytest.raises(Unavailable) as excinfo:
            call()
        assert excinfo.value.cause is UnavailableCause.CIRCUIT_OPEN
    assert client.token_requests == 0  # not even a token was asked


@pytest.mark.django_db
def test_indicators_warm_goes_through_the_stand_in_gateway(settings, imported):
    settings.INSERJEUNES_API_URL = ""
    out = StringIO()
    call_command("indicators_warm", "--no-progress", "--kinds", "national", "--limit", "20", stdout=out)
    client = get_client()
    assert client.mode == "gateway" and client.token_requests == 1
    assert "listes : pages lues" in out.getvalue()  # the private list routes answered through it too
    assert CacheEntry.objects.filter(status=200).exists()


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_the_composition_point_imports_the_replica_and_the_ground_floor_imports_nothing_above():
    root = Path(__file__).resolve().parents[2] / "guidance"
    replica_users = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "replica" not in path.relative_to(root).parts[:1]
        and any(name == "guidance.replica" or name.startswith("guidance.replica.") for name in _imports(path))
    }
    assert replica_users == {"indicators/upstream.py"}
    above = ("guidance.indicators", "guidance.replica", "guidance.catalog", "guidance.web", "guidance.orientation")
    ground = {
        str(path.relative_to(root)): sorted(name for name in _imports(path) if name.startswith(above))
        for path in (root / "inserjeunes").rglob("*.py")
    }
    assert {path: names for path, names in ground.items() if names} == {}


def test_in_process_the_lists_answer_only_when_the_replica_has_a_key(settings):
    settings.INSERJEUNES_API_URL = ""
    settings.REPLICA_API_KEY = ""  # as in production: the private routes of the replica stay closed
    assert not lists_available()
    settings.REPLICA_API_KEY = "k"
    assert lists_available()
